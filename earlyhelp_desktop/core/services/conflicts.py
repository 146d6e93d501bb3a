"""Sync conflicts for a supervisor: concurrent edits of guarded fields, and edits that met a delete.

``list()`` shows every open conflict with each value kept (who wrote it, when); ``resolve(conflict_id,
keep_version)`` writes one op that names every concurrent version, so the conflict closes on every
laptop once it syncs. Keeping a delete deletes the row again, now having seen the edits; keeping an edit
restores it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select

from earlyhelp_desktop.core.errors import InvalidInput, NotFound
from earlyhelp_desktop.core.replication.apply import refresh_conflicts, settle_family
from earlyhelp_desktop.core.replication.local import MODELS, write_op
from earlyhelp_desktop.core.services.base import Changes, Service, changes
from earlyhelp_desktop.core.store.capture import REMOTE, SCHEMA
from earlyhelp_desktop.core.store.models import ConflictRecord, Family, Staff
from earlyhelp_desktop.core.store.rows import row_state
from sync import merge
from sync.clock import Version
from sync.merge import DELETED, FieldChange, Liveness, TableKind


@dataclass(frozen=True, slots=True)
class ConflictOption:
    value_id: str  # the version id to pass to resolve()
    value: Any  # the wire value (for an edit that met a delete: True = deleted, False = kept)
    label: str
    written_by: str | None
    written_at: dt.datetime | None


@dataclass(frozen=True, slots=True)
class ConflictView:
    id: str
    table: str
    row_id: str
    family_id: str | None
    family_name: str | None
    field: str
    kind: str  # concurrent | edit_delete
    description: str
    options: tuple[ConflictOption, ...]
    detected_at: dt.datetime
    resolved_at: dt.datetime | None


def _describe(record: ConflictRecord, family: str | None) -> str:
    where = f" for the {family} family" if family else ""
    table = record.table_name.replace("_", " ")
    if record.kind == "edit_delete":
        return f"A {table} record{where} was deleted while someone was still working on it."
    return f"Two people changed {record.field.replace('_', ' ')} on a {table} record{where} at the same time."


class ConflictService(Service):
    def list(self, include_resolved: bool = False) -> list[ConflictView]:
        with self.ws.read() as session:
            query = select(ConflictRecord).order_by(ConflictRecord.detected_at)
            if not include_resolved:
                query = query.where(ConflictRecord.resolved_at.is_(None))
            records = list(session.scalars(query))
            names = {
                r.id: r.display_name
                for r in session.scalars(select(Family).where(Family.id.in_({c.family_id for c in records})))
            }
            staff = {s.id: s.full_name for s in session.scalars(select(Staff))}
            views = []
            for record in records:
                options = []
                for version, value in sorted(record.values.items()):
                    parsed = Version.parse(version)
                    when = dt.datetime.fromtimestamp((parsed.stamp >> 16) / 1000, dt.UTC)
                    who = self._author(session, record, version, staff)
                    if record.kind == "edit_delete":
                        label = "Delete it" if value is True else "Keep it"
                    else:
                        label = str(value)
                    options.append(ConflictOption(version, value, label, who, when))
                family = names.get(record.family_id or "")
                views.append(
                    ConflictView(
                        id=record.id,
                        table=record.table_name,
                        row_id=record.row_id,
                        family_id=record.family_id,
                        family_name=family,
                        field=record.field,
                        kind=record.kind,
                        description=_describe(record, family),
                        options=tuple(options),
                        detected_at=record.detected_at,
                        resolved_at=record.resolved_at,
                    )
                )
            return views

    @staticmethod
    def _author(session: Any, record: ConflictRecord, version: str, staff: dict[str, str]) -> str | None:
        from earlyhelp_desktop.core.store.models import AppliedOp, OutboxOp

        op_id = version.rsplit(".", 1)[-1]
        own = session.scalar(select(OutboxOp.user_id).where(OutboxOp.op_id == op_id))
        if own:
            return str(staff.get(own, own))
        del AppliedOp
        return None

    def resolve(self, conflict_id: str, keep_version: str) -> Changes:
        """Keeps one value (a supervisor's decision) and closes the conflict everywhere."""
        self.require("supervisor")
        with self.ws.write() as session:
            record = session.get(ConflictRecord, conflict_id)
            if record is None:
                raise NotFound(f"No conflict with id {conflict_id} on this laptop.")
            if record.resolved_at is not None:
                raise InvalidInput({"conflict": "This conflict has already been resolved"})
            if keep_version not in record.values:
                choices = ", ".join(sorted(record.values))
                raise InvalidInput({"keep": f"Choose one of the values kept in this conflict: {choices}"})
            self.audit(
                session, "resolve", record.table_name, record.row_id, record.family_id, field=record.field
            )
            session.flush()  # the audit event's op; what follows is written as explicit ops below
            session.info[REMOTE] = True
            model = MODELS[record.table_name]
            spec = SCHEMA[record.table_name]
            obj = session.get(model, record.row_id)
            if obj is None:
                raise NotFound("The record in this conflict is no longer on this laptop.")
            state = row_state(obj, spec)
            who = {"user_id": self.user_id, "device_id": self.ws.device_id}
            if record.kind == "concurrent":
                frontier = state.frontier_of(record.field)
                if keep_version not in frontier:
                    raise InvalidInput(
                        {"keep": "This conflict changed since it was listed: look at it again"}
                    )
                others = state.others.get(record.field, {})
                value = others[keep_version] if keep_version in others else state.values.get(record.field)
                write_op(session, obj, "update", {record.field: FieldChange(value, list(frontier))}, **who)
            elif record.values[keep_version] is True:
                self._delete_again(session, obj, **who)
            else:
                write_op(
                    session,
                    obj,
                    "restore",
                    {DELETED: FieldChange(False, list(state.frontier_of(DELETED)))},
                    **who,
                )
            state = row_state(obj, spec)
            if record.table_name == "family":
                settle_family(session, obj, by=self.user_id)
            else:
                live = merge.liveness(spec, state)
                obj.deleted = live is Liveness.DELETED
                refresh_conflicts(session, spec, obj, state, live, self.user_id)
            record.resolved_by = self.user_id
            if record.resolved_at is None:
                record.resolved_at = dt.datetime.now(dt.UTC)
            family_id = record.family_id
        return changes({record.table_name, "conflict"}, [family_id])

    def _delete_again(self, session: Any, obj: Any, user_id: str, device_id: str) -> None:
        """Deletes the row having seen everything; for a family, the work done under it too."""
        from earlyhelp_desktop.core.store.capture import _append_children

        targets = [obj]
        if obj.__tablename__ == "family":
            for table, model in MODELS.items():
                cspec = SCHEMA[table]
                if cspec.parent == "family" and cspec.kind is not TableKind.APPEND:
                    column = model.family_id  # type: ignore[attr-defined]
                    query = select(model).where(column == obj.id, model.deleted.is_(False))
                    targets[:0] = list(session.scalars(query))
        for target in targets:
            spec = SCHEMA[target.__tablename__]
            state = row_state(target, spec)
            if state.values.get(DELETED) is True and merge.liveness(spec, state) is Liveness.DELETED:
                continue
            saw = merge.seen_versions(state, spec)
            if target is obj and obj.__tablename__ == "family":
                saw = sorted({*saw, *_append_children(session, obj.id)})
            write_op(
                session,
                target,
                "delete",
                {DELETED: FieldChange(True, list(state.frontier_of(DELETED)))},
                user_id=user_id,
                device_id=device_id,
                saw=saw,
            )
            target.deleted = True  # seen everything; a family is settled again by the caller
