"""A real sync server on 127.0.0.1 (uvicorn in a thread, random port) and laptops enrolled with it."""

from __future__ import annotations

import gzip
import os
import socket
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import requests
import uvicorn
from sqlalchemy import create_engine, text

from earlyhelp_desktop.core.replication import enrol, verify
from earlyhelp_desktop.core.replication.device import DeviceFile
from earlyhelp_desktop.core.replication.local import DIGEST_CACHE, get_json
from earlyhelp_desktop.core.store.store import Workspace
from sync import auth
from sync.protocol import HEADER_COUNTER, HEADER_DEVICE, HEADER_PROTOCOL, HEADER_SIGNATURE, PROTOCOL_MAX
from sync.server.admin import Admin
from sync.server.app import create_app
from sync.server.config import PasswordCost, Settings
from sync.server.store import ServerStore
from tests.conftest import CHEAP_KDF, PASSWORD, postgres_url

CHEAP_PASSWORDS = PasswordCost(memory_kib=8 * 1024, iterations=1, lanes=1)
HUB = "Torbay North"


@dataclass
class RunningServer:
    url: str
    store: ServerStore
    admin: Admin
    settings: Settings
    stop: Callable[[], None]

    def code(self, hub: str = HUB) -> str:
        return self.admin.enrol_code(hub)


def start_server(settings: Settings, port: int = 0) -> RunningServer:
    store = ServerStore(settings)
    app = create_app(settings, store)
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", port))
    port = sock.getsockname()[1]
    config = uvicorn.Config(app, log_level="warning", lifespan="on", access_log=False)
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the sync server did not start")
        time.sleep(0.02)

    def stop() -> None:
        server.should_exit = True
        thread.join(timeout=20)
        sock.close()
        store.engine.dispose()

    return RunningServer(f"http://127.0.0.1:{port}", store, Admin(store), settings, stop)


def settings_for(url: str, **overrides: object) -> Settings:
    values: dict[str, object] = {
        "database_url": url,
        "password_cost": CHEAP_PASSWORDS,
        "mass_delete_families": 1000,
    }
    values.update(overrides)
    return Settings(**values)  # type: ignore[arg-type]


def seed(server: RunningServer, hubs: tuple[str, ...] = (HUB,)) -> None:
    for hub in hubs:
        server.admin.add_hub(hub, "Torbay")
    server.admin.add_user("s.patel", "Sunita Patel", "supervisor", hubs[0], PASSWORD)
    server.admin.add_user("j.okafor", "Jide Okafor", "family_worker", hubs[0], PASSWORD)
    server.admin.add_user("m.nowak", "Marta Nowak", "family_worker", hubs[0], PASSWORD)
    if len(hubs) > 1:
        server.admin.add_user("a.jones", "Alys Jones", "supervisor", hubs[1], PASSWORD)


@pytest.fixture
def sync_server(tmp_path: Path) -> Iterator[RunningServer]:
    server = start_server(settings_for(f"sqlite:///{tmp_path / 'server.db'}"))
    seed(server, (HUB, "Paignton"))
    yield server
    server.stop()


@pytest.fixture
def pg_url() -> Iterator[str]:
    """A fresh PostgreSQL schema for this test, dropped afterwards (other engineers share the server)."""
    base = postgres_url()
    assert base is not None
    schema = f"eh_{uuid.uuid4().hex[:12]}"
    admin = create_engine(base.replace("postgresql://", "postgresql+psycopg://"))
    with admin.begin() as conn:
        conn.execute(text(f"CREATE SCHEMA {schema}"))
    sep = "&" if "?" in base else "?"
    yield f"{base}{sep}options=-csearch_path%3D{schema}"
    with admin.begin() as conn:
        conn.execute(text(f"DROP SCHEMA {schema} CASCADE"))
    admin.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def two_hubs(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[RunningServer]:
    """A server with Torbay and Paignton hubs, on SQLite and on PostgreSQL (whose writes differ)."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'two-hubs.db'}"
    else:
        url = request.getfixturevalue("pg_url")
    server = start_server(settings_for(url))
    seed(server, (HUB, "Paignton"))
    yield server
    server.stop()


Laptop = Callable[..., Workspace]


@pytest.fixture
def laptop(tmp_path: Path, sync_server: RunningServer) -> Iterator[Laptop]:
    """Enrols a new laptop (a fresh store) as ``username``; every one is locked at the end."""
    opened: list[Workspace] = []

    def make(
        name: str, username: str = "s.patel", server: RunningServer | None = None, hub: str = HUB
    ) -> Workspace:
        target = server or sync_server
        ws = enrol(tmp_path / name, target.url, target.code(hub), username, PASSWORD, fixed_kdf=CHEAP_KDF)
        opened.append(ws)
        return ws

    yield make
    for ws in opened:
        if not ws.locked:
            ws.lock()


def unlock(ws: Workspace, username: str = "s.patel") -> Workspace:
    from earlyhelp_desktop.core.store.store import Store

    return Store(ws.store.directory, fixed_kdf=CHEAP_KDF).unlock(username, PASSWORD)


os.environ.setdefault("EARLYHELP_SYNC_PASSWORD_MEMORY_KIB", "8192")


class Signed:
    """Requests signed as an enrolled laptop signs them, with any body at all (for hostile tests)."""

    def __init__(self, device: DeviceFile, token: str, base: str) -> None:
        self.device, self.token, self.base = device, token, base
        self.session = requests.Session()

    def post(self, path: str, body: bytes, *, gzip_it: bool = False, sign: bool = True) -> requests.Response:
        headers = {HEADER_PROTOCOL: str(PROTOCOL_MAX), "Content-Type": "application/json"}
        if sign:
            counter = self.device.next_counter()
            headers[HEADER_DEVICE] = self.device.device_id
            headers[HEADER_COUNTER] = str(counter)
            headers[HEADER_SIGNATURE] = self.device.sign(
                auth.signing_input("POST", path, counter, self.token, body)
            )
            headers["Authorization"] = f"Bearer {self.token}"
        wire = gzip.compress(body) if gzip_it else body
        if gzip_it:
            headers["Content-Encoding"] = "gzip"
        return self.session.post(self.base + path, data=wire, headers=headers, timeout=30)


# -- the digest check (see test_digest_check.py) -------------------------------------------------------

Counter = Callable[[], int]
COUNT_ALL = verify.local_parts  # as it is, for the tests' own counts


@pytest.fixture
def full_counts(monkeypatch: pytest.MonkeyPatch) -> Counter:
    """How many times laptops hashed every row they hold since the last call."""
    calls = [0]

    def counted(*args: object, **kwargs: object) -> verify.Parts:
        calls[0] += 1
        return COUNT_ALL(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(verify, "local_parts", counted)

    def taken() -> int:
        found, calls[0] = calls[0], 0
        return found

    return taken


def assert_kept_parts_are_the_rows(ws: Workspace) -> None:
    """The digest parts a laptop kept are those of the rows it holds, counted in full now."""
    with ws.read() as session:
        kept = get_json(session, DIGEST_CACHE, {})
        whole = COUNT_ALL(session)
    assert kept["parts"] == {b: {p: f"{v:032x}" for p, v in found.items()} for b, found in whole.items()}
    assert any(kept["parts"].values())  # rows were counted, not nothing against nothing
