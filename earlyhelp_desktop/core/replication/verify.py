"""The laptop's side of the scope digest (see ``sync.digest``): computed from the rows it holds.

Hashing every row a laptop holds takes seconds on a big hub (320,000 rows for 5,000 families), and each
sync ends with the check. So the parts are kept (``DIGEST_CACHE``, with the outbox position and the
generation they were counted at) and a later check counts again only the families and tables changed
since: those the outbox shows (ops captured after the kept position) and those changed outside capture
(pulled ops, evictions, rewrites), which ``bump_generation`` marks in ``DIGEST_DIRTY``. A check that
finds a difference after counting that way counts everything again before it believes it.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import orjson
from sqlalchemy import Text, func, select, type_coerce
from sqlalchemy.orm import Session

from earlyhelp_desktop.core.replication.local import (
    DIGEST_CACHE,
    DIGEST_DIRTY,
    DIRTY_MARKS,
    GENERATION,
    MODELS,
    get_json,
    get_meta,
    set_meta,
)
from earlyhelp_desktop.core.store.capture import SCHEMA
from earlyhelp_desktop.core.store.models import OutboxOp
from sync.digest import bucket_of, meta_hash
from sync.merge import Scope

Parts = dict[str, dict[str, int]]  # bucket -> part -> xor of row hashes
CHUNK = 500  # family ids in one IN list
SHARED_TABLES = [t for t in MODELS if SCHEMA[t].scope in (Scope.REFERENCE, Scope.DIRECTORY)]


@dataclass
class Counted:
    """A store's digest parts, and what they were counted at."""

    parts: Parts  # every bucket the store has rows for
    seq: int  # the outbox's last op then
    generation: str
    kept: bool  # as kept from the last check, nothing having changed since
    partly: bool  # the kept parts with what changed since counted again


def count_parts(session: Session, whole: bool = False) -> Counted:
    """The store's digest parts now: kept, brought up to date, or (``whole``) counted in full."""
    seq = session.scalar(select(func.max(OutboxOp.seq))) or 0
    generation = get_meta(session, GENERATION) or "0"
    cached = None if whole else get_json(session, DIGEST_CACHE, None)
    if isinstance(cached, dict) and isinstance(cached.get("parts"), dict) and "seq" in cached:
        parts = {b: {p: int(v, 16) for p, v in found.items()} for b, found in cached["parts"].items()}
        if cached["seq"] == seq and cached.get("generation") == generation:
            return Counted(parts, seq, generation, kept=True, partly=False)
        changed = _changed_since(session, int(cached["seq"] or 0))
        if changed is not None:
            families, tables = changed
            _recount(session, parts, families, tables)
            return Counted(parts, seq, generation, kept=False, partly=True)
    return Counted(local_parts(session), seq, generation, kept=False, partly=False)


def keep_parts(session: Session, counted: Counted) -> None:
    """Keeps freshly counted parts for the next check, unless rows changed outside capture meanwhile
    (their marks then stay, and the next check counts from the parts kept before)."""
    if counted.kept or (get_meta(session, GENERATION) or "0") != counted.generation:
        return
    parts = {b: {p: f"{v:032x}" for p, v in found.items()} for b, found in counted.parts.items()}
    data = {"seq": counted.seq, "generation": counted.generation, "parts": parts}
    set_meta(session, DIGEST_CACHE, orjson.dumps(data).decode())
    set_meta(session, DIGEST_DIRTY, None)


def _changed_since(session: Session, seq: int) -> tuple[set[str], set[str]] | None:
    """The families and tables whose rows changed since the parts were kept; None when that cannot be
    told (a row moved to another family, or too much changed to be worth it)."""
    dirty = get_json(session, DIGEST_DIRTY, {})
    if not isinstance(dirty, dict) or dirty.get("all"):
        return None
    families = {str(f) for f in dirty.get("families", [])}
    tables = {str(t) for t in dirty.get("tables", [])}
    captured = session.execute(
        select(OutboxOp.table_name, OutboxOp.family_id, OutboxOp.payload).where(OutboxOp.seq > seq)
    )
    for table, family_id, payload in captured:
        spec = SCHEMA.get(table)
        if spec is None or spec.scope is Scope.AUDIT:
            continue
        if spec.scope is not Scope.FAMILY:
            tables.add(table)
            continue
        op = payload or {}
        if not family_id or (op.get("kind") != "insert" and "family_id" in (op.get("fields") or {})):
            return None  # the family it left is not written down
        families.add(family_id)
    if len(families) > DIRTY_MARKS:
        return None
    return families, tables


def local_parts(session: Session) -> Parts:
    """Every bucket's parts, from all the rows in the store (family rows go by their family's hub)."""
    parts: Parts = {}
    _hash_rows(session, parts, _hubs(session, None), None)
    for table in SHARED_TABLES:
        _hash_table(session, parts, table)
    _drop_empty(parts)
    return parts


def _recount(session: Session, parts: Parts, families: set[str], tables: set[str]) -> None:
    """Counts again the parts of ``families`` (wherever their hub now puts them) and ``tables``."""
    for found in parts.values():
        for family_id in families:
            found.pop(family_id, None)  # wherever it was: its hub may have changed
    listed = sorted(families)
    for start in range(0, len(listed), CHUNK):
        chunk = listed[start : start + CHUNK]
        _hash_rows(session, parts, _hubs(session, chunk), chunk)
    for table in sorted(tables):
        if table in SHARED_TABLES:
            parts.get(str(bucket_of(SCHEMA[table].scope, None)), {}).pop(table, None)
            _hash_table(session, parts, table)
    _drop_empty(parts)


def _drop_empty(parts: Parts) -> None:
    for bucket in [b for b, found in parts.items() if not found]:
        del parts[bucket]  # no rows, no bucket (its digest is zero)


def _hubs(session: Session, families: list[str] | None) -> dict[str, str | None]:
    model = MODELS["family"]
    query = select(model.id, model.hub_id).where(model.version.is_not(None))  # type: ignore[attr-defined]
    if families is not None:
        query = query.where(model.id.in_(families))
    return {r[0]: r[1] or None for r in session.execute(query)}


def _hash_rows(
    session: Session, parts: Parts, hubs: dict[str, str | None], families: list[str] | None
) -> None:
    """Adds the rows of family tables (of ``families``, or all) to their hub's parts."""
    for table, model in MODELS.items():
        if SCHEMA[table].scope is not Scope.FAMILY:
            continue
        query = select(*_columns(model), model.family_id)  # type: ignore[attr-defined]
        if families is not None:
            query = query.where(model.family_id.in_(families))  # type: ignore[attr-defined]
        for row in session.execute(query):
            family_id = row[3] or ""
            found = parts.setdefault(str(bucket_of(Scope.FAMILY, hubs.get(family_id))), {})
            found[family_id] = found.get(family_id, 0) ^ meta_hash(table, row[0], row[1], _meta(row[2]))


def _hash_table(session: Session, parts: Parts, table: str) -> None:
    found = parts.setdefault(str(bucket_of(SCHEMA[table].scope, None)), {})
    for row in session.execute(select(*_columns(MODELS[table]))):
        found[table] = found.get(table, 0) ^ meta_hash(table, row[0], row[1], _meta(row[2]))


def _columns(model: Any) -> list[Any]:
    # the metadata as stored text, parsed by orjson (SQLAlchemy's JSON type takes the standard library,
    # three times as long), and hashed without building each row's state
    return [model.id, model.version, type_coerce(model.sync_meta, Text)]


def _meta(text: str | None) -> dict[str, Any] | None:
    if not text:
        return None
    try:
        found = orjson.loads(text)
    except orjson.JSONDecodeError:  # NaN in a kept value, which the standard library writes and reads
        found = json.loads(text)
    return found if isinstance(found, dict) else None


def totals(parts: Parts, buckets: Iterable[str]) -> dict[str, str]:
    """Each of ``buckets``' digest (zero for a bucket the store has no rows for)."""
    result = {}
    for bucket in buckets:
        found = parts.get(bucket, {})
        total = 0
        for value in found.values():
            total ^= value
        result[bucket] = f"{total:032x}"
    return result


def differing(local: dict[str, int], server: dict[str, str]) -> list[str]:
    """Parts whose digests differ (a part missing on one side counts as zero)."""
    names = set(local) | set(server)
    return sorted(n for n in names if local.get(n, 0) != int(server.get(n, "0") or "0", 16))
