"""The merge model's scenarios, derandomised, against the real server with real encrypted stores.

Laptops add families and people, edit ordinary and guarded fields, delete families and sync in a
random order; afterwards every laptop holds identical rows (values, versions, merge metadata, deletions)
and the same open conflicts.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from earlyhelp_desktop.core.errors import NotFound
from earlyhelp_desktop.core.replication import Replicator, enrol
from earlyhelp_desktop.core.replication.local import MODELS
from earlyhelp_desktop.core.services.people import PersonInput
from earlyhelp_desktop.core.store.capture import SCHEMA
from earlyhelp_desktop.core.store.models import ConflictRecord, Family
from earlyhelp_desktop.core.store.rows import read_field
from earlyhelp_desktop.core.store.store import Workspace
from sync.merge import Scope
from tests.conftest import CHEAP_KDF, PASSWORD
from tests.sync.conftest import RunningServer, settings_for, start_server

ROLES = ("supervisor", "family_worker", "family_worker")


@pytest.fixture(scope="module")
def shared_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningServer]:
    path = tmp_path_factory.mktemp("scenarios")
    server = start_server(settings_for(f"sqlite:///{path / 'server.db'}"))
    yield server
    server.stop()


def snapshot(ws: Workspace) -> dict[str, Any]:
    found: dict[str, Any] = {}
    with ws.read() as session:
        for table, model in MODELS.items():
            spec = SCHEMA[table]
            if spec.scope is Scope.AUDIT:
                continue
            for obj in session.scalars(select(model)):
                values = {key: read_field(obj, f) for key, f in spec.fields.items()}
                found[f"{table}/{obj.id}"] = (obj.version, obj.sync_meta, obj.deleted, values)
        found["conflicts"] = sorted(
            (c.table_name, c.row_id, c.field, sorted(c.values))
            for c in session.scalars(select(ConflictRecord).where(ConflictRecord.resolved_at.is_(None)))
        )
    return found


class Scenario:
    count = 0

    def __init__(self, server: RunningServer, base: Path, laptops: int) -> None:
        Scenario.count += 1
        n = Scenario.count
        hub = f"Scenario hub {n}"
        server.admin.add_hub(hub)
        self.laptops: list[Workspace] = []
        for i in range(laptops):
            user = f"u{n}x{i}"
            server.admin.add_user(user, f"User {n} {i}", ROLES[i], hub, PASSWORD)
            ws = enrol(base / f"{n}-{i}", server.url, server.code(hub), user, PASSWORD, fixed_kdf=CHEAP_KDF)
            self.laptops.append(ws)
        self.families: list[str] = []

    def families_on(self, ws: Workspace) -> list[str]:
        with ws.read() as session:
            return sorted(session.scalars(select(Family.id).where(Family.deleted.is_(False))))

    def step(self, data: st.DataObject) -> None:
        ws = data.draw(st.sampled_from(self.laptops), label="laptop")
        action = data.draw(
            st.sampled_from(["add", "person", "edit", "guarded", "delete", "sync", "sync"]), label="action"
        )
        known = self.families_on(ws)
        try:
            if action == "add" or not known and action != "sync":
                self.families.append(ws.services.families.add(f"Fam {len(self.families)}").id)
            elif action == "person":
                fid = data.draw(st.sampled_from(known), label="family")
                ws.services.people.add(
                    fid, PersonInput(given_name="Ana", family_name="Silva"), relationship="mother"
                )
            elif action == "edit":
                fid = data.draw(st.sampled_from(known), label="family")
                ws.services.families.update(
                    fid, display_name=data.draw(st.sampled_from(["Silva", "Costa", "Reis"]))
                )
            elif action == "guarded":
                fid = data.draw(st.sampled_from(known), label="family")
                ws.services.families.update(fid, level_of_need=data.draw(st.integers(1, 4), label="level"))
            elif action == "delete" and ws.user.role == "supervisor":
                ws.services.families.delete_family(data.draw(st.sampled_from(known), label="family"))
            elif action == "sync":
                assert Replicator(ws).run().status in ("synced", "partial")
        except NotFound:
            pass  # deleted here meanwhile

    def settle(self) -> None:
        for _ in range(2):
            for ws in self.laptops:
                report = Replicator(ws).run()
                assert report.status == "synced", report

    def close(self) -> None:
        for ws in self.laptops:
            if not ws.locked:
                ws.lock()


@pytest.mark.slow
@settings(
    max_examples=20,
    derandomize=True,
    deadline=None,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
    ],
)
@given(data=st.data())
def test_real_laptops_converge(
    shared_server: RunningServer, tmp_path_factory: pytest.TempPathFactory, data: st.DataObject
) -> None:
    laptops = data.draw(st.integers(2, 3), label="laptops")
    scenario = Scenario(shared_server, tmp_path_factory.mktemp("laptops"), laptops)
    try:
        for _ in range(data.draw(st.integers(3, 14), label="steps")):
            scenario.step(data)
        scenario.settle()
        first = snapshot(scenario.laptops[0])
        for ws in scenario.laptops[1:]:
            other = snapshot(ws)
            assert other.keys() == first.keys()
            for key in first:
                assert other[key] == first[key], key
    finally:
        scenario.close()
