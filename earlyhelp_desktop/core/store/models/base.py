"""Declarative base, the Syncable mixin and the merge policies declared next to each model.

Every syncable table declares, beside its columns:

* ``__sync_kind__``: ``TableKind.FIELDS`` (ordinary rows), ``SET`` (rows with deterministic ids such as
  tags and memberships, where concurrent additions meet) or ``APPEND`` (contacts, link events, audit);
* ``__sync_scope__``: which devices its rows travel to;
* ``__sync_groups__``: columns that only make sense together and merge as one value (an address);
* per column, ``guarded(...)`` instead of ``mapped_column(...)`` for values whose concurrent edits must be
  seen by a supervisor (level of need, agreement and sharing, closure, safeguarding flags...).

``sync_schema()`` turns these declarations into the ``sync.merge`` schema both ends apply.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, ClassVar

from sqlalchemy import JSON, Boolean, Date, Dialect, Integer, MetaData, String, Text, TypeDecorator
from sqlalchemy.orm import DeclarativeBase, Mapped, MappedColumn, mapped_column
from sqlalchemy.types import TypeEngine

from sync.merge import FieldSpec, FieldType, Policy, Scope, TableKind, TableSpec

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UTCDateTime(TypeDecorator[dt.datetime]):
    """Aware UTC datetimes stored as ISO 8601 text (sortable, unambiguous)."""

    impl = String(32)
    cache_ok = True

    def process_bind_param(self, value: dt.datetime | None, dialect: Dialect) -> str | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime: pass an aware UTC datetime")
        return value.astimezone(dt.UTC).isoformat(timespec="microseconds")

    def process_result_value(self, value: str | None, dialect: Dialect) -> dt.datetime | None:
        return None if value is None else dt.datetime.fromisoformat(value)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)
    type_annotation_map: ClassVar[dict[Any, Any]] = {
        str: String(),
        int: Integer(),
        bool: Boolean(),
        dt.date: Date(),
        dt.datetime: UTCDateTime(),
        dict[str, Any]: JSON(),
        list[Any]: JSON(),
        list[str]: JSON(),
    }


def guarded(*args: Any, **kwargs: Any) -> MappedColumn[Any]:
    """A column whose concurrent edits are all kept and raise a conflict for a supervisor."""
    info = dict(kwargs.pop("info", {}) or {})
    info["merge"] = Policy.GUARDED
    return mapped_column(*args, info=info, **kwargs)


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


# Columns every syncable row has that are not replicated fields: identity and replication metadata.
META_COLUMNS = frozenset(
    {"id", "version", "sync_meta", "deleted", "created_at", "created_by", "updated_at", "updated_by"}
)


class Syncable:
    """Mixin for replicated rows: UUID key, who/when, the insert version and merge metadata.

    ``deleted`` is derived by the merge (a delete concurrent with someone's edit leaves the row alive).
    Rows are never removed from the table: a delete is a tombstone carried by an op.
    """

    __sync_kind__: ClassVar[TableKind] = TableKind.FIELDS
    __sync_scope__: ClassVar[Scope] = Scope.FAMILY
    __sync_groups__: ClassVar[dict[str, tuple[str, ...]]] = {}

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    version: Mapped[str | None] = mapped_column(String(96))
    sync_meta: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    deleted: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)
    created_by: Mapped[str | None] = mapped_column(String(36))
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_by: Mapped[str | None] = mapped_column(String(36))


def _field_type(column_type: TypeEngine[Any]) -> FieldType:
    if isinstance(column_type, UTCDateTime):
        return FieldType.DATETIME
    if isinstance(column_type, Boolean):
        return FieldType.BOOL
    if isinstance(column_type, Integer):
        return FieldType.INT
    if isinstance(column_type, Date):
        return FieldType.DATE
    if isinstance(column_type, JSON):
        return FieldType.JSON
    if isinstance(column_type, (String, Text)):
        return FieldType.TEXT
    raise TypeError(f"no wire type for column type {column_type!r}")


def syncable_models() -> list[type[Syncable]]:
    """Every mapped Syncable class (the models package must be imported)."""
    return sorted(
        (m.class_ for m in Base.registry.mappers if issubclass(m.class_, Syncable)),
        key=lambda cls: cls.__tablename__,  # type: ignore[attr-defined]
    )


def table_spec(model: type[Syncable]) -> TableSpec:
    table = model.__table__  # type: ignore[attr-defined]
    columns = {c.name: c for c in table.columns if c.name not in META_COLUMNS}

    def column_spec(name: str) -> FieldSpec:
        column = columns[name]
        policy = column.info.get("merge", Policy.LWW)
        return FieldSpec(name, _field_type(column.type), Policy(policy), bool(column.nullable))

    fields: dict[str, FieldSpec] = {}
    grouped: set[str] = set()
    for group, members in model.__sync_groups__.items():
        member_specs = tuple(column_spec(m) for m in members)
        policy = Policy.GUARDED if any(m.policy is Policy.GUARDED for m in member_specs) else Policy.LWW
        fields[group] = FieldSpec(group, FieldType.GROUP, policy, True, member_specs)
        grouped.update(members)
    for name in columns:
        if name not in grouped:
            fields[name] = column_spec(name)
    parent = "family" if model.__sync_scope__ is Scope.FAMILY and table.name != "family" else None
    return TableSpec(table.name, model.__sync_kind__, model.__sync_scope__, fields, parent)


def sync_schema() -> dict[str, TableSpec]:
    """The merge schema of every syncable table, built from the model declarations."""
    return {spec.name: spec for spec in (table_spec(m) for m in syncable_models())}
