"""An in-memory model of replicas running sync.merge: used by the Hypothesis test of the merge.

Each replica keeps rows as merge RowStates, the op ids it applied, its field history and a hybrid clock
with its own skew. It writes ops the way change capture does (base = the frontier it sees) and applies
ops from elsewhere in whatever order, duplicated or late, as the network delivers them.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from sync import merge
from sync.clock import HybridClock, version_op
from sync.merge import DELETED, FieldChange, FieldSpec, FieldType, OpView, RowState, TableSpec

Key = tuple[str, str]  # table, row id


def sample_value(spec: FieldSpec, n: int) -> Any:
    """A valid wire value for a field, varied by ``n``."""
    if spec.type is FieldType.GROUP:
        return {m.key: sample_value(m, n) for m in spec.members}
    if spec.nullable and n % 7 == 3:
        return None
    if spec.type is FieldType.TEXT:
        return f"v{n}"
    if spec.type is FieldType.INT:
        return n % 5 + 1
    if spec.type is FieldType.BOOL:
        return n % 2 == 0
    if spec.type is FieldType.DATE:
        return (dt.date(2024, 1, 1) + dt.timedelta(days=n % 300)).isoformat()
    if spec.type is FieldType.DATETIME:
        return dt.datetime(2024, 1, 1, tzinfo=dt.UTC).replace(minute=n % 60).isoformat()
    return {"n": n}


@dataclass
class Op:
    """An op as it travels (a plain view of sync.protocol.Op)."""

    op_id: str
    table: str
    row_id: str
    family_id: str | None
    kind: str
    version: str
    fields: dict[str, FieldChange]
    saw: list[str] = field(default_factory=list)

    def view(self) -> OpView:
        return OpView(self.kind, self.table, self.row_id, self.version, dict(self.fields), list(self.saw))  # type: ignore[arg-type]


class Replica:
    def __init__(self, name: str, device: str, schema: dict[str, TableSpec], skew: int) -> None:
        self.name = name
        self.device = device
        self.schema = schema
        self.rows: dict[Key, RowState] = {}
        self.family_of: dict[Key, str | None] = {}
        self.applied: dict[str, int] = {}
        self.history: dict[tuple[str, str, str], dict[str, Any]] = {}
        self.skew = skew
        self.now = 0
        self.clock = HybridClock(0, lambda: 1_700_000_000_000 + self.now + self.skew)
        self.counter = 0

    # -- applying ---------------------------------------------------------------------------------

    def receive(self, op: Op) -> bool:
        """Applies an op once; a duplicate delivery is recognised by its op id and ignored."""
        if op.op_id in self.applied:
            return False
        self.applied[op.op_id] = 1
        stamp = int(op.version.split(".")[0], 16)
        self.clock.observe(stamp)
        self._apply(op)
        return True

    def _apply(self, op: Op) -> None:
        spec = self.schema[op.table]
        key = (op.table, op.row_id)
        state = self.rows.get(key) or RowState(op.table, op.row_id)
        self.rows[key] = state
        self.family_of[key] = op.family_id
        result = merge.apply(spec, state, op.view(), known=self.applied.__contains__)
        for purged in result.purged:
            self.history.pop((op.table, op.row_id, purged), None)
        for entry in result.history:
            self.history.setdefault((op.table, op.row_id, entry.key), {})[entry.version] = entry.value

    # -- writing (as change capture does) ----------------------------------------------------------

    def _new_op(
        self,
        table: str,
        row_id: str,
        family_id: str | None,
        kind: str,
        fields: dict[str, FieldChange],
        saw: list[str] | None = None,
    ) -> Op:
        stamp = self.clock.tick()
        self.counter += 1
        op_id = f"{self.device}{self.counter:016x}"
        version = f"{stamp:016x}.{self.device}.{op_id}"
        op = Op(op_id, table, row_id, family_id, kind, version, fields, saw or [])
        self.applied[op_id] = 1
        self._apply(op)
        return op

    def insert(self, table: str, row_id: str, family_id: str | None, n: int, overrides: dict[str, Any]) -> Op:
        spec = self.schema[table]
        fields = {}
        for key, fspec in spec.fields.items():
            value = overrides[key] if key in overrides else sample_value(fspec, n + len(key))
            fields[key] = FieldChange(value, [])
        return self._new_op(table, row_id, family_id, "insert", fields)

    def update(self, key: Key, field_key: str, n: int) -> Op | None:
        state = self.rows[key]
        spec = self.schema[key[0]]
        if spec.kind is merge.TableKind.APPEND:
            return None
        value = sample_value(spec.fields[field_key], n)
        change = FieldChange(value, list(state.frontier_of(field_key)))
        return self._new_op(key[0], key[1], self.family_of[key], "update", {field_key: change})

    def redact(self, key: Key, field_key: str) -> Op:
        state = self.rows[key]
        fspec = self.schema[key[0]].fields[field_key]
        value = None if fspec.nullable else sample_value(fspec, 0)
        change = FieldChange(value, list(state.frontier_of(field_key)))
        return self._new_op(key[0], key[1], self.family_of[key], "redact", {field_key: change})

    def delete(self, key: Key) -> Op | None:
        spec = self.schema[key[0]]
        if spec.kind is merge.TableKind.APPEND:
            return None
        state = self.rows[key]
        saw = merge.seen_versions(state, spec)
        if key[0] == "family":
            for other, st in self.rows.items():
                if self.family_of[other] == key[1] and self.schema[other[0]].kind is merge.TableKind.APPEND:
                    if st.version:
                        saw.append(version_op(st.version))
        change = FieldChange(True, list(state.frontier_of(DELETED)))
        return self._new_op(
            key[0], key[1], self.family_of[key], "delete", {DELETED: change}, sorted(set(saw))
        )

    def restore(self, key: Key) -> Op | None:
        spec = self.schema[key[0]]
        if spec.kind is merge.TableKind.APPEND:
            return None
        state = self.rows[key]
        change = FieldChange(False, list(state.frontier_of(DELETED)))
        return self._new_op(key[0], key[1], self.family_of[key], "restore", {DELETED: change})

    # -- reading -----------------------------------------------------------------------------------

    def live(self, key: Key) -> merge.Liveness:
        spec = self.schema[key[0]]
        state = self.rows[key]
        if key[0] != "family":
            family = self.rows.get(("family", self.family_of[key] or ""))
            return merge.child_liveness(spec, state, family)
        own = merge.liveness(spec, state)
        children = [
            merge.child_liveness(self.schema[k[0]], st, state)
            for k, st in self.rows.items()
            if k[0] != "family" and self.family_of[k] == key[1]
        ]
        return merge.family_liveness(own, children)

    def snapshot(self) -> dict[Key, dict[str, Any]]:
        return {key: canonical(state) for key, state in self.rows.items()}


def canonical(state: RowState) -> dict[str, Any]:
    data = state.to_json()
    return data
