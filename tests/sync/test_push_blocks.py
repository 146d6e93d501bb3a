"""A push makes its ops ready for the pulls of its hub's other laptops: what they are served is what the
server's database holds, on SQLite and on PostgreSQL."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select

from earlyhelp_desktop.core.replication import Replicator, enrol
from sync.server import db
from sync.server.pulls import runs
from sync.server.store import ServerStore
from tests.conftest import CHEAP_KDF, PASSWORD
from tests.sync.conftest import RunningServer


def test_a_push_readies_its_ops_for_the_hub_and_they_are_served_as_the_database_holds_them(
    two_hubs: RunningServer, tmp_path: Path
) -> None:
    server = two_hubs
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
            others = select(db.devices).where(db.devices.c.device_id != pushed_by_a[0][1])
            laptop_b = [dict(row) for row in conn.execute(others).mappings()]
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


def test_a_cursor_the_server_no_longer_matches_starts_the_laptop_again(
    two_hubs: RunningServer, tmp_path: Path
) -> None:
    """A cursor names its op by number and id: one this server's log no longer matches (it was restored
    from a backup, then logged other ops under those numbers, or never got that far) is answered with a
    reset, so the laptop sends again what the server lost."""
    server = two_hubs
    a = enrol(tmp_path / "a", server.url, server.code(), "s.patel", PASSWORD, fixed_kdf=CHEAP_KDF)
    try:
        a.services.families.add("Zoë Ó Briain")
        assert Replicator(a).run().status == "synced"
        store = server.store
        with store.engine.connect() as conn:
            device = dict(conn.execute(select(db.devices)).mappings().one())
            head, head_op = conn.execute(
                select(db.ops.c.seq, db.ops.c.op_id).order_by(db.ops.c.seq.desc()).limit(1)
            ).one()
        puller = store._pulls()
        at_head = store.pull(device, puller.cursor(head, head_op), 100).response
        assert not at_head.reset and not at_head.more and at_head.digest
        for stale in (puller.cursor(head, "f" * 32), puller.cursor(head + 5, head_op)):
            answer = store.pull(device, stale, 100).response
            assert answer.reset and answer.more and answer.ops == []
            assert puller.read_cursor(answer.cursor) == (0, "")
    finally:
        a.lock()
