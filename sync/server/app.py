"""The FastAPI app of the sync server. The OpenAPI document is served at ``/openapi.json``.

Every refusal is JSON ``{"error", "message", "detail"}`` with a 4xx status; a malformed, oversized or
hostile body changes nothing and never causes a 500. Request bodies may be gzip-compressed; responses
are compressed when the client accepts it.
"""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Annotated, Any

import anyio.to_thread
import orjson
from fastapi import Depends, FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.middleware.gzip import GZipMiddleware
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException as StarletteHTTPException

from sync import auth
from sync.protocol import (
    HEADER_COUNTER,
    HEADER_DEVICE,
    HEADER_NEW_TOKEN,
    HEADER_PROTOCOL,
    HEADER_PUSH_PULLS,
    HEADER_SIGNATURE,
    PROTOCOL_MAX,
    PROTOCOL_MIN,
    CarriesOps,
    DigestRequest,
    DigestResponse,
    EnrolRequest,
    EnrolResponse,
    ErrorBody,
    EscrowConfirm,
    FamilyOpsRequest,
    FamilyOpsResponse,
    Hello,
    LoginRequest,
    LoginResponse,
    PullRequest,
    PullResponse,
    PushRequest,
    PushResponse,
    Retired,
)
from sync.server import db
from sync.server.accounts import TokenClaims, issue_token, now_ms, read_token
from sync.server.admin import Admin
from sync.server.admission import Admitted
from sync.server.asgi import ASGIApp, BodyLimit, SyncPaths, error_response, parse
from sync.server.config import Settings
from sync.server.pulls import Page, gzip_page
from sync.server.store import ApiError, ServerStore

GZIP_MINIMUM = 600  # bytes: smaller answers are sent as they are
GZIPPED = {"Content-Encoding": "gzip", "Vary": "Accept-Encoding"}
PUSH_PULLS = {HEADER_PUSH_PULLS: "1"}  # this server answers a push's pull (laptops ask once they know)
ERRORS: dict[int | str, dict[str, Any]] = {
    status: {"model": ErrorBody} for status in (400, 401, 403, 409, 410, 413, 422, 426)
}


class Authed:
    """A verified request: the device that signed it and (when required) the person's account id."""

    def __init__(self, device: db.Record, user_id: str | None, counter: int) -> None:
        self.device = device
        self.user_id = user_id
        self.counter = counter


@dataclass(frozen=True, slots=True)
class Signed:
    """A request its device's key signed, before its counter is taken."""

    device_id: str
    counter: int
    needs_token: bool
    claims: TokenClaims | None

    @property
    def user_id(self) -> str | None:
        return self.claims.user_id if self.claims else None


@dataclass(frozen=True, slots=True)
class Refused:
    """A signed request that may not be answered: the error to raise, once what admitted it is kept (and
    the revoked device to record as wiped)."""

    error: ApiError
    wiped: db.Record | None = None


def create_app(settings: Settings, store: ServerStore | None = None) -> ASGIApp:
    store = store or ServerStore(settings)
    store.start()
    admin = Admin(store)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        # a few request threads (config.default_threads): more would only queue for the GIL and the database
        anyio.to_thread.current_default_thread_limiter().total_tokens = settings.threads
        yield

    lanes: dict[str, anyio.CapacityLimiter] = {}

    def lane(kind: str) -> anyio.CapacityLimiter:
        """Pushes and pulls each have half the request threads. A sync is a push and then pulls, so a
        laptop whose push is done is never queued behind a burst of other laptops' pushes: syncs finish in
        turn, and each pull carries only the pushes before it. 200 laptops at once pulled 97,000 ops
        instead of 176,000 and half of them were done in 1.2 s instead of 2.1 s. A push that carries its
        pull is a whole sync: those take turns in a lane of all the threads."""
        found = lanes.get(kind)
        if found is None:  # made on the event loop, at the first request
            pushes = max(1, settings.threads // 2)
            sizes = {"push": pushes, "pull": max(1, settings.threads - pushes), "sync": settings.threads}
            found = lanes[kind] = anyio.CapacityLimiter(sizes[kind])
        return found

    def push_lane(raw: bytes) -> anyio.CapacityLimiter:
        # laptops send the pull before the ops; a body that hides it further in only waits in another lane
        return lane("sync" if b'"pull":{' in raw[:512] else "push")

    app = FastAPI(
        lifespan=lifespan,
        title="Early Help sync server",
        version=str(PROTOCOL_MAX),
        description="Push and pull of field-level ops between Early Help Desktop laptops and their hub.",
    )
    app.add_middleware(GZipMiddleware, minimum_size=GZIP_MINIMUM, compresslevel=6)
    app.add_middleware(BodyLimit, max_wire=settings.max_body_bytes, max_json=settings.max_json_bytes)
    app.state.store = store

    @app.exception_handler(ApiError)
    async def _api_error(request: Request, exc: ApiError) -> JSONResponse:
        return error_response(exc)

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, exc: RequestValidationError) -> JSONResponse:
        return error_response(exc)

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        body = ErrorBody(error="http", message=str(exc.detail))
        return JSONResponse(body.model_dump(), status_code=exc.status_code)

    def check_protocol(request: Request) -> None:
        raw = request.headers.get(HEADER_PROTOCOL, "")
        if not raw.isdigit():
            raise ApiError(400, "protocol", f"Say which protocol version you speak ({HEADER_PROTOCOL}).")
        version = int(raw)
        if version < PROTOCOL_MIN:
            raise ApiError(
                426, "protocol_too_old", "This version of Early Help Desktop is too old: update it."
            )
        if version > PROTOCOL_MAX:
            raise ApiError(
                400, "protocol_too_new", "The sync server is older than this app: ask for an update."
            )

    async def verify(request: Request, needs_token: bool, public_key: str | None = None) -> Authed:
        body = await request.body()
        # the database work runs in the thread pool: the event loop keeps serving other laptops
        return await run_in_threadpool(check_request, request, body, needs_token, public_key)

    def check_request(request: Request, body: bytes, needs_token: bool, public_key: str | None) -> Authed:
        signed = check_signature(request, body, needs_token, public_key)
        if public_key:
            return Authed({}, None, signed.counter)
        return settle(judge(request, signed, store.admit(signed.device_id, signed.counter, signed.user_id)))

    def check_signature(request: Request, body: bytes, needs_token: bool, public_key: str | None) -> Signed:
        """The device, counter and (when ``needs_token``) token of a request its device's key signed;
        401 for one it did not. Nothing is read from the database but the device's key (kept once read)."""
        check_protocol(request)
        device_id = request.headers.get(HEADER_DEVICE, "")
        counter_text = request.headers.get(HEADER_COUNTER, "")
        signature = request.headers.get(HEADER_SIGNATURE, "")
        if not counter_text.isdigit() or len(counter_text) > 19 or not signature or len(signature) > 200:
            raise ApiError(401, "unsigned", "The request is not signed by an enrolled laptop.")
        counter = int(counter_text)
        token = ""
        authorization = request.headers.get("Authorization", "")
        if authorization.startswith("Bearer "):
            token = authorization[7:]
        key = public_key or store.device_key(device_id)
        try:
            key_bytes = auth.unb64(key) if key else b""
        except ValueError:
            key_bytes = b""
        # the path as request.url.path gives it, without building the whole URL
        path = request.scope["path"].replace("?", "%3F").replace("#", "%23").replace("\\", "%5C")
        data = auth.signing_input(request.method, path, counter, token, body)
        if len(key_bytes) != 32 or not auth.verify(key_bytes, data, signature):
            raise ApiError(401, "bad_signature", "The request is not signed by an enrolled laptop.")
        claims = read_token(store.identity().token_secret, token) if needs_token and token else None
        return Signed(device_id, counter, needs_token, claims)

    def judge(request: Request, signed: Signed, admitted: Admitted) -> Authed | Refused:
        """Whether the device as admitted (its counter taken) may make the request; reads nothing."""
        device = admitted.device
        if device is None:
            return Refused(ApiError(401, "bad_signature", "The request is not signed by an enrolled laptop."))
        if device["status"] in ("revoke", "revoked", "retired"):
            action = "revoke" if device["status"] in ("revoke", "revoked") else "retire"
            message = store.device_message(device["device_id"], action)
            return Refused(
                ApiError(
                    410,
                    action + "d",
                    "This laptop has been "
                    + ("revoked" if action == "revoke" else "retired")
                    + " by the administrator.",
                    {"message": message.model_dump()},
                ),
                wiped=device if device["status"] == "revoke" else None,
            )
        if admitted.last_counter is not None:
            return Refused(
                ApiError(
                    409,
                    "replayed",
                    "This request was sent before; it was refused.",
                    {"counter": admitted.last_counter},
                )
            )
        user_id = None
        if signed.needs_token:
            claims = signed.claims
            if claims is None or claims.device_id != device["device_id"]:
                return Refused(
                    ApiError(401, "bad_token", "Log in online again: the online session is not valid.")
                )
            if claims.expires_ms <= now_ms():
                return Refused(
                    ApiError(401, "token_expired", "Your online session has ended: log in online again.")
                )
            account = admitted.account
            if account is None or not account["active"] or account["hub_id"] != device["hub_id"]:
                return Refused(ApiError(403, "not_authorised", "Your account may not sync this laptop."))
            user_id = claims.user_id
            remaining = claims.expires_ms - now_ms()
            if remaining < settings.token_seconds * 500:
                fresh, _ = issue_token(
                    store.identity().token_secret, claims.user_id, device["device_id"], settings.token_seconds
                )
                request.state.fresh_token = fresh
        return Authed(device, user_id, signed.counter)

    def settle(verdict: Authed | Refused) -> Authed:
        """The verdict's Authed, or its refusal raised (a revoked laptop's slots recorded as wiped first)."""
        if isinstance(verdict, Authed):
            return verdict
        if verdict.wiped is not None:
            admin.device_wiped(verdict.wiped)
        raise verdict.error

    async def with_token(request: Request) -> Authed:
        return await verify(request, True)

    async def device_only(request: Request) -> Authed:
        return await verify(request, False)

    def respond(request: Request, model: Any, page: Page | None = None) -> Response:
        """The answer (with ``page``, a push's pull, in it), compressed here in the worker thread when the
        client takes gzip and it is worth it (the gzip middleware passes such answers through)."""
        headers = fresh_token(request) | PUSH_PULLS
        gzip_ok = "gzip" in request.headers.get("accept-encoding", "")
        if page is not None:  # the page's ops are spliced in as they are kept, ready for the wire
            pushed = orjson.dumps(model.model_dump(mode="json", exclude_defaults=True))
            body = pushed[:-1] + b',"page":' + page.body() + b"}"
            if gzip_ok:
                return Response(gzip_page(body), media_type="application/json", headers=headers | GZIPPED)
        elif isinstance(model, Page):
            if model.count and gzip_ok:
                return Response(model.gzipped(), media_type="application/json", headers=headers | GZIPPED)
            body = model.body()
        elif isinstance(model, CarriesOps):
            body = orjson.dumps(model.wire())
        else:
            body = orjson.dumps(model.model_dump(mode="json", exclude_defaults=True))
        if gzip_ok and len(body) >= GZIP_MINIMUM:
            return Response(gzip_page(body), media_type="application/json", headers=headers | GZIPPED)
        return Response(body, media_type="application/json", headers=headers)

    def fresh_token(request: Request) -> dict[str, str]:
        fresh = getattr(request.state, "fresh_token", None)
        return {HEADER_NEW_TOKEN: fresh} if fresh else {}

    @app.get("/v1/hello", response_model=Hello)
    def hello() -> Hello:
        return Hello(
            protocol_min=PROTOCOL_MIN,
            protocol_max=PROTOCOL_MAX,
            epoch=store.identity().epoch,
            server_time_ms=now_ms(),
        )

    @app.post("/v1/enrol", response_model=EnrolResponse, responses=ERRORS)
    async def enrol(body: EnrolRequest, request: Request) -> Response:
        authed = await verify(request, False, public_key=body.public_key)
        result = await run_in_threadpool(admin.enrol, body, authed.counter)
        return respond(request, result)

    @app.post("/v1/login", response_model=LoginResponse, responses=ERRORS)
    def login(
        body: LoginRequest, request: Request, authed: Annotated[Authed, Depends(device_only)]
    ) -> Response:
        return respond(request, admin.login(authed.device, body))

    @app.post("/v1/escrow/confirm", response_model=Retired, responses=ERRORS)
    def confirm(
        body: EscrowConfirm, request: Request, authed: Annotated[Authed, Depends(device_only)]
    ) -> Response:
        admin.confirm_escrow(authed.device, body.new_secret_sha256)
        return respond(request, Retired(wiped=False))

    # Push and pull, the two requests of every sync, are answered by SyncPaths in front of this app: each
    # is checked, read once from the bytes that were signed and answered in one trip to the thread pool.

    def push(request: Request, raw: bytes) -> Response:
        if not store.admits_with_push:
            authed = check_request(request, raw, True, None)
            body = parse(PushRequest, raw)
            if body.pull is not None:
                store.check_cursor(body.pull.cursor)  # refused before anything is applied
            pushed = store.push(authed.device, body)
        else:
            authed, body, pushed = admit_and_push(request, raw)
        if body.pull is None:
            return respond(request, pushed)
        return respond(request, pushed, page=pull_page(authed.device, body.pull))

    def admit_and_push(request: Request, raw: bytes) -> tuple[Authed, PushRequest, PushResponse]:
        """A push whose counter is taken in its own transaction, with its reads (PostgreSQL). A body that
        cannot be read is refused as before, once its counter is taken alone."""
        signed = check_signature(request, raw, True, None)
        try:
            body = parse(PushRequest, raw)
            if body.pull is not None:
                store.check_cursor(body.pull.cursor)  # refused before anything is applied
        except (ApiError, RequestValidationError):
            settle(judge(request, signed, store.admit(signed.device_id, signed.counter, signed.user_id)))
            raise
        verdicts: list[Authed | Refused] = []

        def allowed(admitted: Admitted) -> db.Record | None:
            verdicts.append(judge(request, signed, admitted))
            return verdicts[-1].device if isinstance(verdicts[-1], Authed) else None

        pushed = store.admit_and_push(signed.device_id, signed.counter, signed.user_id, body, allowed)
        authed = settle(verdicts[-1])
        assert pushed is not None  # pushed whenever allowed
        return authed, body, pushed

    def pull(request: Request, raw: bytes) -> Response:
        authed = check_request(request, raw, True, None)
        return respond(request, pull_page(authed.device, parse(PullRequest, raw)))

    def pull_page(device: db.Record, asked: PullRequest) -> Page:
        return store.pull(device, asked.cursor, asked.limit, pending=asked.pending)

    documented = app.openapi

    def openapi() -> dict[str, Any]:
        """FastAPI's document, with push and pull (answered before FastAPI) added."""
        document = documented()
        schemas = document.setdefault("components", {}).setdefault("schemas", {})
        paths = document.setdefault("paths", {})
        for path, asked, answered in (
            ("/v1/push", PushRequest, PushResponse),
            ("/v1/pull", PullRequest, PullResponse),
        ):
            for model in (asked, answered, ErrorBody):
                found = model.model_json_schema(ref_template="#/components/schemas/{model}")
                schemas.update(found.pop("$defs", {}))
                schemas[model.__name__] = found
            paths[path] = {"post": sync_operation(path, asked, answered)}
        return document

    app.openapi = openapi  # type: ignore[method-assign]

    @app.post("/v1/family-ops", response_model=FamilyOpsResponse, responses=ERRORS)
    def family_ops(
        body: FamilyOpsRequest, request: Request, authed: Annotated[Authed, Depends(with_token)]
    ) -> Response:
        found, seqs, more, ids = store.family_ops(authed.device, body.families, body.after_seq, body.limit)
        return respond(request, FamilyOpsResponse(ops=found, seqs=seqs, more=more, op_ids=ids))

    @app.post("/v1/digest", response_model=DigestResponse, responses=ERRORS)
    def digest(
        body: DigestRequest, request: Request, authed: Annotated[Authed, Depends(with_token)]
    ) -> Response:
        return respond(
            request, DigestResponse(bucket=body.bucket, parts=store.digest_parts(authed.device, body.bucket))
        )

    @app.post("/v1/retired", response_model=Retired, responses=ERRORS)
    def retired(body: Retired, request: Request, authed: Annotated[Authed, Depends(with_token)]) -> Response:
        if authed.device["status"] != "retire":
            raise ApiError(409, "not_retiring", "This laptop is not being retired.")
        admin.device_wiped(authed.device)
        return respond(request, Retired(wiped=True))

    routes = {"/v1/push": (push, push_lane), "/v1/pull": (pull, lambda raw: lane("pull"))}
    return SyncPaths(app, routes, settings.max_body_bytes, settings.max_json_bytes)


def sync_operation(path: str, asked: type[BaseModel], answered: type[BaseModel]) -> dict[str, Any]:
    """The OpenAPI operation of a path SyncPaths answers: its JSON body, its answer and its refusals."""

    def content(model: type[BaseModel]) -> dict[str, Any]:
        return {"application/json": {"schema": {"$ref": f"#/components/schemas/{model.__name__}"}}}

    refusals = {str(status): {"description": "Refused", "content": content(ErrorBody)} for status in ERRORS}
    return {
        "summary": path.rsplit("/", 1)[-1].capitalize(),
        "operationId": path.strip("/").replace("/", "_"),
        "requestBody": {"required": True, "content": content(asked)},
        "responses": {
            "200": {"description": "Successful Response", "content": content(answered)},
            **refusals,
        },
    }
