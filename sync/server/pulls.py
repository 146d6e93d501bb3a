"""Serving pulls: a page of the hub's ops after a laptop's cursor, in the compact wire form.

Twenty laptops of a hub pull mostly the same ops, so each process keeps every op it has served as a ready
wire fragment (``Fragments``): a page is then joined from bytes, not parsed, compacted and dumped again
for every laptop. What depends on the op before it in the page (the carried keys and the stamp delta,
see ``sync.protocol``) is added as the page is joined, so the bytes are exactly what ``compact_dicts``
would make.

Stored ops change only when a redaction purges a value from them; the purge also moves a generation
mark in ``meta`` (``PURGED``), and a pull that sees a new mark in its snapshot empties the fragments.
"""

from __future__ import annotations

import base64
import json
import threading
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any

import orjson
from sqlalchemy import Connection, RowMapping, select, union_all

from sync import auth
from sync.clock import op_id_for
from sync.protocol import CARRIED, PullResponse, compact_fields
from sync.server import db
from sync.server.accounts import now_ms

PURGED = "purged"  # meta key: changes whenever a redaction rewrites stored ops


class CursorError(ValueError):
    """The cursor sent is not one this server wrote."""


@dataclass(frozen=True, slots=True)
class Fragment:
    """One stored op, ready for the wire: the keys carried from op to op, its stamp, and the rest."""

    carried: tuple[Any, ...]  # table, kind, device, user (as CARRIED)
    stamp: int
    body: bytes  # the other keys, compacted, as JSON object members without the braces


def fragment(payload: str | bytes) -> Fragment:
    """The wire fragment of a stored op (its canonical JSON)."""
    data = orjson.loads(payload)
    carried = tuple(data.pop(key, None) for key in CARRIED)
    stamp = int(data.pop("stamp", 0))
    if data.get("op_id") == op_id_for(stamp, str(carried[2])):
        del data["op_id"]
    if carried[0] == "family" and data.get("family_id") == data.get("row_id"):
        data.pop("family_id", None)
    data["fields"] = compact_fields(data.get("fields", {}))
    return Fragment(carried, stamp, orjson.dumps(data)[1:-1])


_KEYS = tuple(b'"' + key.encode() + b'":' for key in CARRIED)
_UNSET = object()


def join_ops(fragments: list[Fragment]) -> bytes:
    """A JSON array of ops in the compact wire form (the same as ``compact_dicts`` on the stored ops)."""
    out: list[bytes] = []
    before: list[Any] = [_UNSET] * len(CARRIED)
    previous = 0
    for item in fragments:
        head: list[bytes] = []
        for n, value in enumerate(item.carried):
            if before[n] is _UNSET or before[n] != value:
                head.append(_KEYS[n] + orjson.dumps(value))
                before[n] = value
        if item.stamp - previous != 1:
            head.append(b'"ds":' + str(item.stamp - previous).encode())
        previous = item.stamp
        if item.body:
            head.append(item.body)
        out.append(b"{" + b",".join(head) + b"}")
    return b"[" + b",".join(out) + b"]"


class Fragments:
    """Wire fragments of ops by sequence number, for one process (bounded, oldest dropped first)."""

    def __init__(self, size: int = 100_000) -> None:
        self.size = size
        self.generation: str | None = None
        self._items: OrderedDict[int, Fragment] = OrderedDict()
        self._lock = threading.Lock()

    def page(self, generation: str, rows: list[Any]) -> list[Fragment]:
        """The fragments of ``rows`` (seq, payload), read in a snapshot whose purge mark is ``generation``."""
        with self._lock:
            if generation != self.generation:
                self._items.clear()
                self.generation = generation
            cached = [self._items.get(row[0]) for row in rows]
        missing = [(row[0], fragment(row[1])) for row, have in zip(rows, cached, strict=True) if have is None]
        made = dict(missing)
        found = [made[row[0]] if have is None else have for row, have in zip(rows, cached, strict=True)]
        if missing:
            with self._lock:
                # an older snapshot's ops may not have been purged yet: only the current mark's are kept
                if generation == self.generation:
                    self._items.update(missing)
                    while len(self._items) > self.size:
                        self._items.popitem(last=False)
        return found


@dataclass(frozen=True)
class Page:
    """A pull page, already in wire bytes."""

    response: PullResponse  # everything but the ops
    ops: bytes

    @property
    def more(self) -> bool:
        return self.response.more

    def body(self) -> bytes:
        rest = orjson.dumps(self.response.model_dump(mode="json", exclude_defaults=True, exclude={"ops"}))
        return b'{"ops":' + self.ops + (b"," + rest[1:] if len(rest) > 2 else b"}")


class Puller:
    """Reads pull pages, each in one snapshot, for the server whose identity is ``epoch``/``signing_key``."""

    def __init__(self, epoch: str, signing_key: bytes, fragments: Fragments | None = None) -> None:
        self.epoch = epoch
        self.signing_key = signing_key
        self.fragments = fragments or Fragments()

    def page(self, conn: Connection, device: RowMapping, cursor: str | None, limit: int) -> Page:
        hub = device["hub_id"]
        top = conn.execute(
            select(
                select(db.ops.c.seq).order_by(db.ops.c.seq.desc()).limit(1).scalar_subquery(),
                select(db.ops.c.op_id).order_by(db.ops.c.seq.desc()).limit(1).scalar_subquery(),
                select(db.meta.c.value).where(db.meta.c.key == PURGED).scalar_subquery(),
            )
        ).one()
        head, head_op, generation = int(top[0] or 0), str(top[1] or ""), str(top[2] or "")
        after = self.read_cursor(conn, cursor, head, head_op)
        if after is None:
            return Page(PullResponse(ops=[], cursor=self.cursor(0, ""), more=True, reset=True), b"[]")
        entered: list[str] = []
        left: list[str] = []
        if after > 0:
            changes = conn.execute(
                select(db.scope_changes.c.family_id, db.families.c.hub_id)
                .join(db.families, db.families.c.family_id == db.scope_changes.c.family_id)
                .where(db.scope_changes.c.seq > after, db.scope_changes.c.seq <= head)
                .where((db.scope_changes.c.old_hub == hub) | (db.scope_changes.c.new_hub == hub))
                .where(db.scope_changes.c.old_hub.is_not(None))
            ).all()
            for family_id, now_hub in changes:
                target = entered if now_hub == hub else left
                if family_id not in target:
                    target.append(family_id)
        # the hub's family ops and everyone's reference and directory ops: two index range scans merged
        # in order, so a pull reads its own hub's ops, not every hub's since its cursor
        parts = [
            select(db.ops.c.seq, db.ops.c.op_id, db.ops.c.payload)
            .where(db.ops.c.seq > after, db.ops.c.seq <= head, db.ops.c.device_id != device["device_id"])
            .where(where)
            .order_by(db.ops.c.seq)
            .limit(limit + 1)
            .subquery()
            for where in (
                # only family ops carry a hub: asking for the hub alone leaves the planner one index to
                # use, even while its statistics still describe an empty table
                db.ops.c.hub_id == hub,
                db.ops.c.scope.in_(("reference", "directory")),
            )
        ]
        both = union_all(*(select(p) for p in parts)).subquery()
        rows = conn.execute(select(both).order_by(both.c.seq).limit(limit + 1)).all()
        more = len(rows) > limit
        rows = rows[:limit]
        upto, upto_op = (rows[-1].seq, rows[-1].op_id) if more else (head, head_op)
        digest = None
        if not more:
            digest = {
                r.bucket: r.value
                for r in conn.execute(
                    select(db.digests.c.bucket, db.digests.c.value).where(
                        db.digests.c.part == "",
                        db.digests.c.bucket.in_((f"hub:{hub}", "reference", "directory")),
                    )
                )
            }
        message = None
        if device["status"] == "retire":
            message = auth.sign_message(self.signing_key, "retire", device["device_id"], now_ms())
        response = PullResponse(
            ops=[],
            cursor=self.cursor(upto, upto_op),
            more=more,
            entered=entered,
            left=left,
            digest=digest,
            message=message,
        )
        found = self.fragments.page(generation, [(r.seq, r.payload) for r in rows])
        return Page(response, join_ops(found))

    def cursor(self, seq: int, op_id: str) -> str:
        """The opaque position after op ``seq`` (whose id it also carries, to notice a restored server)."""
        raw = json.dumps({"e": self.epoch, "s": seq, "o": op_id[:12]}, separators=(",", ":"))
        return base64.urlsafe_b64encode(raw.encode()).decode()

    def read_cursor(self, conn: Connection, cursor: str | None, head: int, head_op: str) -> int | None:
        """The sequence number a cursor stands for, or None when this server no longer matches it."""
        if not cursor:
            return 0
        try:
            data = json.loads(base64.urlsafe_b64decode(cursor.encode()))
            epoch, seq, op_id = str(data["e"]), int(data["s"]), str(data["o"])
        except (ValueError, KeyError, TypeError) as exc:
            raise CursorError("The sync position sent is not one this server wrote.") from exc
        if epoch != self.epoch or seq > head or seq < 0:
            return None
        if seq:
            found = (
                head_op
                if seq == head
                else conn.execute(select(db.ops.c.op_id).where(db.ops.c.seq == seq)).scalar()
            )
            if found is None or found[:12] != op_id:
                return None
        return seq
