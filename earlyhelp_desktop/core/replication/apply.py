"""Applying ops from the server to the local store, in one transaction per page.

The session is marked ``REMOTE`` so change capture does not turn these writes into new ops; the search
index is still kept right. Each op is applied at most once (``Known``), through ``sync.merge``; values
that were replaced or lost to a concurrent edit go to field history; rows are hidden when the merge says
they are deleted (a family stays while someone's unseen work is under it); conflicts are recorded for a
supervisor. A row whose insert has not arrived yet is kept hidden, with placeholder values.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import delete, insert, select
from sqlalchemy.orm import Session

from earlyhelp_desktop.core.ids import derived_id
from earlyhelp_desktop.core.replication.local import MODELS, Known, bump_generation, when
from earlyhelp_desktop.core.store.capture import SCHEMA, load_clock, save_clock
from earlyhelp_desktop.core.store.models import AppliedOp, ConflictRecord, FieldHistory, Syncable
from earlyhelp_desktop.core.store.rows import row_state, store_state
from sync import merge
from sync.merge import DELETED, FieldSpec, FieldType, Liveness, RowState, Scope, TableKind, TableSpec
from sync.protocol import Op

_PLACEHOLDER: dict[FieldType, Any] = {
    FieldType.TEXT: "",
    FieldType.INT: 0,
    FieldType.BOOL: False,
    FieldType.DATE: "1970-01-01",
    FieldType.DATETIME: "1970-01-01T00:00:00+00:00",
    FieldType.JSON: {},
}


@dataclass
class Applied:
    applied: int = 0
    families: set[str] = field(default_factory=set)
    conflicts: int = 0  # conflicts newly opened


def placeholder(spec: FieldSpec) -> Any:
    if spec.type is FieldType.GROUP:
        return {m.key: placeholder(m) for m in spec.members}
    return None if spec.nullable else _PLACEHOLDER[spec.type]


class Applier:
    """Applies pulled ops inside one REMOTE session."""

    def __init__(self, session: Session, known: Known | None = None) -> None:
        self.session = session
        self.known = known or Known(session)
        self.result = Applied()
        self.clock = load_clock(session)
        self._deleted_changed: set[str] = set()
        self._created: dict[tuple[str, str], Syncable] = {}  # rows first seen in this batch
        self._loaded: dict[tuple[str, str], Syncable | None] = {}  # rows read ahead (None: not here)
        self._touched: set[str | None] = set()  # families whose rows changed (for the digest check)
        self._tables: set[str] = set()  # reference and directory tables whose rows changed
        self._applied: list[dict[str, str | None]] = []  # applied_op rows, written after the page

    def apply_all(self, ops: Iterable[Op]) -> Applied:
        """Applies a page of ops. The session is flushed once for the page, not before every lookup
        (rows created by the page are found in ``_created``; conflicts and purges flush first)."""
        ops = list(ops)
        self.known.preload(op.op_id for op in ops)
        with self.session.no_autoflush:
            self._preload(ops)
            for op in ops:
                self.apply(op)
        self.session.flush()
        if self._applied:  # one bulk insert, not an ORM object an op (Known remembers them meanwhile)
            self.session.execute(insert(AppliedOp), self._applied)
            self._applied = []
        self.settle()
        return self.result

    def _preload(self, ops: list[Op]) -> None:
        """Reads the rows a page names (and their families), a few hundred to a query: one query a row
        took a quarter of a first pull's time."""
        wanted: dict[str, set[str]] = {}
        for op in ops:
            spec = SCHEMA.get(op.table)
            if spec is None or spec.scope is Scope.AUDIT:
                continue
            wanted.setdefault(op.table, set()).add(op.row_id)
            if op.family_id:
                wanted.setdefault("family", set()).add(op.family_id)
        for table, ids in wanted.items():
            model = MODELS[table]
            known = self._created.keys() | self._loaded.keys()
            listed = sorted(i for i in ids if (table, i) not in known)
            for start in range(0, len(listed), 500):
                chunk = listed[start : start + 500]
                for obj in self.session.scalars(select(model).where(model.id.in_(chunk))):
                    self._loaded[(table, obj.id)] = obj
                for row_id in chunk:
                    self._loaded.setdefault((table, row_id), None)  # not here (yet)

    def _row(self, table: str, row_id: str) -> Syncable | None:
        key = (table, row_id)
        found = self._created.get(key)
        if found is not None:
            return found
        if key in self._loaded:
            return self._loaded[key]
        return self.session.get(MODELS[table], row_id)

    def apply(self, op: Op) -> bool:
        if self.known(op.op_id):
            return False
        spec = SCHEMA.get(op.table)
        self.known.add(op.op_id)
        self.clock.observe(op.stamp)
        if spec is None or spec.scope is Scope.AUDIT:
            return False
        model = MODELS[op.table]
        obj = self._row(op.table, op.row_id)
        new = obj is None
        if spec.scope is Scope.FAMILY:
            self._touched.add(getattr(obj, "family_id", None) if obj is not None else op.family_id)
        else:
            self._tables.add(op.table)
        state = row_state(obj, spec) if obj is not None else RowState(op.table, op.row_id)
        result = merge.apply(spec, state, op.view(), known=self.known)
        if obj is None:
            obj = model()
            obj.id = op.row_id
            for key, fspec in spec.fields.items():
                if key not in state.values:
                    state.values[key] = placeholder(fspec)
            if "family_id" in spec.fields and op.family_id and not state.values.get("family_id"):
                # until its insert comes, the row belongs to the family its op names, as on the server
                # (a placeholder "" left it out of the hub's digest, and the check never passed)
                state.values["family_id"] = op.family_id
            obj.created_at = when(op.stamp)
            obj.created_by = op.user
            obj.deleted = True
            self.session.add(obj)
            self._created[(op.table, op.row_id)] = obj
        elif op.kind == "insert" and state.version is not None and state.version.endswith(op.op_id):
            obj.created_at = when(op.stamp)
            obj.created_by = op.user
        store_state(obj, spec, state)
        if new or obj.updated_at is None or obj.updated_at < when(op.stamp):
            obj.updated_at = when(op.stamp)
            obj.updated_by = op.user
        for entry in result.history:
            self.session.add(
                FieldHistory(
                    table_name=spec.name,
                    row_id=op.row_id,
                    field=entry.key,
                    version=entry.version,
                    value=entry.value,
                    reason=entry.reason,
                )
            )
        if result.purged:
            self.session.flush()  # history added earlier in this page is purged too
            self.session.execute(
                delete(FieldHistory).where(
                    FieldHistory.table_name == spec.name,
                    FieldHistory.row_id == op.row_id,
                    FieldHistory.field.in_(result.purged),
                )
            )
        self._applied.append(
            {"op_id": op.op_id, "table_name": op.table, "row_id": op.row_id, "family_id": op.family_id}
        )
        family_id = getattr(obj, "family_id", None)
        if spec.scope is Scope.FAMILY:
            self._touched.add(family_id)  # and the family it left, above
        if family_id:
            self.result.families.add(family_id)
        if op.table == "family":
            self._deleted_changed.add(op.row_id)
            # its own liveness now, as settle will find it unless its children contest a delete: a new
            # family is then written once, shown, and indexed once, not hidden and then updated
            obj.deleted = not state.version or merge.liveness(spec, state) is Liveness.DELETED
        if op.table != "family":
            family_state = self._family_state(family_id) if spec.kind is TableKind.APPEND else None
            live = merge.child_liveness(spec, state, family_state) if state.version else Liveness.DELETED
            obj.deleted = live is Liveness.DELETED
            self.refresh_conflicts(spec, obj, state, live, op.user, fresh=new)
        self.result.applied += 1
        return True

    def _family_state(self, family_id: str | None) -> RowState | None:
        if not family_id:
            return None
        family = self._row("family", family_id)
        return row_state(family, SCHEMA["family"], keys=[]) if family is not None else None

    def settle(self) -> None:
        """Family liveness, once per page: a delete meets the work done under the family.

        Called with the page flushed; each family's settling reads only that family's rows and
        conflicts, so what every family's settling reads is read first, a few hundred families to a
        query (``Ahead``), and nothing one family changes needs flushing before the next."""
        with self.session.no_autoflush:
            families: list[Syncable] = []
            for family_id in sorted(self.result.families | self._deleted_changed):
                family = self.session.get(MODELS["family"], family_id)
                if family is None:
                    continue
                if family_id in self._deleted_changed or (family.sync_meta or {}).get("deleted"):
                    families.append(family)
            ahead = Ahead.read(self.session, [f.id for f in families])
            for family in families:
                settle_family(self.session, family, self, ahead=ahead)
        save_clock(self.session, self.clock)
        if self.result.applied:
            bump_generation(self.session, self._touched | self._deleted_changed, self._tables)

    def refresh_conflicts(
        self, spec: TableSpec, obj: Syncable, state: RowState, live: Liveness, by: str | None, fresh: bool
    ) -> None:
        if not fresh:
            self.session.flush()  # the row's conflict records, as this page left them so far
        self.result.conflicts += refresh_conflicts(self.session, spec, obj, state, live, by, fresh=fresh)


@dataclass
class Ahead:
    """What settling a page's families reads, read for all of them at once: each family's append-only
    children marked deleted, and the open conflicts on each family row. (One query a family for each
    took a third of a laptop's first pull.)"""

    hidden: dict[tuple[str, str], list[Syncable]]  # (table, family id) -> its children marked deleted
    conflicts: dict[str, list[ConflictRecord]]  # family id -> open conflicts on the family row

    @classmethod
    def read(cls, session: Session, family_ids: list[str]) -> Ahead:
        hidden: dict[tuple[str, str], list[Syncable]] = {}
        conflicts: dict[str, list[ConflictRecord]] = {}
        for start in range(0, len(family_ids), 500):
            chunk = family_ids[start : start + 500]
            for table, model in MODELS.items():
                if SCHEMA[table].kind is TableKind.APPEND and SCHEMA[table].parent == "family":
                    query = select(model).where(model.family_id.in_(chunk), model.deleted.is_(True))  # type: ignore[attr-defined]
                    for child in session.scalars(query):
                        hidden.setdefault((table, child.family_id), []).append(child)  # type: ignore[attr-defined]
            for record in session.scalars(
                select(ConflictRecord).where(
                    ConflictRecord.table_name == "family",
                    ConflictRecord.row_id.in_(chunk),
                    ConflictRecord.resolved_at.is_(None),
                )
            ):
                conflicts.setdefault(record.row_id, []).append(record)
        return cls(hidden, conflicts)


def settle_family(
    session: Session,
    family: Syncable,
    applier: Applier | None = None,
    by: str | None = None,
    ahead: Ahead | None = None,
) -> None:
    """Whether ``family`` is deleted, once its own delete meets the work under it; its append-only
    children follow it, and its conflicts are brought up to date. ``ahead``: what this reads, read
    already for a page's families (read here for this family alone when not given)."""
    ahead = ahead or Ahead.read(session, [family.id])
    spec = SCHEMA["family"]
    state = row_state(family, spec)
    own = merge.liveness(spec, state) if state.version else Liveness.DELETED
    live = own
    unseen: list[str] = []
    if own is Liveness.DELETED:
        children = []
        for table, model in MODELS.items():
            cspec = SCHEMA[table]
            if cspec.parent != "family":
                continue
            for child in session.scalars(select(model).where(model.family_id == family.id)):  # type: ignore[attr-defined]
                cstate = row_state(child, cspec, keys=[])
                found = merge.child_liveness(cspec, cstate, state) if cstate.version else Liveness.DELETED
                children.append(found)
                if cspec.kind is TableKind.APPEND:
                    child.deleted = found is Liveness.DELETED
                if found is not Liveness.DELETED and cstate.version:
                    unseen.append(cstate.version)
        live = merge.family_liveness(own, children)
    else:
        for table in MODELS:  # its append-only children marked deleted come back with it
            for child in ahead.hidden.get((table, family.id), []):
                if row_state(child, SCHEMA[table], keys=[]).version:
                    child.deleted = False
    family.deleted = live is Liveness.DELETED
    opened = refresh_conflicts(
        session,
        spec,
        family,
        state,
        live,
        by,
        unseen_children=unseen,
        open_records=ahead.conflicts.get(family.id, []),
    )
    if applier is not None:
        applier.result.conflicts += opened


def refresh_conflicts(
    session: Session,
    spec: TableSpec,
    obj: Syncable,
    state: RowState,
    live: Liveness,
    by: str | None,
    unseen_children: list[str] | None = None,
    fresh: bool = False,
    open_records: list[ConflictRecord] | None = None,
) -> int:
    """Opens the row's conflicts the merge reports; closes the ones it no longer reports.

    ``fresh``: the row was first seen by this op, so it has no conflicts to close. With none to open
    either, nothing is looked up (a laptop's first pull applies tens of thousands of such ops).
    ``open_records``: the row's open conflicts, read already."""
    found = merge.conflicts(spec, state, live) if state.version else []
    if live is Liveness.CONTESTED and spec.name == "family" and not any(c.key == DELETED for c in found):
        found.append(merge.Conflict(spec.name, obj.id, DELETED, "edit_delete", {}))
    if fresh and not found:
        return 0
    wanted: dict[str, tuple[merge.Conflict, dict[str, Any]]] = {}
    for conflict in found:
        values = dict(conflict.values)
        if conflict.kind == "edit_delete":
            values = {v: True for v in state.frontier_of(DELETED) if state.values.get(DELETED) is True}
            for version in edit_versions(spec, state) + (unseen_children or []):
                values.setdefault(version, False)
        cid = derived_id("conflict", spec.name, obj.id, conflict.key, *sorted(values))
        wanted[cid] = (conflict, values)
    now = dt.datetime.now(dt.UTC)
    opened = 0
    if open_records is None:
        open_records = list(
            session.scalars(
                select(ConflictRecord).where(
                    ConflictRecord.table_name == spec.name,
                    ConflictRecord.row_id == obj.id,
                    ConflictRecord.resolved_at.is_(None),
                )
            )
        )
    for record in open_records:
        if record.id in wanted:
            del wanted[record.id]
        else:
            record.resolved_at = now
            record.resolved_by = by
    for cid, (conflict, values) in wanted.items():
        existing = session.get(ConflictRecord, cid)
        if existing is not None:
            existing.resolved_at = None
            existing.resolved_by = None
            existing.values = values
            continue
        session.add(
            ConflictRecord(
                id=cid,
                table_name=spec.name,
                row_id=obj.id,
                family_id=getattr(obj, "family_id", None),
                field=conflict.key,
                kind=conflict.kind,
                values=values,
                detected_at=now,
            )
        )
        opened += 1
    return opened


def edit_versions(spec: TableSpec, state: RowState) -> list[str]:
    """Versions in the row that its deleter had not seen (the work a delete would hide)."""
    seen: set[str] = set()
    for version in state.frontier_of(DELETED):
        seen.update(state.saw.get(version, []))
        seen.add(version.rsplit(".", 1)[-1])
    found: list[str] = []
    for key in spec.fields:
        for version in state.frontier_of(key):
            if version.rsplit(".", 1)[-1] not in seen and version not in found:
                found.append(version)
    return found
