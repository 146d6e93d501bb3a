"""The HTTP client of the sync protocol, on requests (the Session is injectable for tests).

Bodies are JSON, gzip-compressed when that helps. Every request after enrolment is signed by the
device (see ``sync.auth``); each attempt uses a fresh counter, so a retried push is simply a new request
for the same idempotent ops. Connection failures, stalls (no byte for 30 s), 5xx answers and 429 are
retried with jittered exponential back-off and then reported as ``Unreachable``; anything that is not
our server's JSON is a ``BadReply``. Errors are drawn in ``sync.errors``.
"""

from __future__ import annotations

import gzip
import json
import random
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol, TypeVar

import orjson
import requests
from pydantic import BaseModel, ValidationError

from sync import errors
from sync.auth import signing_input
from sync.protocol import (
    HEADER_COUNTER,
    HEADER_DEVICE,
    HEADER_NEW_TOKEN,
    HEADER_PROTOCOL,
    HEADER_PUSH_PULLS,
    HEADER_SIGNATURE,
    PROTOCOL_MAX,
    CarriesOps,
    DigestRequest,
    DigestResponse,
    EnrolRequest,
    EnrolResponse,
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

R = TypeVar("R", bound=BaseModel)
COMPRESS_ABOVE = 512
RETRY_STATUS = {429, 500, 502, 503, 504}


class Signer(Protocol):
    """The enrolled device: its id, its key and its request counter (persisted before each use)."""

    @property
    def device_id(self) -> str: ...

    def next_counter(self) -> int: ...

    def skip_counter_past(self, value: int) -> None: ...

    def sign(self, data: bytes) -> str: ...


@dataclass
class Traffic:
    """What went over the wire: each attempt is a request; bytes include headers."""

    requests: int = 0
    bytes_sent: int = 0
    bytes_received: int = 0


class SyncClient:
    def __init__(
        self,
        base_url: str,
        *,
        session: requests.Session | None = None,
        signer: Signer | None = None,
        token: str | None = None,
        timeout: tuple[float, float] = (10.0, 30.0),
        retries: int = 4,
        backoff: float = 0.5,
        sleep: Callable[[float], None] = time.sleep,
        protocol: int = PROTOCOL_MAX,
        on_token: Callable[[str], None] | None = None,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        if session is None:
            session = requests.Session()
            # only what the server reads: every header byte is paid on a slow link, on every request
            session.headers.clear()
        self.session = session
        self.signer = signer
        self.token = token
        self.timeout = timeout
        self.retries = retries
        self.backoff = backoff
        self.sleep = sleep
        self.protocol = protocol
        self.on_token = on_token
        self.traffic = Traffic()
        self.push_pulls = False  # the server answers a push's pull (it said so in an answer)

    # -- endpoints -------------------------------------------------------------------------------

    def hello(self) -> Hello:
        return self._call("GET", "/v1/hello", None, Hello, signed=False)

    def enrol(self, request: EnrolRequest) -> EnrolResponse:
        return self._call("POST", "/v1/enrol", request, EnrolResponse, signed=True, with_token=False)

    def login(self, request: LoginRequest) -> LoginResponse:
        response = self._call("POST", "/v1/login", request, LoginResponse, signed=True, with_token=False)
        self._new_token(response.token)
        return response

    def confirm_escrow(self, request: EscrowConfirm) -> None:
        self._call("POST", "/v1/escrow/confirm", request, Retired, signed=True, with_token=False)

    def push(self, request: PushRequest) -> PushResponse:
        return self._call("POST", "/v1/push", request, PushResponse)

    def pull(self, request: PullRequest) -> PullResponse:
        return self._call("POST", "/v1/pull", request, PullResponse)

    def family_ops(self, request: FamilyOpsRequest) -> FamilyOpsResponse:
        return self._call("POST", "/v1/family-ops", request, FamilyOpsResponse)

    def digest(self, request: DigestRequest) -> DigestResponse:
        return self._call("POST", "/v1/digest", request, DigestResponse)

    def retired(self) -> None:
        self._call("POST", "/v1/retired", Retired(wiped=True), Retired)

    # -- machinery -------------------------------------------------------------------------------

    def _new_token(self, token: str) -> None:
        self.token = token
        if self.on_token is not None:
            self.on_token(token)

    def _call(
        self,
        method: str,
        path: str,
        body: BaseModel | None,
        response_model: type[R],
        *,
        signed: bool = True,
        with_token: bool = True,
    ) -> R:
        raw, wire = self.encode(body)
        headers = {HEADER_PROTOCOL: str(self.protocol), "Accept-Encoding": "gzip"}
        if body is not None:
            headers["Content-Type"] = "application/json"
            if wire != raw:
                headers["Content-Encoding"] = "gzip"
        token = (self.token or "") if with_token else ""
        if with_token and signed and not token:
            raise errors.TokenExpired("Log in online to sync: there is no online session yet.", "no_token")
        attempt = 0
        while True:
            attempt += 1
            if signed:
                if self.signer is None:
                    raise errors.NotAllowed("This laptop is not enrolled with a sync server.", "not_enrolled")
                counter = self.signer.next_counter()
                headers[HEADER_DEVICE] = self.signer.device_id
                headers[HEADER_COUNTER] = str(counter)
                headers[HEADER_SIGNATURE] = self.signer.sign(signing_input(method, path, counter, token, raw))
                if token:
                    headers["Authorization"] = f"Bearer {token}"
            try:
                response = self._send(method, path, wire, headers)
            except requests.RequestException as exc:
                if attempt <= self.retries:
                    self._wait(attempt)
                    continue
                raise errors.Unreachable(
                    f"The sync server at {self.base_url} could not be reached ({type(exc).__name__}). "
                    "Your changes are kept on this laptop; try again when you are online.",
                    "unreachable",
                ) from exc
            if response.status_code in RETRY_STATUS and attempt <= self.retries:
                self._wait(attempt)
                continue
            data = self._json(response)
            if response.status_code == 409 and data.get("error") == "replayed" and attempt <= self.retries:
                detail = data.get("detail") or {}
                if self.signer is not None and isinstance(detail.get("counter"), int):
                    self.signer.skip_counter_past(detail["counter"])
                continue
            if response.status_code >= 400:
                raise _error(response.status_code, data, self.base_url)
            fresh = response.headers.get(HEADER_NEW_TOKEN)
            if fresh:
                self._new_token(fresh)
            if response.headers.get(HEADER_PUSH_PULLS) == "1":
                self.push_pulls = True
            try:
                return response_model.model_validate(data)
            except ValidationError as exc:
                raise errors.BadReply(
                    "The sync server's answer was not understood; nothing was changed.", "bad_reply"
                ) from exc

    def encode(self, body: BaseModel | None) -> tuple[bytes, bytes]:
        """A request body's JSON (what is signed) and what is sent (``encode_body``)."""
        return encode_body(body)

    def _send(self, method: str, path: str, wire: bytes, headers: dict[str, str]) -> requests.Response:
        self.traffic.requests += 1
        self.traffic.bytes_sent += len(wire) + _header_bytes(method, path, headers)
        response = self.session.request(
            method,
            self.base_url + path,
            data=wire if wire else None,
            headers=headers,
            timeout=self.timeout,
        )
        length = response.headers.get("Content-Length")
        body_bytes = int(length) if length and length.isdigit() else len(response.content)
        head = 19 + sum(len(k) + len(v) + 4 for k, v in response.headers.items())  # status line, headers
        self.traffic.bytes_received += body_bytes + head
        return response

    def _wait(self, attempt: int) -> None:
        delay = self.backoff * (2 ** (attempt - 1))
        self.sleep(delay * (0.5 + random.random()))  # jitter: laptops that failed together retry apart

    def _json(self, response: requests.Response) -> dict[str, Any]:
        if "json" not in response.headers.get("Content-Type", ""):
            raise errors.BadReply(
                f"Something at {self.base_url} answered that is not the sync server (perhaps a Wi-Fi "
                "sign-in page). Nothing was changed; sign in to the network and try again.",
                "bad_reply",
            )
        try:
            data = orjson.loads(response.content)  # a 950-op pull page: 0.67 ms, json 1.34 ms
        except ValueError as exc:
            raise errors.BadReply(
                "The sync server's answer was garbled; nothing was changed.", "bad_reply"
            ) from exc
        if not isinstance(data, dict):
            raise errors.BadReply(
                "The sync server's answer was not understood; nothing was changed.", "bad_reply"
            )
        return data


def encode_body(body: BaseModel | None) -> tuple[bytes, bytes]:
    """A request body's JSON (what is signed) and what is sent: the same bytes, or gzip'd when larger than
    ``COMPRESS_ABOVE``."""
    if body is None:
        return b"", b""
    if isinstance(body, CarriesOps):
        raw = _dumps(body.wire())
    else:
        raw = body.model_dump_json(exclude_defaults=True).encode()
    return raw, gzip.compress(raw, 9) if len(raw) > COMPRESS_ABOVE else raw


def _dumps(data: Any) -> bytes:
    """Compact UTF-8 JSON, by orjson; by the standard library for what orjson refuses (integers beyond
    64 bits in a field's value)."""
    try:
        return orjson.dumps(data)
    except TypeError:
        return json.dumps(data, separators=(",", ":"), ensure_ascii=False).encode()


def _header_bytes(method: str, path: str, headers: dict[str, str]) -> int:
    # request line, Host and Content-Length, which requests adds itself
    return len(method) + len(path) + 13 + 60 + sum(len(k) + len(v) + 4 for k, v in headers.items())


def _error(status: int, data: dict[str, Any], base_url: str) -> errors.SyncError:
    code = str(data.get("error", ""))
    message = str(data.get("message") or f"The sync server refused the request ({status}).")
    detail = data.get("detail") if isinstance(data.get("detail"), dict) else None
    if status == 401:
        if code == "token_expired":
            return errors.TokenExpired(message, code, detail)
        return errors.AuthFailed(message, code, detail)
    if status == 403:
        return errors.NotAllowed(message, code, detail)
    if status == 409 and code == "replayed":
        return errors.Replayed(message, code, detail)
    if status == 410:
        return errors.DeviceEnded(message, (detail or {}).get("message"))
    if status == 426:
        return errors.ProtocolTooOld(message, code, detail)
    if status >= 500:
        return errors.Unreachable(
            f"The sync server at {base_url} is having trouble ({status}). Your changes are kept; try later.",
            "server_error",
        )
    return errors.Refused(message, code, detail)
