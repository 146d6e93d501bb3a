"""Families that change hub: sent whole to the new hub's laptops, evicted from the old hub's laptops
once their changes are acknowledged, and a change made before the move is applied and flagged."""

from __future__ import annotations

import io
import json

from sqlalchemy import select

from earlyhelp_desktop.core.replication import Replicator
from earlyhelp_desktop.core.services.people import PersonInput
from earlyhelp_desktop.core.store.models import Family, Person
from sync.server import cli as server_cli
from sync.server import db
from tests.sync.conftest import (
    Counter,
    Laptop,
    RunningServer,
    assert_kept_parts_are_the_rows,
)


def test_a_family_moving_hub_is_backfilled_there_and_evicted_here(
    laptop: Laptop, two_hubs: RunningServer, full_counts: Counter
) -> None:
    sync_server = two_hubs
    torbay = laptop("torbay", server=sync_server)
    other_torbay = laptop("torbay2", "j.okafor", server=sync_server)
    paignton = laptop("paignton", "a.jones", server=sync_server, hub="Paignton")
    fid = torbay.services.families.add("Moving").id
    torbay.services.people.add(fid, PersonInput(given_name="Kai", family_name="Moving"), relationship="son")
    for ws in (torbay, other_torbay, paignton):
        assert Replicator(ws).run().status == "synced"
    with paignton.read() as session:
        assert session.get(Family, fid) is None
    full_counts()  # from here on, each digest check counts only what changed: the move, the eviction
    # offline on the second Torbay laptop, someone edits the family before hearing of the move
    other_torbay.services.families.update(fid, display_name="Moving (edited)")
    paignton_hub = paignton.home_hub_id
    with torbay.write() as session:
        found = session.get(Family, fid)
        assert found is not None
        found.hub_id = paignton_hub
    assert Replicator(torbay).run().status == "synced"
    with torbay.read() as session:
        assert session.get(Family, fid) is None  # evicted: its changes were acknowledged
        assert session.scalars(select(Person).where(Person.family_id == fid)).first() is None
    assert Replicator(paignton).run().status == "synced"
    with paignton.read() as session:
        moved = session.get(Family, fid)
        assert moved is not None and moved.display_name == "Moving"
        assert session.scalars(select(Person).where(Person.family_id == fid)).first() is not None
    # the edit made while the family was still in Torbay's scope is applied, not refused, and flagged
    report = Replicator(other_torbay).run()
    assert report.status == "synced", report
    with sync_server.store.engine.connect() as conn:
        kinds = conn.execute(select(db.events.c.kind)).scalars().all()
    assert "out_of_scope_write" in kinds
    assert Replicator(paignton).run().status == "synced"
    with paignton.read() as session:
        assert session.get(Family, fid).display_name == "Moving (edited)"  # type: ignore[union-attr]
    with other_torbay.read() as session:
        assert session.get(Family, fid) is None
    # the server files every op of the family (those from before the move too) under its hub now; its
    # audit events belong to no hub
    with sync_server.store.engine.connect() as conn:
        family_ops = select(db.ops.c.hub_id).where(db.ops.c.family_id == fid, db.ops.c.scope == "family")
        hubs = conn.execute(family_ops.distinct()).scalars()
        assert set(hubs) == {paignton_hub}
    assert full_counts() == 0
    for ws in (torbay, other_torbay, paignton):
        assert_kept_parts_are_the_rows(ws)


def test_the_administrator_sees_every_laptop(laptop: Laptop, sync_server: RunningServer) -> None:
    ws = laptop("a")
    ws.services.families.add("Pending")
    Replicator(ws).run()
    out = io.StringIO()
    code = server_cli.main(
        ["admin", "devices", "--database-url", sync_server.settings.database_url, "--json"], stdout=out
    )
    assert code == 0
    devices = json.loads(out.getvalue())
    assert devices[0]["hub"] == "Torbay North" and devices[0]["last_sync"] is not None
    assert devices[0]["pending"] == 0
