"""bench/sync.py's virtual laptops: the real sync client with a light transport, an in-memory device key,
and pushes whose wire form is made before the start. 200 of them share one process and the servers' two
cores, so they are kept light: real laptops each have their own CPU."""

from __future__ import annotations

import socket
import threading
import time
import uuid
import zlib
from typing import Any

from pydantic import BaseModel, ConfigDict, PrivateAttr

from sync import auth
from sync.client import SyncClient
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
            content = zlib.decompress(content, 16 + zlib.MAX_WBITS)
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
    """A push whose wire form a virtual laptop made before the start, as it shares the servers' cores (a
    real laptop makes it on its own). The time that took is added to that laptop's sync."""

    _wire: dict[str, Any] = PrivateAttr(default_factory=dict)

    @classmethod
    def of(cls, ops: list[Op], cursor: str | None) -> tuple[PreparedPush, float]:
        """The push of ``ops``, asking for the pull after ``cursor`` in the same request (as the desktop
        does once its server has said it answers that)."""
        began = time.perf_counter()
        push = cls(sync_id=uuid.uuid4().hex, ops=ops, pull=PullRequest(cursor=cursor))
        push._wire = PushRequest.wire(push)
        return push, time.perf_counter() - began

    def wire(self) -> dict[str, Any]:
        return self._wire


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
