"""Connections cut at many bytes, duplicated requests, 500s, a server restart and a server restored from
a backup, between a real laptop store and the real server: nothing lost, nothing doubled."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import func, select

from earlyhelp_desktop.core.replication import Replicator, enrol
from earlyhelp_desktop.core.store.models import Family, OutboxOp
from earlyhelp_desktop.core.store.store import Workspace
from sync.client import SyncClient
from sync.server import db
from tests.conftest import CHEAP_KDF, PASSWORD
from tests.e2e.proxy import Faults, Proxy
from tests.sync.conftest import RunningServer, seed, settings_for, start_server


class World:
    def __init__(self, tmp_path: Path) -> None:
        self.db_path = tmp_path / "server.db"
        self.settings = settings_for(f"sqlite:///{self.db_path}")
        self.server = start_server(self.settings)
        seed(self.server)
        self.port = int(self.server.url.rsplit(":", 1)[1])
        self.a = enrol(
            tmp_path / "a", self.server.url, self.server.code(), "s.patel", PASSWORD, fixed_kdf=CHEAP_KDF
        )
        self.b = enrol(
            tmp_path / "b", self.server.url, self.server.code(), "j.okafor", PASSWORD, fixed_kdf=CHEAP_KDF
        )
        self.names: list[str] = []

    def restart(self) -> None:
        self.server.stop()
        self.server = start_server(self.settings, port=self.port)

    def add(self, count: int) -> None:
        for _ in range(count):
            name = f"Family {len(self.names)}"
            self.a.services.families.add(name)
            self.names.append(name)

    def sync_a(self, faults: Faults, retries: int = 2) -> str:
        proxy = Proxy(self.port, faults)
        try:
            client = SyncClient(proxy.url, retries=retries, backoff=0.01)
            return Replicator(self.a, client).run().status
        finally:
            proxy.stop()

    def check(self) -> None:
        """A's outbox is all acknowledged, the server holds each op once, B holds each family once."""
        assert Replicator(self.a).run().status == "synced"
        assert Replicator(self.b).run().status == "synced"
        with self.a.read() as session:
            waiting = session.scalar(select(func.count()).where(OutboxOp.state != "acked"))
            mine = set(session.scalars(select(OutboxOp.op_id)))
        assert waiting == 0
        with self.server.store.engine.connect() as conn:
            logged = conn.execute(select(db.ops.c.op_id).where(db.ops.c.op_id.in_(mine))).scalars().all()
        assert sorted(logged) == sorted(mine)
        with self.b.read() as session:
            names = sorted(session.scalars(select(Family.display_name).where(Family.deleted.is_(False))))
        assert names == sorted(self.names)

    def close(self) -> None:
        for ws in (self.a, self.b):
            if not ws.locked:
                ws.lock()
        self.server.stop()


@pytest.fixture
def world(tmp_path: Path) -> Iterator[World]:
    found = World(tmp_path)
    yield found
    found.close()


CUTS = [0, 1, 17, 120, 400, 900, 2000, 6000, 20000]


@pytest.mark.parametrize("where", ["request", "response"])
def test_a_connection_cut_at_any_byte_loses_and_doubles_nothing(world: World, where: str) -> None:
    for cut in CUTS:
        world.add(3)
        for number in (1, 2):  # the push, then the pull
            faults = (
                Faults(cut_request={number: cut})
                if where == "request"
                else Faults(cut_response={number: cut})
            )
            world.sync_a(faults)
        world.check()


def test_duplicates_failures_and_a_restart_mid_sync(world: World) -> None:
    world.add(200)  # several push batches
    world.sync_a(Faults(duplicate={1, 3}, fail={2, 4}))
    world.check()
    world.add(200)
    assert world.sync_a(Faults(before={2: world.restart}), retries=3) in ("synced", "partial")
    world.check()


def test_with_no_retries_the_laptop_is_offline_and_the_next_sync_completes(world: World) -> None:
    world.add(5)
    assert world.sync_a(Faults(cut_response={1: 10}), retries=0) == "offline"
    world.check()


def test_a_server_restored_from_a_backup_gets_back_what_it_lost(world: World, tmp_path: Path) -> None:
    world.add(2)
    world.check()
    world.server.stop()
    backup = tmp_path / "backup"
    backup.mkdir()
    for path in world.db_path.parent.glob("server.db*"):
        shutil.copy(path, backup / path.name)
    world.server = start_server(world.settings, port=world.port)
    world.add(3)
    world.check()
    world.server.stop()
    for path in world.db_path.parent.glob("server.db*"):
        path.unlink()
    for path in backup.iterdir():
        shutil.copy(path, world.db_path.parent / path.name)
    world.server = start_server(world.settings, port=world.port)
    # the server no longer holds A's last changes: A's stale cursor is detected and A sends them again
    world.check()


def _unused(ws: Workspace, server: RunningServer) -> None:
    del ws, server
