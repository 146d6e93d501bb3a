"""Migrations: the schema they build is exactly the models', and reference data is seeded as data."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import func, select

from earlyhelp_desktop.core.store.migrations import seed_0001
from earlyhelp_desktop.core.store.models import Base, Instrument, RefItem
from earlyhelp_desktop.core.store.store import Workspace


def test_migrated_schema_matches_the_models(workspace: Workspace) -> None:
    def include(obj: object, name: str | None, type_: str, reflected: bool, compare_to: object) -> bool:
        return not (type_ == "table" and name and name.startswith("family_search"))

    with workspace.db.engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"include_object": include, "compare_type": True})
        assert compare_metadata(context, Base.metadata) == []


def test_reference_lists_are_seeded_identically_everywhere(workspace: Workspace) -> None:
    with workspace.read() as session:
        rows = {(r.list_name, r.code): (r.id, r.version, r.label) for r in session.scalars(select(RefItem))}
        instruments = {i.code: i for i in session.scalars(select(Instrument))}
    expected = {
        (r["list_name"], r["code"]): (r["id"], r["version"], r["label"]) for r in seed_0001.ref_item_rows()
    }
    assert rows == expected  # same ids and versions on every laptop and the server: no sync needed
    assert len([k for k in rows if k[0] == "assessment_domain"]) == 20
    assert rows[("level_of_need", "3")][2] == "Multiple or complex"
    ons4 = instruments["ons4"]
    assert (ons4.scale_min, ons4.scale_max, len(ons4.items)) == (0, 10, 4)
    assert [i["reverse"] for i in ons4.items] == [False, False, False, True]  # anxious is reversed
    assert set(instruments) == {"ons4", "family_scale"}  # only free instruments are shipped


def test_seeded_rows_have_no_pending_ops(workspace: Workspace) -> None:
    from earlyhelp_desktop.core.store.models import OutboxOp

    with workspace.read() as session:
        tables = set(session.scalars(select(OutboxOp.table_name).distinct()))
        assert session.scalar(select(func.count()).select_from(RefItem)) > 100
    assert "ref_item" not in tables and "instrument" not in tables
