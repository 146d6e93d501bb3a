"""Local bookkeeping of replication inside the encrypted store: meta keys, applied ops, own writes.

``write_op`` makes an op the way change capture does, for the few changes capture cannot see (resolving
a conflict keeps a value that is already shown, so no column changes): it is queued in the outbox and
applied through the merge in the same transaction.
"""

from __future__ import annotations

import datetime as dt
import gc
import json
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from earlyhelp_desktop.core.store.capture import SCHEMA, load_clock, save_clock
from earlyhelp_desktop.core.store.models import (
    AppliedOp,
    FieldHistory,
    Meta,
    OutboxOp,
    Syncable,
    syncable_models,
)
from earlyhelp_desktop.core.store.rows import row_state, store_state
from sync import merge
from sync.clock import op_id_for, stamp_millis
from sync.merge import FieldChange
from sync.protocol import Op, WireField

MODELS: dict[str, type[Syncable]] = {m.__tablename__: m for m in syncable_models()}  # type: ignore[attr-defined]

CURSOR = "sync.cursor"
TOKENS = "sync.tokens"
LAST_REPORT = "sync.last_report"
LAST_SYNCED = "sync.last_synced_at"
EVICT = "sync.evict"
PUSH_PULLS = "sync.push_pulls"  # "1": the server answers a push's pull (it said so)
GENERATION = "sync.generation"  # moves whenever replicated rows change outside change capture
DIGEST_CACHE = "sync.digest_cache"
DIGEST_DIRTY = "sync.digest_dirty"  # families and tables so changed since the digest parts were kept
DIRTY_MARKS = 2000  # more than this: marked as "all"


def bump_generation(
    session: Session, families: Iterable[str | None] | None = None, tables: Iterable[str] = ()
) -> None:
    """Says the rows changed in a way the outbox does not show (pulled ops, evictions, rewrites): those
    of ``families`` and (reference and directory) ``tables``, or any rows when ``families`` is None."""
    set_meta(session, GENERATION, str(int(get_meta(session, GENERATION) or "0") + 1))
    dirty = get_json(session, DIGEST_DIRTY, {})
    if not isinstance(dirty, dict) or dirty.get("all"):
        return
    named = list(families) if families is not None else [None]
    marked = {str(f) for f in dirty.get("families", [])} | {str(f) for f in named}
    # a family row with no family (which part it was in is unknown), or too many to be worth it: all
    if None in named or "" in named or len(marked) > DIRTY_MARKS:
        set_meta(session, DIGEST_DIRTY, json.dumps({"all": True}))
        return
    listed = sorted({str(t) for t in dirty.get("tables", [])} | set(tables))
    set_meta(session, DIGEST_DIRTY, json.dumps({"families": sorted(marked), "tables": listed}))


def get_meta(session: Session, key: str) -> str | None:
    with session.no_autoflush:
        row = session.get(Meta, key)
    return row.value if row is not None else None


def set_meta(session: Session, key: str, value: str | None) -> None:
    with session.no_autoflush:
        row = session.get(Meta, key)
    if value is None:
        if row is not None:
            session.delete(row)
    elif row is None:
        session.add(Meta(key=key, value=value))
    else:
        row.value = value


def get_json(session: Session, key: str, default: Any) -> Any:
    raw = get_meta(session, key)
    if raw is None:
        return default
    try:
        return json.loads(raw)
    except ValueError:
        return default


@contextmanager
def collector_set_aside() -> Iterator[None]:
    """While a long pull runs, the objects alive when it began are set aside from Python's cyclic garbage
    collector (``gc.freeze``): every full collection walked all the objects the app holds, though none of
    them is the pull's garbage, and took a fifth of a first pull's time. What the pull makes and drops
    is still collected."""
    gc.collect()
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()


class Known:
    """Which op ids this store has applied: pulled ones (applied_op) and its own (outbox)."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self.cache: dict[str, bool] = {}

    def __call__(self, op_id: str) -> bool:
        if op_id not in self.cache:
            applied = self.session.execute(select(AppliedOp.op_id).where(AppliedOp.op_id == op_id)).first()
            own = self.session.execute(select(OutboxOp.op_id).where(OutboxOp.op_id == op_id)).first()
            self.cache[op_id] = applied is not None or own is not None
        return self.cache[op_id]

    def preload(self, op_ids: Iterable[str]) -> None:
        wanted = [i for i in op_ids if i not in self.cache]
        for start in range(0, len(wanted), 500):
            chunk = wanted[start : start + 500]
            found = set(self.session.scalars(select(AppliedOp.op_id).where(AppliedOp.op_id.in_(chunk))))
            found |= set(self.session.scalars(select(OutboxOp.op_id).where(OutboxOp.op_id.in_(chunk))))
            for op_id in chunk:
                self.cache[op_id] = op_id in found

    def add(self, op_id: str) -> None:
        self.cache[op_id] = True


def when(stamp: int) -> dt.datetime:
    return dt.datetime.fromtimestamp(stamp_millis(stamp) / 1000, dt.UTC)


def write_op(
    session: Session,
    obj: Syncable,
    kind: str,
    fields: dict[str, FieldChange],
    *,
    user_id: str,
    device_id: str,
    saw: Iterable[str] = (),
) -> merge.ApplyResult:
    """Queues and applies one op on ``obj`` in a session that capture skips (``REMOTE``)."""
    spec = SCHEMA[obj.__tablename__]  # type: ignore[attr-defined]
    clock = load_clock(session)
    tick = clock.tick()
    op = Op(
        op_id=op_id_for(tick, device_id),
        table=spec.name,
        row_id=obj.id,
        family_id=getattr(obj, "family_id", None),
        kind=kind,
        stamp=tick,
        device=device_id,
        user=user_id,
        fields={k: WireField(value=c.value, base=c.base) for k, c in fields.items()},
        saw=sorted(saw),
    )
    session.add(
        OutboxOp(
            op_id=op.op_id,
            table_name=spec.name,
            row_id=obj.id,
            family_id=op.family_id,
            user_id=user_id,
            payload=op.model_dump(mode="json"),
        )
    )
    state = row_state(obj, spec)
    result = merge.apply(spec, state, op.view())
    store_state(obj, spec, state)
    for entry in result.history:
        session.add(
            FieldHistory(
                table_name=spec.name,
                row_id=obj.id,
                field=entry.key,
                version=entry.version,
                value=entry.value,
                reason=entry.reason,
            )
        )
    obj.updated_at = when(tick)
    obj.updated_by = user_id
    save_clock(session, clock)
    return result
