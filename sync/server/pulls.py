"""Serving pulls: a page of the hub's ops after a laptop's cursor, in the compact wire form.

Twenty laptops of a hub pull mostly the same ops, so each process keeps what it has served as ready
``Block``s: a run of ops with consecutive sequence numbers pushed by one device (normally one push),
already joined into wire bytes. A page is then spliced together from blocks rather than read, parsed,
compacted and dumped again for every laptop; the database is asked only which sequence numbers a page
holds, and for the payloads of runs not yet in memory. Within a block every op but the first depends only
on the ops before it in the block (the carried keys and the stamp delta, see ``sync.protocol``), so
those are joined once; the first op is rendered against whatever precedes it in each page. The bytes are
exactly what ``compact_dicts`` would make.

The page is compressed whole, in the request's worker thread. (Blocks compressed once as independent
deflate segments and spliced were tried: 25.3 kB instead of 14.1 kB for a 950-op page, since every block
then pays again for the strings all ops share.)

Stored ops change only when a redaction purges a value from them; the purge also moves a generation
mark in ``meta`` (``PURGED``), and a pull that sees a new mark in its snapshot empties the blocks.
"""

from __future__ import annotations

import base64
import json
import threading
from collections import OrderedDict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import orjson
from sqlalchemy import Connection
from zlib_ng import zlib_ng

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
# a 950-op page (208 kB): 13.2 kB in 1.06 ms with zlib-ng at level 5; the stdlib's zlib took 1.76 ms for
# 14.9 kB at level 5, 0.79 ms for 16.8 kB at level 1 (zlib-ng at level 4: 14.8 kB in 0.86 ms)
GZIP_LEVEL = 5


def render(item: Fragment, before: tuple[Any, ...] | None, previous: int) -> bytes:
    """One op of a page, after the op whose carried keys are ``before`` and whose stamp is ``previous``."""
    head: list[bytes] = []
    for n, value in enumerate(item.carried):
        if before is None or before[n] != value:
            head.append(_KEYS[n] + orjson.dumps(value))
    if item.stamp - previous != 1:
        head.append(b'"ds":' + str(item.stamp - previous).encode())
    if item.body:
        head.append(item.body)
    return b"{" + b",".join(head) + b"}"


def join_ops(fragments: list[Fragment]) -> bytes:
    """A JSON array of ops in the compact wire form (the same as ``compact_dicts`` on the stored ops)."""
    parts: list[bytes] = []
    before: tuple[Any, ...] | None = None
    previous = 0
    for item in fragments:
        parts.append(render(item, before, previous))
        before, previous = item.carried, item.stamp
    return b"[" + b",".join(parts) + b"]"


@dataclass(frozen=True, slots=True)
class Block:
    """A run of ops with consecutive sequence numbers from one device, ready for the wire."""

    first: Fragment  # rendered against whatever op comes before it in a page
    carried: tuple[Any, ...]  # the last op's carried keys and stamp: what the next block follows
    stamp: int
    rest: bytes  # the other ops, each as ",{...}", joined
    count: int


def make_block(fragments: list[Fragment]) -> Block:
    rest = b"".join(
        b"," + render(item, before.carried, before.stamp)
        for before, item in zip(fragments, fragments[1:], strict=False)
    )
    last = fragments[-1]
    return Block(fragments[0], last.carried, last.stamp, rest, len(fragments))


def block_of(payloads: dict[int, Any], run: tuple[int, int]) -> Block:
    """The block of a run (first, last sequence number) of stored ops, from their payloads by number."""
    first, last = run
    return make_block([fragment(payloads[seq]) for seq in range(first, last + 1)])


def runs(rows: Iterable[Any]) -> list[tuple[int, int]]:
    """(first, last) sequence numbers of the runs of rows (seq, device) with consecutive numbers and one
    device: what a page's blocks are."""
    found: list[tuple[int, int]] = []
    device: Any = None
    for seq, by in rows:
        if found and seq == found[-1][1] + 1 and by == device:
            found[-1] = (found[-1][0], seq)
        else:
            found.append((seq, seq))
        device = by
    return found


class Blocks:
    """Ready blocks by (first, last) sequence number, for one process (bounded by ops, oldest first)."""

    def __init__(self, size: int = 100_000) -> None:
        self.size = size
        self.generation: str | None = None
        self._items: OrderedDict[tuple[int, int], Block] = OrderedDict()
        self._ops = 0
        self._lock = threading.Lock()

    def get(self, generation: str, wanted: list[tuple[int, int]]) -> dict[tuple[int, int], Block]:
        """The blocks already made of ``wanted`` runs, for a snapshot whose purge mark is ``generation``."""
        with self._lock:
            if generation != self.generation:
                self._items.clear()
                self._ops = 0
                self.generation = generation
            return {key: self._items[key] for key in wanted if key in self._items}

    def add(self, generation: str | None, made: dict[tuple[int, int], Block]) -> None:
        with self._lock:
            # an older snapshot's ops may not have been purged yet: only the current mark's are kept
            if generation != self.generation:
                return
            for key, block in made.items():
                if key not in self._items:
                    self._items[key] = block
                    self._ops += block.count
            while self._ops > self.size and self._items:
                self._ops -= self._items.popitem(last=False)[1].count


@dataclass(frozen=True)
class Page:
    """A pull page: the response without its ops, and the blocks of ops to splice into it."""

    response: PullResponse  # everything but the ops
    blocks: tuple[Block, ...]

    @classmethod
    def of(cls, response: PullResponse, blocks: Iterable[Block]) -> Page:
        return cls(response, tuple(blocks))

    @property
    def more(self) -> bool:
        return self.response.more

    @property
    def count(self) -> int:
        return sum(block.count for block in self.blocks)

    def _heads(self) -> list[bytes]:
        """Each block's first op as it follows the block before it in this page."""
        heads: list[bytes] = []
        before: tuple[Any, ...] | None = None
        previous = 0
        for block in self.blocks:
            heads.append(render(block.first, before, previous))
            before, previous = block.carried, block.stamp
        return heads

    def _tail(self) -> bytes:
        rest = orjson.dumps(self.response.model_dump(mode="json", exclude_defaults=True, exclude={"ops"}))
        return b"," + rest[1:] if len(rest) > 2 else b"}"

    def ops_json(self) -> bytes:
        parts = [head + block.rest for head, block in zip(self._heads(), self.blocks, strict=True)]
        return b"[" + b",".join(parts) + b"]"

    def body(self) -> bytes:
        return b'{"ops":' + self.ops_json() + self._tail()

    def gzipped(self) -> bytes:
        return gzip_page(self.body())


def gzip_page(body: bytes) -> bytes:
    """An answer gzip'd at the level chosen for pages (the server's answers are compressed so alike)."""
    return zlib_ng.compress(body, GZIP_LEVEL, wbits=16 + zlib_ng.MAX_WBITS)


# (seq, device) of the ops a laptop of :hub pulls after :after: the hub's family ops and everyone's
# reference and directory ops, but not its own. Two index range scans merged in order, so a pull reads its
# own hub's ops, not every hub's since its cursor. Only family ops carry a hub: asking for the hub alone
# leaves the planner one index to use, even while its statistics still describe an empty table. There is
# no upper bound: the pull reads in one snapshot, whose newest op is the head it reports.
PAGE = (
    "SELECT seq, device_id FROM ("
    "SELECT seq, device_id FROM (SELECT seq, device_id FROM ops WHERE hub_id = :hub AND seq > :after "
    "AND device_id <> :device ORDER BY seq LIMIT :limit) AS own "
    "UNION ALL "
    "SELECT seq, device_id FROM (SELECT seq, device_id FROM ops WHERE scope IN ('reference', 'directory') "
    "AND seq > :after AND device_id <> :device ORDER BY seq LIMIT :limit) AS shared"
    ") AS page ORDER BY seq LIMIT :limit"
)
# the head (its number and op id), the purge mark, and the id of the op at the laptop's cursor (none at 0)
_TOP = (
    "SELECT head.seq, head.op_id, (SELECT value FROM meta WHERE key = :purged), "
    "(SELECT op_id FROM ops WHERE seq = :after) "
    "FROM (SELECT 1) AS one LEFT JOIN (SELECT seq, op_id FROM ops ORDER BY seq DESC LIMIT 1) AS head ON 1 = 1"
)
_MOVES = (
    "SELECT c.family_id, f.hub_id FROM scope_changes c JOIN families f ON f.family_id = c.family_id "
    "WHERE c.seq > :after AND (c.old_hub = :hub OR c.new_hub = :hub) AND c.old_hub IS NOT NULL "
    "ORDER BY c.seq"
)
_DIGESTS = "SELECT bucket, value FROM digests WHERE part = '' AND bucket IN (:own, 'reference', 'directory')"
_OP_ID = "SELECT op_id FROM ops WHERE seq = :seq"


class Puller:
    """Reads pull pages, each in one snapshot, for the server whose identity is ``epoch``/``signing_key``."""

    def __init__(self, epoch: str, signing_key: bytes, blocks: Blocks | None = None) -> None:
        self.epoch = epoch
        self.signing_key = signing_key
        self.blocks = blocks or Blocks()

    def page(self, conn: Connection, device: db.Record, cursor: str | None, limit: int) -> Page:
        hub = device["hub_id"]
        position = self.read_cursor(cursor)
        if position is None:
            return self.reset()
        after, after_op = position
        # all it reads, sent together in one snapshot (on PostgreSQL with its BEGIN and COMMIT); what is
        # read after a cursor this server no longer matches is not used. What may follow, the id of a
        # page's last op and the payloads of runs not in memory, is read after: neither changes once
        # logged (a redaction's purge moves the generation read here, and the blocks made are dropped)
        page = {"hub": hub, "device": device["device_id"], "after": after, "limit": limit + 1}
        reads = [(_TOP, {"purged": PURGED, "after": after}), (PAGE, page), (_DIGESTS, {"own": f"hub:{hub}"})]
        if after:
            reads.append((_MOVES, {"after": after, "hub": hub}))
        (top,), rows, digests, *since_cursor = db.run_many(conn, reads, snapshot=True)
        (moves,) = since_cursor or ([],)
        head, head_op, generation = int(top[0] or 0), str(top[1] or ""), str(top[2] or "")
        if after and (after > head or top[3] is None or str(top[3])[:12] != after_op):
            return self.reset()  # this server lost ops the laptop had (restored from a backup)
        entered: list[str] = []
        left: list[str] = []
        for family_id, now_hub in moves:
            target = entered if now_hub == hub else left
            if family_id not in target:
                target.append(family_id)
        more = len(rows) > limit
        rows = rows[:limit]
        upto, upto_op = (rows[-1][0], self.op_id(conn, rows[-1][0])) if more else (head, head_op)
        message = None
        if device["status"] == "retire":
            message = auth.sign_message(self.signing_key, "retire", device["device_id"], now_ms())
        response = PullResponse(
            ops=[],
            cursor=self.cursor(upto, upto_op),
            more=more,
            entered=entered,
            left=left,
            digest=None if more else dict(digests),
            message=message,
        )
        return Page.of(response, self.read_blocks(conn, generation, runs(rows)))

    def reset(self) -> Page:
        """The answer to a cursor this server no longer matches: start again from the beginning."""
        return Page.of(PullResponse(ops=[], cursor=self.cursor(0, ""), more=True, reset=True), [])

    def read_blocks(self, conn: Connection, generation: str, wanted: list[tuple[int, int]]) -> list[Block]:
        """The blocks of ``wanted`` runs: from memory, or made from the payloads of the runs it lacks."""
        found = self.blocks.get(generation, wanted)
        missing = [key for key in wanted if key not in found]
        made: dict[tuple[int, int], Block] = {}
        for start in range(0, len(missing), 200):
            chunk = missing[start : start + 200]
            ranges = " OR ".join(f"seq BETWEEN :f{n} AND :l{n}" for n in range(len(chunk)))
            bounds = {
                f"{end}{n}": seq for n, run in enumerate(chunk) for end, seq in zip("fl", run, strict=True)
            }
            payloads = dict(db.run(conn, f"SELECT seq, payload FROM ops WHERE {ranges}", bounds))
            made.update((run, block_of(payloads, run)) for run in chunk)
        if made:
            self.blocks.add(generation, made)
        return [found.get(key) or made[key] for key in wanted]

    def seed(self, logged: list[tuple[int, str, str]]) -> None:
        """Makes the blocks of ops this process has just logged and committed, (sequence number, device,
        payload as stored) of those one hub's laptops pull, as a page of theirs would find them: the
        other laptops' pulls then find them ready, not read from the database. Kept under the purge mark
        the blocks hold now: a redaction that moved it since empties them at the next pull that sees it,
        and a pull that has not seen it reads the same payloads (nothing purged them yet)."""
        payloads = {seq: payload for seq, _, payload in logged}
        made = {run: block_of(payloads, run) for run in runs((seq, device) for seq, device, _ in logged)}
        if made:
            self.blocks.add(self.blocks.generation, made)

    @staticmethod
    def op_id(conn: Connection, seq: int) -> str:
        found = db.run(conn, _OP_ID, {"seq": seq})
        return str(found[0][0]) if found else ""

    def cursor(self, seq: int, op_id: str) -> str:
        """The opaque position after op ``seq`` (whose id it also carries, to notice a restored server)."""
        raw = json.dumps({"e": self.epoch, "s": seq, "o": op_id[:12]}, separators=(",", ":"))
        return base64.urlsafe_b64encode(raw.encode()).decode()

    def read_cursor(self, cursor: str | None) -> tuple[int, str] | None:
        """The sequence number a cursor stands for and the start of that op's id (0 and "" for none), or
        None for another server's (that laptop starts again); CursorError for one no server wrote."""
        if not cursor:
            return 0, ""
        try:
            data = json.loads(base64.urlsafe_b64decode(cursor.encode()))
            epoch, seq, op_id = str(data["e"]), int(data["s"]), str(data["o"])
        except (ValueError, KeyError, TypeError) as exc:
            raise CursorError("The sync position sent is not one this server wrote.") from exc
        return (seq, op_id) if epoch == self.epoch and seq >= 0 else None
