"""Change capture: every write to a syncable row leaves its op, in the same transaction, with bases."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from earlyhelp_desktop.core.errors import CaptureError
from earlyhelp_desktop.core.store.capture import StoreSession
from earlyhelp_desktop.core.store.models import Family, FieldHistory, Hub, OutboxOp, syncable_models
from earlyhelp_desktop.core.store.store import Workspace
from sync.clock import Version, version_op
from sync.merge import TableKind
from sync.protocol import Op


def outbox(ws: Workspace) -> list[Op]:
    with ws.read() as session:
        return [
            Op.model_validate(o.payload) for o in session.scalars(select(OutboxOp).order_by(OutboxOp.seq))
        ]


def new_family(ws: Workspace, **values: Any) -> str:
    return ws.services.families.add("Llŷr", postcode="TQ1 4AB", address_line1="3 Fore Street", **values).id


def test_an_insert_writes_every_field_with_no_base(workspace: Workspace) -> None:
    before = len(outbox(workspace))
    family_id = new_family(workspace, level_of_need=2)
    ops = outbox(workspace)[before:]
    family_op = next(o for o in ops if o.table == "family")
    assert family_op.kind == "insert" and family_op.row_id == family_id and family_op.family_id == family_id
    assert family_op.user == workspace.user.user_id and family_op.device == workspace.device_id
    assert family_op.fields["level_of_need"].value == 2 and family_op.fields["level_of_need"].base == []
    assert family_op.fields["address"].value == {
        "address_line1": "3 Fore Street",
        "address_line2": None,
        "town": None,
        "postcode": "TQ1 4AB",
    }
    assert {o.table for o in ops} == {"family", "episode", "audit_event"}  # the episode and the audit event
    with workspace.read() as session:
        family = session.get(Family, family_id)
        assert family is not None and version_op(family.version or "") == family_op.op_id


def test_an_update_names_the_version_it_replaces_and_keeps_the_old_value(workspace: Workspace) -> None:
    family_id = new_family(workspace, level_of_need=2)
    insert = next(o for o in outbox(workspace) if o.table == "family")
    workspace.services.families.update(family_id, level_of_need=3)
    first = next(o for o in reversed(outbox(workspace)) if o.table == "family")
    assert first.kind == "update" and set(first.fields) == {"level_of_need"}
    assert first.fields["level_of_need"].base == [insert.version]
    workspace.services.families.update(family_id, level_of_need=4, postcode="TQ2 5CD")
    second = next(o for o in reversed(outbox(workspace)) if o.table == "family")
    assert set(second.fields) == {"level_of_need", "address"}  # the postcode travels with its address group
    assert second.fields["level_of_need"].base == [first.version]
    assert second.fields["address"].base == [insert.version]
    with workspace.read() as session:
        history = session.scalars(
            select(FieldHistory).where(FieldHistory.row_id == family_id).order_by(FieldHistory.id)
        ).all()
    assert [(h.field, h.value) for h in history if h.field == "level_of_need"] == [
        ("level_of_need", 2),
        ("level_of_need", 3),
    ]


def test_stamps_increase_and_versions_parse(workspace: Workspace) -> None:
    family_id = new_family(workspace)
    for level in (1, 2, 3, 4):
        workspace.services.families.update(family_id, level_of_need=level)
    stamps = [o.stamp for o in outbox(workspace)]
    assert stamps == sorted(stamps) and len(set(stamps)) == len(stamps)
    for op in outbox(workspace):
        assert Version.parse(op.version).op_id == op.op_id


def test_a_delete_is_a_tombstone_that_says_what_it_had_seen(workspace: Workspace) -> None:
    family_id = new_family(workspace)
    workspace.services.families.update(family_id, level_of_need=3)
    workspace.services.families.delete_family(family_id)
    ops = [o for o in outbox(workspace) if o.row_id == family_id]
    delete = ops[-1]
    assert delete.kind == "delete" and set(delete.fields) == {"_deleted"}
    assert {o.op_id for o in ops[:-1]} <= set(delete.saw)
    with workspace.read() as session:
        family = session.get(Family, family_id)
        assert family is not None and family.deleted  # kept, marked deleted
    assert workspace.services.families.search("Llŷr") == []


def test_a_write_without_capture_context_is_refused(workspace: Workspace) -> None:
    with pytest.raises(CaptureError), StoreSession(bind=workspace.db.engine) as session, session.begin():
        hub = session.scalars(select(Hub)).first()
        assert hub is not None
        hub.name = "Renamed without an op"


def test_bulk_updates_and_real_deletes_are_refused(workspace: Workspace) -> None:
    family_id = new_family(workspace)
    with pytest.raises(CaptureError), workspace.write() as session:
        session.execute(update(Family).where(Family.id == family_id).values(level_of_need=4))
    with pytest.raises(CaptureError), workspace.write() as session:
        family = session.get(Family, family_id)
        session.delete(family)
    with workspace.read() as session:
        family = session.get(Family, family_id)
        assert family is not None and not family.deleted and family.level_of_need is None


def test_a_failed_transaction_leaves_neither_change_nor_op(workspace: Workspace) -> None:
    family_id = new_family(workspace)
    before = len(outbox(workspace))

    def boom(session: Session) -> None:
        family = session.get(Family, family_id)
        assert family is not None
        family.level_of_need = 4
        session.flush()  # the op is written ...
        raise RuntimeError("power cut")  # ... and rolled back with the change

    with pytest.raises(RuntimeError), workspace.write() as session:
        boom(session)
    assert len(outbox(workspace)) == before
    with workspace.read() as session:
        assert session.get(Family, family_id).level_of_need is None  # type: ignore[union-attr]


def test_every_syncable_table_declares_a_merge_policy() -> None:
    from earlyhelp_desktop.core.store.models import sync_schema

    schema = sync_schema()
    assert {m.__tablename__ for m in syncable_models()} == set(schema)  # type: ignore[attr-defined]
    assert schema["contact"].kind is TableKind.APPEND and schema["membership"].kind is TableKind.SET
    guarded = {k for k, f in schema["family"].fields.items() if f.policy.value == "guarded"}
    assert {"level_of_need", "confidential_address", "status"} <= guarded
    assert schema["family"].fields["address"].members  # a group


def test_ops_written_equal_rows_changed(workspace: Workspace) -> None:
    """No path writes a syncable row without an op: count both after a mixed session of work."""
    family_id = new_family(workspace)
    workspace.services.families.set_flag(family_id, "do_not_visit_alone")
    workspace.services.families.set_tag(family_id, "Young carer")
    workspace.services.families.set_tag(family_id, "Young carer", on=False)
    with workspace.read() as session:
        ops = session.scalar(select(func.count()).select_from(OutboxOp))
        rows_touched = session.scalar(
            select(func.count())
            .select_from(OutboxOp)
            .where(OutboxOp.table_name.in_(["family", "family_flag", "family_tag", "episode"]))
        )
    assert ops and rows_touched == 5  # family, episode, flag, tag added, tag removed
