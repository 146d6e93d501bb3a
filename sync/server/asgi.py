"""The ASGI layers in front of the FastAPI app: bounded request bodies, and the two requests of every sync.

``BodyLimit`` refuses oversized bodies and inflates gzip ones (bounded, so a zip bomb is refused too).
``SyncPaths`` answers push and pull itself: each is read once from the bytes that were signed, checked and
answered in one trip to a worker thread, then sent. FastAPI's middleware, routing and dependency layers
cost more of the server's time per request than the event loop's own work; these two paths need none of
them. Their refusals are the same JSON bodies the app's exception handlers write.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping, MutableMapping
from typing import Any, TypeVar

import anyio.to_thread
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel, ValidationError
from starlette.requests import Request
from zlib_ng import zlib_ng

from sync.protocol import ErrorBody
from sync.server.store import ApiError

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]
Work = Callable[[Request, bytes], Response]
M = TypeVar("M", bound=BaseModel)
NOT_GZIP: type[Exception] = zlib_ng.error  # type: ignore[assignment]  # its stub says an instance


def parse(model: type[M], raw: bytes) -> M:
    """A request body read as ``model``; anything else is refused as FastAPI would (422, with reasons)."""
    try:
        return model.model_validate_json(raw or b"null")
    except ValidationError as exc:
        raise RequestValidationError(exc.errors(include_url=False, include_context=False)) from exc


def error_response(exc: ApiError | RequestValidationError) -> JSONResponse:
    """Every refusal: ``{"error", "message", "detail"}`` with its 4xx status."""
    if isinstance(exc, ApiError):
        body = ErrorBody(error=exc.code, message=exc.message, detail=exc.detail)
        return JSONResponse(body.model_dump(), status_code=exc.status)
    problems = [f"{'.'.join(str(p) for p in e.get('loc', ()))}: {e.get('msg', '')}" for e in exc.errors()[:5]]
    body = ErrorBody(error="invalid", message="The request is not valid: " + "; ".join(problems))
    return JSONResponse(body.model_dump(), status_code=422)


async def _send_error(scope: Scope, send: Send, status: int, code: str, message: str) -> None:
    await error_response(ApiError(status, code, message))(scope, _no_body, send)


async def _no_body() -> Message:
    return {"type": "http.disconnect"}


async def read_body(scope: Scope, receive: Receive, send: Send, max_wire: int, max_json: int) -> bytes | None:
    """The request's body, inflated when gzip'd; None when it was refused (and the refusal sent)."""
    chunks: list[bytes] = []
    size = 0
    more = True
    while more:
        message = await receive()
        if message["type"] != "http.request":
            break
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > max_wire:
            await _send_error(scope, send, 413, "too_large", "The request is too large.")
            return None
        chunks.append(chunk)
        more = message.get("more_body", False)
    body = b"".join(chunks)
    encoding = dict(scope["headers"]).get(b"content-encoding", b"").lower()
    if encoding == b"gzip":
        inflater = zlib_ng.decompressobj(16 + zlib_ng.MAX_WBITS)
        try:
            body = inflater.decompress(body, max_json + 1)
        except NOT_GZIP:
            await _send_error(scope, send, 400, "bad_body", "The request body is not valid gzip.")
            return None
        if len(body) > max_json or inflater.unconsumed_tail:
            await _send_error(scope, send, 413, "too_large", "The request is too large once decompressed.")
            return None
    elif encoding not in (b"", b"identity"):
        await _send_error(scope, send, 400, "bad_body", "Only gzip request bodies are understood.")
        return None
    return body


class BodyLimit:
    """Hands the app a body no larger than the limits, inflated (``read_body``)."""

    def __init__(self, app: ASGIApp, max_wire: int, max_json: int) -> None:
        self.app = app
        self.max_wire = max_wire
        self.max_json = max_json

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        body = await read_body(scope, receive, send, self.max_wire, self.max_json)
        if body is None:
            return
        scope = dict(scope)
        scope["headers"] = [
            (k, v) for k, v in scope["headers"] if k.lower() not in (b"content-encoding", b"content-length")
        ] + [(b"content-length", str(len(body)).encode())]
        sent = False

        async def replay() -> Message:
            nonlocal sent
            if not sent:
                sent = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()

        await self.app(scope, replay, send)


class SyncPaths:
    """Answers ``POST`` to each path in ``routes`` with its work, run in a worker thread under the lane
    chosen for its body; passes everything else on to ``app``."""

    def __init__(
        self,
        app: ASGIApp,
        routes: Mapping[str, tuple[Work, Callable[[bytes], anyio.CapacityLimiter]]],
        max_wire: int,
        max_json: int,
    ) -> None:
        self.app = app
        self.routes = routes
        self.max_wire = max_wire
        self.max_json = max_json

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        route = self.routes.get(scope["path"]) if scope["type"] == "http" else None
        if route is None:
            await self.app(scope, receive, send)
            return
        if scope["method"] != "POST":
            await error_response(ApiError(405, "http", "Method Not Allowed"))(scope, receive, send)
            return
        body = await read_body(scope, receive, send, self.max_wire, self.max_json)
        if body is None:
            return
        work, lane = route
        request = Request(scope)

        def answer() -> Response:
            try:
                return work(request, body)
            except (ApiError, RequestValidationError) as exc:
                return error_response(exc)

        response = await anyio.to_thread.run_sync(answer, limiter=lane(body))
        await response(scope, receive, send)
