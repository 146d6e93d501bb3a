"""A push makes its ops ready for the pulls of its hub's other laptops: what they are served is what the
server's database holds, on SQLite and on PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select

from earlyhelp_desktop.core.replication import Replicator, enrol
from sync.server import db
from sync.server.pulls import runs
from sync.server.store import ServerStore
from tests.conftest import CHEAP_KDF, PASSWORD
from tests.sync.conftest import RunningServer, seed, settings_for, start_server


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def server(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[RunningServer]:
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'server.db'}"
    else:
        url = request.getfixturevalue("pg_url")
    running = start_server(settings_for(url))
    seed(running)
    yield running
    running.stop()


def test_a_push_readies_its_ops_for_the_hub_and_they_are_served_as_the_database_holds_them(
    server: RunningServer, tmp_path: Path
) -> None:
    a = enrol(tmp_path / "a", server.url, server.code(), "s.patel", PASSWORD, fixed_kdf=CHEAP_KDF)
    b = enrol(tmp_path / "b", server.url, server.code(), "j.okafor", PASSWORD, fixed_kdf=CHEAP_KDF)
    try:
        fid = a.services.families.add("Zoë Ó Briain", postcode="TQ1 1AA").id
        a.services.contacts.record(fid, kind="visit", occurred_at="2 3 2026", note="Siân Llŷr called round")
        assert Replicator(a).run().status == "synced"
        store = server.store
        with store.engine.connect() as conn:
            pushed_by_a = conn.execute(
                select(db.ops.c.seq, db.ops.c.device_id)
                .where(db.ops.c.family_id == fid, db.ops.c.scope == "family")
                .order_by(db.ops.c.seq)
            ).all()
            laptop_b = (
                conn.execute(select(db.devices).where(db.devices.c.device_id != pushed_by_a[0][1]))
                .mappings()
                .all()
            )
        wanted = runs(pushed_by_a)
        assert wanted
        blocks = store._pulls().blocks
        assert blocks.generation is not None  # the laptops' first pulls have been served
        # ready before any laptop pulled them: none has, yet
        assert set(blocks.get(blocks.generation, wanted)) == set(wanted)
        for device in laptop_b:
            served = store.pull(device, None, 5000)
            fresh = ServerStore(server.settings)  # the same database, nothing ready: it reads every op
            try:
                assert served.body() == fresh.pull(device, None, 5000).body()
            finally:
                fresh.engine.dispose()
        assert "Siân Llŷr called round".encode() in served.body()
        report = Replicator(b).run()
        assert report.status == "synced" and report.pulled >= len(pushed_by_a)
    finally:
        for ws in (a, b):
            ws.lock()
