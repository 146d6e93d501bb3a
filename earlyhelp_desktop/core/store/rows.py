"""Between ORM rows and the merge's RowState: wire values, groups, replication metadata."""

from __future__ import annotations

import datetime as dt
from typing import Any

from earlyhelp_desktop.core.store.models.base import Syncable
from sync.merge import DELETED, FieldSpec, FieldType, RowState, TableSpec


def to_wire(spec: FieldSpec, value: Any) -> Any:
    """A column value as it travels: dates as ISO text, groups as dicts."""
    if value is None:
        return None
    if spec.type is FieldType.DATE and isinstance(value, dt.date):
        return value.isoformat()
    if spec.type is FieldType.DATETIME and isinstance(value, dt.datetime):
        return value.astimezone(dt.UTC).isoformat(timespec="microseconds")
    return value


def from_wire(spec: FieldSpec, value: Any) -> Any:
    if value is None:
        return None
    if spec.type is FieldType.DATE:
        return dt.date.fromisoformat(value)
    if spec.type is FieldType.DATETIME:
        return dt.datetime.fromisoformat(value)
    return value


def read_field(obj: Syncable, spec: FieldSpec) -> Any:
    """The wire value of one field key of ``obj`` (a group reads all its columns)."""
    if spec.type is FieldType.GROUP:
        return {m.key: to_wire(m, getattr(obj, m.key)) for m in spec.members}
    return to_wire(spec, getattr(obj, spec.key))


def write_field(obj: Syncable, spec: FieldSpec, value: Any) -> None:
    if spec.type is FieldType.GROUP:
        value = value or {}
        for member in spec.members:
            setattr(obj, member.key, from_wire(member, value.get(member.key)))
    else:
        setattr(obj, spec.key, from_wire(spec, value))


def column_key(table: TableSpec) -> dict[str, str]:
    """Column name -> field key (a grouped column maps to its group)."""
    mapping: dict[str, str] = {}
    for key, spec in table.fields.items():
        if spec.type is FieldType.GROUP:
            for member in spec.members:
                mapping[member.key] = key
        else:
            mapping[key] = key
    return mapping


def row_state(obj: Syncable, table: TableSpec, keys: list[str] | None = None) -> RowState:
    """The RowState of ``obj`` with the values of ``keys`` (all fields when None)."""
    state = RowState(table.name, obj.id, obj.version)
    meta = obj.sync_meta or {}
    state.load_meta(meta)
    if meta.get("deleted"):
        state.values[DELETED] = True
    for key in table.fields if keys is None else keys:
        state.values[key] = read_field(obj, table.fields[key])
    return state


def store_state(obj: Syncable, table: TableSpec, state: RowState, keys: list[str] | None = None) -> None:
    """Writes a merged RowState back into ``obj`` (values of ``keys``, all when None)."""
    obj.version = state.version
    meta = state.meta_json() or {}
    if state.values.get(DELETED) is True:
        meta["deleted"] = True
    obj.sync_meta = meta or None
    for key in table.fields if keys is None else keys:
        if key in state.values:
            write_field(obj, table.fields[key], state.values[key])
