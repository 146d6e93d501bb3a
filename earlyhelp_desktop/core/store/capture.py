"""Versioned change capture: every write to a syncable row writes its op, in the same transaction.

One ``before_flush`` hook on the store's session class sees every insert, update and (soft) delete of a
``Syncable`` object, turns it into an op (per changed field: the new value and the versions it replaces),
applies that op through ``sync.merge`` so local and remote writes follow one rule, and adds the op to
the outbox. A session that changes a syncable row without a ``CaptureContext`` (who, on which device)
fails: there is no path around capture. ORM bulk UPDATE/DELETE statements on syncable tables are refused
for the same reason. Rows are never removed: ``Workspace.delete`` sets ``deleted`` and capture turns
that into a delete op carrying what the deleting device had seen.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import event
from sqlalchemy.orm import ORMExecuteState, Session, attributes

from earlyhelp_desktop.core.errors import CaptureError
from earlyhelp_desktop.core.ids import new_id
from earlyhelp_desktop.core.store.models import FieldHistory, Meta, OutboxOp, Syncable, sync_schema
from earlyhelp_desktop.core.store.rows import column_key, read_field, row_state, store_state, to_wire
from sync import merge
from sync.clock import HybridClock, op_id_for, stamp_millis
from sync.merge import DELETED, FieldChange, TableSpec
from sync.protocol import Op, WireField

CAPTURE = "earlyhelp.capture"
REMOTE = "earlyhelp.applying_remote"
TOUCHED = "earlyhelp.touched_families"
SCHEMA = sync_schema()
_COLUMN_KEYS = {name: column_key(spec) for name, spec in SCHEMA.items()}


@dataclass(frozen=True, slots=True)
class CaptureContext:
    """Who is writing, on which device: every op carries both."""

    user_id: str
    device_id: str


class StoreSession(Session):
    """The session class of every store: capture is installed on it once, for all of them."""


def load_clock(session: Session) -> HybridClock:
    with session.no_autoflush:
        row = session.get(Meta, "hlc")
    return HybridClock(int(row.value) if row else 0)


def save_clock(session: Session, clock: HybridClock) -> None:
    with session.no_autoflush:
        row = session.get(Meta, "hlc")
    if row is None:
        session.add(Meta(key="hlc", value=str(clock.last)))
    elif int(row.value) != clock.last:
        row.value = str(clock.last)


def _spec(obj: Syncable) -> TableSpec:
    return SCHEMA[obj.__tablename__]  # type: ignore[attr-defined]


def _changed_keys(obj: Syncable, spec: TableSpec) -> tuple[list[str], dict[str, Any]]:
    """Field keys whose columns changed, and each one's value before the change (wire form)."""
    keys: list[str] = []
    old_columns: dict[str, Any] = {}
    mapping = _COLUMN_KEYS[spec.name]
    for column, key in mapping.items():
        history = attributes.get_history(obj, column)
        if history.has_changes():
            if key not in keys:
                keys.append(key)
            before = history.deleted[0] if history.deleted else None
            old_columns[column] = before
    old: dict[str, Any] = {}
    for key in keys:
        fspec = spec.fields[key]
        if fspec.type is merge.FieldType.GROUP:
            value = {}
            for member in fspec.members:
                raw = old_columns[member.key] if member.key in old_columns else getattr(obj, member.key)
                value[member.key] = to_wire(member, raw)
            old[key] = value
        else:
            old[key] = to_wire(fspec, old_columns.get(key))
    return keys, old


def _apply_defaults(obj: Syncable) -> None:
    """Column defaults apply at INSERT; the op must carry them, so set them now."""
    for column in obj.__table__.columns:  # type: ignore[attr-defined]
        default = column.default
        if default is not None and default.is_scalar and getattr(obj, column.key) is None:
            setattr(obj, column.key, default.arg)


def _deleted_change(obj: Syncable) -> bool | None:
    history = attributes.get_history(obj, "deleted")
    if not history.has_changes():
        return None
    return bool(obj.deleted)


class _Writer:
    """Builds, applies and queues the ops of one flush."""

    def __init__(self, session: Session, context: CaptureContext) -> None:
        self.session = session
        self.context = context
        self.clock = load_clock(session)

    def op(
        self,
        spec: TableSpec,
        obj: Syncable,
        kind: str,
        fields: dict[str, FieldChange],
        saw: Iterable[str] = (),
    ) -> tuple[Op, str]:
        op_stamp = self.clock.tick()
        op = Op(
            op_id=op_id_for(op_stamp, self.context.device_id),
            table=spec.name,
            row_id=obj.id,
            family_id=getattr(obj, "family_id", None),
            kind=kind,
            stamp=op_stamp,
            device=self.context.device_id,
            user=self.context.user_id,
            fields={k: WireField(value=c.value, base=c.base) for k, c in fields.items()},
            saw=sorted(saw),
        )
        self.session.add(
            OutboxOp(
                op_id=op.op_id,
                table_name=spec.name,
                row_id=obj.id,
                family_id=op.family_id,
                user_id=self.context.user_id,
                payload=op.model_dump(mode="json"),
            )
        )
        return op, op.version

    def history(self, spec: TableSpec, obj: Syncable, result: merge.ApplyResult) -> None:
        for entry in result.history:
            self.session.add(
                FieldHistory(
                    table_name=spec.name,
                    row_id=obj.id,
                    field=entry.key,
                    version=entry.version,
                    value=entry.value,
                    reason=entry.reason,
                )
            )

    def touch(self, obj: Syncable, op: Op) -> None:
        when = dt.datetime.fromtimestamp(stamp_millis(op.stamp) / 1000, dt.UTC)
        obj.updated_at = when
        obj.updated_by = self.context.user_id

    def insert(self, obj: Syncable) -> None:
        spec = _spec(obj)
        if not obj.id:
            obj.id = new_id()
        if obj.version is not None:
            raise CaptureError(f"{spec.name} {obj.id} is new but already has a version")
        _apply_defaults(obj)
        values = {key: read_field(obj, fspec) for key, fspec in spec.fields.items()}
        op, version = self.op(spec, obj, "insert", {k: FieldChange(v, []) for k, v in values.items()})
        state = merge.RowState(spec.name, obj.id)
        merge.apply(spec, state, op.view())
        store_state(obj, spec, state, keys=[])
        obj.deleted = False
        obj.created_by = self.context.user_id
        obj.created_at = dt.datetime.fromtimestamp(stamp_millis(op.stamp) / 1000, dt.UTC)
        self.touch(obj, op)

    def update(self, obj: Syncable) -> None:
        spec = _spec(obj)
        keys, old = _changed_keys(obj, spec)
        deleting = _deleted_change(obj)
        if deleting is True and keys:
            raise CaptureError("a row cannot be edited and deleted in one change")
        if deleting is not None:
            self._delete_or_restore(spec, obj, deleting)
        if not keys:
            return
        state = row_state(obj, spec, keys=[])
        state.values.update(old)
        new = {key: read_field(obj, spec.fields[key]) for key in keys}
        fields = {key: FieldChange(new[key], state.frontier_of(key)) for key in keys}
        op, _ = self.op(spec, obj, "update", fields)
        result = merge.apply(spec, state, op.view())
        store_state(obj, spec, state, keys=[])
        self.history(spec, obj, result)
        self.touch(obj, op)

    def _delete_or_restore(self, spec: TableSpec, obj: Syncable, deleting: bool) -> None:
        state = row_state(obj, spec, keys=[])
        state.values.setdefault(DELETED, None)
        base = state.frontier_of(DELETED)
        if deleting:
            saw = merge.seen_versions(state, spec)
            if spec.name == "family":
                saw = sorted({*saw, *_append_children(self.session, obj.id)})
            op, _ = self.op(spec, obj, "delete", {DELETED: FieldChange(True, base)}, saw)
        else:
            op, _ = self.op(spec, obj, "restore", {DELETED: FieldChange(False, base)})
        merge.apply(spec, state, op.view())
        store_state(obj, spec, state, keys=[])
        obj.deleted = merge.liveness(spec, state) is merge.Liveness.DELETED
        self.touch(obj, op)


def _append_children(session: Session, family_id: str) -> list[str]:
    """Op ids of a family's append-only rows (contacts...): a family delete records that it saw them, so
    a contact written elsewhere without seeing the delete restores the family (merge.child_liveness)."""
    from sqlalchemy import select

    from earlyhelp_desktop.core.store.models import syncable_models
    from sync.clock import version_op

    found: list[str] = []
    with session.no_autoflush:
        for model in syncable_models():
            spec = SCHEMA[model.__tablename__]  # type: ignore[attr-defined]
            if spec.kind is merge.TableKind.APPEND and spec.parent == "family":
                column = model.__table__.c  # type: ignore[attr-defined]
                query = select(column.version).where(column.family_id == family_id)
                found.extend(version_op(v) for v in session.execute(query).scalars() if v)
    return found


def _before_flush(session: Session, flush_context: Any, instances: Any) -> None:
    if session.info.get(REMOTE):
        _note_touched(session, session.new, session.dirty)
        return
    new = [o for o in session.new if isinstance(o, Syncable)]
    dirty = [o for o in session.dirty if isinstance(o, Syncable) and session.is_modified(o)]
    removed = [o for o in session.deleted if isinstance(o, Syncable)]
    if removed:
        raise CaptureError("syncable rows are never removed; delete them through the workspace")
    if not new and not dirty:
        return
    context = session.info.get(CAPTURE)
    if not isinstance(context, CaptureContext):
        raise CaptureError("a syncable row changed in a session without a capture context")
    _note_touched(session, new, dirty)
    writer = _Writer(session, context)
    for obj in new:
        writer.insert(obj)
    for obj in dirty:
        writer.update(obj)
    save_clock(session, writer.clock)


def _note_touched(session: Session, *groups: Iterable[object]) -> None:
    """Families whose search entry must be rebuilt after this flush."""
    touched: set[tuple[str, str]] = session.info.setdefault(TOUCHED, set())
    for group in groups:
        for obj in group:
            table = getattr(obj, "__tablename__", None)
            if table in ("family", "membership"):
                touched.add(("family", obj.family_id))  # type: ignore[attr-defined]
            elif table == "person":
                touched.add(("person", obj.id))  # type: ignore[attr-defined]


def _refuse_bulk(state: ORMExecuteState) -> None:
    if (state.is_update or state.is_delete) and state.bind_mapper is not None:
        if issubclass(state.bind_mapper.class_, Syncable):
            raise CaptureError("bulk UPDATE/DELETE would bypass change capture on a syncable table")


event.listen(StoreSession, "before_flush", _before_flush)
event.listen(StoreSession, "do_orm_execute", _refuse_bulk)
