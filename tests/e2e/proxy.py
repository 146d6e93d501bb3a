"""A small HTTP proxy on 127.0.0.1 that injects faults, or shapes traffic like a slow link.

Each client request is read whole and forwarded on a fresh upstream connection; the response is read
whole and passed back. Faults apply to chosen requests (by number, counting from 1):

* ``cut_request``: forward only the first N bytes of the request, then drop both connections;
* ``cut_response``: the server handled the request, but the client gets only N bytes of the answer;
* ``duplicate``: the request reaches the server twice (the client sees the second answer);
* ``fail``: the server handled the request, the client gets a 500;
* ``before``: a callback run before forwarding (e.g. restart the server).

As a link: ``rtt`` seconds of round trip per request and ``bandwidth`` bytes/second each way.
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass
class Faults:
    cut_request: dict[int, int] = field(default_factory=dict)
    cut_response: dict[int, int] = field(default_factory=dict)
    duplicate: set[int] = field(default_factory=set)
    fail: set[int] = field(default_factory=set)
    before: dict[int, Callable[[], None]] = field(default_factory=dict)


def _read_message(sock: socket.socket, buffer: bytearray) -> bytes | None:
    """One HTTP message (headers + Content-Length body) from ``sock``; None when the peer closed."""
    while b"\r\n\r\n" not in buffer:
        chunk = sock.recv(65536)
        if not chunk:
            return None
        buffer.extend(chunk)
    head_end = buffer.index(b"\r\n\r\n") + 4
    head = bytes(buffer[:head_end]).decode("latin-1")
    length = 0
    for line in head.split("\r\n")[1:]:
        name, _, value = line.partition(":")
        if name.strip().lower() == "content-length":
            length = int(value.strip())
    while len(buffer) < head_end + length:
        chunk = sock.recv(65536)
        if not chunk:
            return None
        buffer.extend(chunk)
    message = bytes(buffer[: head_end + length])
    del buffer[: head_end + length]
    return message


def _read_response(sock: socket.socket) -> bytes:
    buffer = bytearray()
    message = _read_message(sock, buffer)
    return message or b""


class Proxy:
    def __init__(
        self, upstream_port: int, faults: Faults | None = None, rtt: float = 0.0, bandwidth: float = 0.0
    ) -> None:
        self.upstream_port = upstream_port
        self.faults = faults or Faults()
        self.rtt = rtt
        self.bandwidth = bandwidth
        self.requests = 0
        self.bytes_up = 0
        self.bytes_down = 0
        self._lock = threading.Lock()
        self._listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._listener.bind(("127.0.0.1", 0))
        self._listener.listen(32)
        self._listener.settimeout(0.1)
        self.port = self._listener.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self._stopped = False
        self._thread = threading.Thread(target=self._accept, daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stopped = True
        self._thread.join(timeout=5)
        self._listener.close()

    def _accept(self) -> None:
        while not self._stopped:
            try:
                client, _ = self._listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            client.settimeout(None)
            threading.Thread(target=self._serve, args=(client,), daemon=True).start()

    def _shape(self, size: int) -> None:
        if self.bandwidth:
            time.sleep(size / self.bandwidth)

    def _upstream(self, request: bytes) -> bytes:
        with socket.create_connection(("127.0.0.1", self.upstream_port), timeout=60) as up:
            up.sendall(_close_after(request))
            return _read_response(up)

    def _serve(self, client: socket.socket) -> None:
        buffer = bytearray()
        with client:
            while True:
                try:
                    request = _read_message(client, buffer)
                except OSError:
                    return
                if request is None:
                    return
                with self._lock:
                    self.requests += 1
                    number = self.requests
                    self.bytes_up += len(request)
                f = self.faults
                if number in f.before:
                    f.before[number]()
                if self.rtt:
                    time.sleep(self.rtt / 2)
                self._shape(len(request))
                if number in f.cut_request:
                    try:
                        with socket.create_connection(("127.0.0.1", self.upstream_port), timeout=10) as up:
                            up.sendall(request[: f.cut_request[number]])
                    except OSError:
                        pass
                    return
                try:
                    if number in f.duplicate:
                        self._upstream(request)
                    response = self._upstream(request)
                except OSError:
                    return
                if number in f.fail:
                    body = b'{"error": "proxy", "message": "injected failure"}'
                    response = (
                        b"HTTP/1.1 500 Internal Server Error\r\nContent-Type: application/json\r\n"
                        + f"Content-Length: {len(body)}\r\n\r\n".encode()
                        + body
                    )
                if self.rtt:
                    time.sleep(self.rtt / 2)
                self._shape(len(response))
                with self._lock:
                    self.bytes_down += len(response)
                try:
                    if number in f.cut_response:
                        client.sendall(response[: f.cut_response[number]])
                        return
                    client.sendall(response)
                except OSError:
                    return


def _close_after(request: bytes) -> bytes:
    """Asks the server to close after answering, so one upstream connection carries one request."""
    head, sep, body = request.partition(b"\r\n\r\n")
    lines = [line for line in head.split(b"\r\n") if not line.lower().startswith(b"connection:")]
    return b"\r\n".join([*lines, b"Connection: close"]) + sep + body
