"""bench/sync.py's virtual laptops: the real sync client with a light transport, an in-memory device key,
pushes whose wire form is made before the start, and answers read whole after the run. 200 of them share
one process and the servers' two cores, so they are kept light: real laptops each have their own CPU.
What a laptop does on its own CPU before the start (making its push) or after the run (reading its
answers) is timed and added to its sync."""

from __future__ import annotations

import socket
import threading
import time
import uuid
from typing import Any

import orjson
from pydantic import BaseModel, ConfigDict, PrivateAttr
from zlib_ng import zlib_ng

from sync import auth
from sync.client import SyncClient, encode_body
from sync.clock import new_device_id
from sync.protocol import Op, PullRequest, PushRequest


class LightPull(BaseModel):
    """A pull page read without building ops: the load generator only needs to keep up."""

    model_config = ConfigDict(extra="ignore")
    cursor: str
    more: bool
    ops: list[Any]


def pull_light(client: SyncClient, cursor: str | None) -> LightPull:
    return client._call("POST", "/v1/pull", PullRequest(cursor=cursor), LightPull)


class LightPushed(BaseModel):
    """A push's answer with its pull's page, read as lightly."""

    model_config = ConfigDict(extra="ignore")
    acknowledged: int
    problems: list[Any] = []
    page: LightPull | None = None


def push_light(client: SyncClient, push: PushRequest) -> LightPushed:
    return client._call("POST", "/v1/push", push, LightPushed)


PAGE_TAIL = b'],"cursor":"'  # where a page's ops end and the rest of it begins (no op holds it: see below)


def page_without_ops(page: bytes) -> dict[str, Any]:
    """A pull page's JSON without reading its ops: the server writes ``{"ops":[...],"cursor":...}``, and no
    op holds ``],"cursor":"`` (no op has a key "cursor", and quotes in a string are escaped), so the last
    one ends the ops. ValueError when the page is not so; ``read_answers`` checks the rest afterwards."""
    if not page.startswith(b'{"ops":['):
        raise ValueError("not a pull page")
    return {"ops": [], **orjson.loads(b"{" + page[page.rindex(PAGE_TAIL) + 2 :])}


def answer_without_ops(content: bytes) -> dict[str, Any]:
    """A pull's answer, or a push's with its pull's page, read without the page's ops (ValueError when it
    is neither): what a virtual laptop needs during the run, its cursor and whether more follow."""
    if content.startswith(b'{"ops":'):
        return page_without_ops(content)
    at = content.find(b',"page":{"ops":')  # the page is the push answer's last member
    if at < 0 or not content.endswith(b"}}"):
        raise ValueError("not a push's answer with its page")
    return orjson.loads(content[:at] + b"}") | {"page": page_without_ops(content[at + 8 : -1])}


class LightClient(SyncClient):
    """The real sync client, but while ``deferring`` its answers' ops are not read during the run: each
    answer with a page is kept and read whole by ``read_answers`` afterwards, as the client reads it
    (orjson, then the model), and that time is added to the laptop's sync. Reading 95,000 ops in the
    run took the load generator most of its CPU there, on the servers' two cores."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.deferring = False
        self.answers: list[tuple[bytes, dict[str, Any]]] = []  # (answer, what was read of it in the run)

    def _json(self, response: Any) -> dict[str, Any]:
        json_ok = "json" in response.headers.get("Content-Type", "")
        if self.deferring and response.status_code < 300 and json_ok:
            try:
                quick = answer_without_ops(response.content)
            except ValueError:
                return super()._json(response)
            self.answers.append((response.content, quick))
            return quick
        return super()._json(response)

    def encode(self, body: BaseModel | None) -> tuple[bytes, bytes]:
        """A prepared push's body as it was encoded before the start (``PreparedPush``)."""
        if isinstance(body, PreparedPush) and body.encoded is not None:
            return body.encoded
        return super().encode(body)

    def read_answers(self) -> tuple[int, float]:
        """Reads the kept answers whole: (ops in their pages, seconds taken). ValueError when one says
        other than what was read of it in the run."""
        began = time.perf_counter()
        ops = 0
        for content, quick in self.answers:
            data = orjson.loads(content)
            if "page" in data:
                page = LightPushed.model_validate(data).page
                assert page is not None
                quick = quick["page"]
            else:
                page = LightPull.model_validate(data)
            if (page.cursor, page.more) != (quick["cursor"], quick["more"]):
                raise ValueError("an answer read whole says other than it did in the run")
            ops += len(page.ops)
        return ops, time.perf_counter() - began


class LightSession:
    """A virtual laptop's HTTP/1.1 transport: one kept-alive socket, each request written in one call and
    its answer read by its length. The bytes on the wire are those requests would send (gzip'd answers are
    inflated alike), without the Python-level header parsing of http.client, so 200 laptops sharing the
    servers' two cores take less of them than 200 real laptops would (none). Its failures are raised as
    requests raises them, so the client retries alike."""

    def __init__(self, base_url: str) -> None:
        host, port = base_url.split("//", 1)[1].split(":")
        self.address = (host, int(port))
        self.host = f"{host}:{port}".encode()
        self.sock: socket.socket | None = None

    def request(
        self, method: str, url: str, data: bytes | None = None, headers: Any = None, timeout: Any = None
    ) -> LightResponse:
        import requests

        path = "/" + url.split("//", 1)[1].split("/", 1)[1]
        body = data or b""
        lines = [f"{method} {path} HTTP/1.1".encode(), b"Host: " + self.host]
        lines += [f"{k}: {v}".encode() for k, v in (headers or {}).items()]
        lines.append(f"Content-Length: {len(body)}".encode())
        try:
            sock = self._connection()
            sock.sendall(b"\r\n".join(lines) + b"\r\n\r\n" + body)
            return self._answer(sock)
        except (OSError, ValueError) as exc:
            self.close()
            raise requests.ConnectionError(f"{type(exc).__name__}: {exc}") from exc

    def _connection(self) -> socket.socket:
        if self.sock is not None and self._closed_by_server():
            self.close()  # it closed it while idle (its keep-alive timeout): a new one
        if self.sock is None:
            self.sock = socket.create_connection(self.address, timeout=60)
            self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        return self.sock

    def _closed_by_server(self) -> bool:
        assert self.sock is not None
        self.sock.settimeout(0)  # a look, not a wait
        try:
            return not self.sock.recv(1, socket.MSG_PEEK)
        except BlockingIOError:
            return False  # open, nothing to read
        except OSError:
            return True
        finally:
            self.sock.settimeout(60)

    def _answer(self, sock: socket.socket) -> LightResponse:
        from requests.structures import CaseInsensitiveDict

        received = b""
        while b"\r\n\r\n" not in received:
            chunk = sock.recv(65536)
            if not chunk:
                raise ConnectionError("the server closed the connection")
            received += chunk
        head, _, content = received.partition(b"\r\n\r\n")
        status_line, *header_lines = head.decode("latin-1").split("\r\n")
        headers: CaseInsensitiveDict[str] = CaseInsensitiveDict()
        for line in header_lines:
            name, _, value = line.partition(":")
            headers[name.strip()] = value.strip()
        length = int(headers["Content-Length"])  # the server always says (no chunked answers)
        while len(content) < length:
            chunk = sock.recv(max(65536, length - len(content)))
            if not chunk:
                raise ConnectionError("the server closed the connection mid-answer")
            content += chunk
        if headers.get("Connection", "").lower() == "close":
            self.close()
        if headers.get("Content-Encoding") == "gzip":
            content = zlib_ng.decompress(content, 16 + zlib_ng.MAX_WBITS)
        return LightResponse(int(status_line.split(" ", 2)[1]), headers, content)

    def close(self) -> None:
        if self.sock is not None:
            self.sock.close()
            self.sock = None


class LightResponse:
    """What SyncClient reads from a response: its status, headers and (decoded) body."""

    def __init__(self, status_code: int, headers: Any, content: bytes) -> None:
        self.status_code = status_code
        self.headers = headers
        self.content = content


class PreparedPush(PushRequest):
    """A push whose wire form and body (as the client encodes it: JSON, gzip'd) a virtual laptop made before
    the start, as it shares the servers' cores (a real laptop makes it on its own). The time that took is
    added to that laptop's sync."""

    _wire: dict[str, Any] = PrivateAttr(default_factory=dict)
    _encoded: tuple[bytes, bytes] | None = PrivateAttr(default=None)

    @classmethod
    def of(cls, ops: list[Op], cursor: str | None) -> tuple[PreparedPush, float]:
        """The push of ``ops``, asking for the pull after ``cursor`` in the same request (as the desktop
        does once its server has said it answers that)."""
        began = time.perf_counter()
        push = cls(sync_id=uuid.uuid4().hex, ops=ops, pull=PullRequest(cursor=cursor))
        push._wire = PushRequest.wire(push)
        push._encoded = encode_body(push)
        return push, time.perf_counter() - began

    def wire(self) -> dict[str, Any]:
        return self._wire

    @property
    def encoded(self) -> tuple[bytes, bytes] | None:
        return self._encoded


class MemorySigner:
    """A virtual laptop's device key and counter (the load generator keeps no stores)."""

    def __init__(self) -> None:
        self.device_id = new_device_id()
        self.key = auth.new_private_key()
        self.counter = 0
        self.lock = threading.Lock()

    def next_counter(self) -> int:
        with self.lock:
            self.counter += 1
            return self.counter

    def skip_counter_past(self, value: int) -> None:
        with self.lock:
            self.counter = max(self.counter, value)

    def sign(self, data: bytes) -> str:
        return auth.sign(self.key, data)
