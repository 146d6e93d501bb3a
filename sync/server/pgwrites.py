"""PostgreSQL: a push's writes and its numbering travel to the database as one message.

A push's row states, families and moved ops are written by a few statements that each read their rows
from one JSON document (dumped in C, parsed by PostgreSQL), not by an ``executemany`` the driver sends
row by row. They are queued, then sent with the numbering statement and the COMMIT in one message of the
simple protocol: one round trip, and the counter row is locked only while PostgreSQL works, never while
this busy process gets round to saying COMMIT. The documents travel as dollar-quoted constants.

The numbering statement reads the counter row first in every part, so its lock is always taken before
any digest row's (no deadlock) and is the only wait: pushes queue once, for one round trip.
"""

from __future__ import annotations

import re
import secrets
from typing import Any

import orjson
from sqlalchemy import Connection

from sync.server import db

_PLACEHOLDER = re.compile(r"\{(\w+)\}")
ROW = "table_name text, row_id text, family_id text, scope text, state text, row_hash text"
FAMILY = "family_id text, hub_id text, deleted boolean"
OP_COLUMNS = (
    "op_id",
    "digest",
    "table_name",
    "row_id",
    "family_id",
    "scope",
    "device_id",
    "user_id",
    "hub_id",
)


def _xor_half(start: int) -> str:
    def half(column: str) -> str:
        return f"CAST(CAST('x' || substr({column}, {start}, 16) AS bit(64)) AS bigint)"

    return f"lpad(to_hex({half('digests.value')} # {half('EXCLUDED.value')}), 16, '0')"


# digests.value xor the new value, both 32 hex digits, in SQL (two 64-bit halves)
XOR_HEX = f"{_xor_half(1)} || {_xor_half(17)}"

NUMBERING = (
    "WITH n AS (UPDATE meta SET value = CAST(CAST(value AS BIGINT) + {n} AS TEXT) WHERE key = 'seq' "
    "RETURNING CAST(value AS BIGINT) - {n} AS base), "
    "o AS (INSERT INTO ops (seq, " + ", ".join(OP_COLUMNS) + ", payload, received_ms) "
    "SELECT n.base + v.ord, " + ", ".join(f"v.{c}" for c in OP_COLUMNS) + ", v.payload, {now} "
    "FROM n, json_to_recordset(CAST({ops} AS json)) AS v(ord bigint, "
    + ", ".join(f"{c} text" for c in (*OP_COLUMNS, "payload"))
    + ")), "
    "s AS (INSERT INTO scope_changes (seq, family_id, old_hub, new_hub) "
    "SELECT n.base + m.ord, m.family_id, m.old_hub, m.new_hub "
    "FROM n, json_to_recordset(CAST({moves} AS json)) AS m(ord bigint, family_id text, old_hub text, "
    "new_hub text)), "
    "d AS (INSERT INTO digests (bucket, part, value) SELECT g.bucket, g.part, g.value "
    "FROM n, json_to_recordset(CAST({digests} AS json)) AS g(bucket text, part text, value text) "
    f"ORDER BY g.bucket, g.part ON CONFLICT (bucket, part) DO UPDATE SET value = {XOR_HEX}) "
    "SELECT base FROM n"
)


def _document(rows: list[Any]) -> bytes:
    """``rows`` as a JSON array in a dollar-quoted string constant: its bytes go into the message as they
    are, neither escaped here nor unescaped by PostgreSQL (quoting 46 kB as a literal took 166 us; this,
    16 us). The tag is one the text does not hold, and the text ends with "]", so it cannot end a tag."""
    text = orjson.dumps(rows)
    tag = b"$eh$"
    while tag in text:
        tag = b"$eh" + secrets.token_hex(4).encode() + b"$"
    return tag + text + tag


def _statement(template: str, **values: bytes) -> bytes:
    """``template`` with each ``{name}`` in it replaced by its bytes (a document, or a number's digits),
    in one pass over the template: what a document holds is never read as a placeholder."""
    pieces = _PLACEHOLDER.split(template)  # text, name, text, name, ..., text
    return b"".join(values[piece] if n % 2 else piece.encode() for n, piece in enumerate(pieces))


class Writes:
    """The writes of one push, queued to go with its numbering."""

    def __init__(self) -> None:
        self.statements: list[bytes] = []

    def insert_rows(self, rows: list[dict[str, Any]]) -> None:
        self._add(
            "INSERT INTO row_states (table_name, row_id, family_id, scope, state, row_hash) "
            "SELECT r.table_name, r.row_id, r.family_id, r.scope, r.state, r.row_hash "
            f"FROM json_to_recordset(CAST({{rows}} AS json)) AS r({ROW})",
            rows,
        )

    def update_rows(self, rows: list[dict[str, Any]]) -> None:
        """Rows this transaction has locked already (read FOR UPDATE in key order)."""
        self._add(
            "UPDATE row_states SET family_id = r.family_id, scope = r.scope, state = r.state, "
            f"row_hash = r.row_hash FROM json_to_recordset(CAST({{rows}} AS json)) AS r({ROW}) "
            "WHERE row_states.table_name = r.table_name AND row_states.row_id = r.row_id",
            rows,
        )

    def insert_families(self, rows: list[dict[str, Any]]) -> None:
        self._add(
            "INSERT INTO families (family_id, hub_id, deleted) SELECT f.family_id, f.hub_id, f.deleted "
            f"FROM json_to_recordset(CAST({{rows}} AS json)) AS f({FAMILY})",
            rows,
        )

    def update_families(self, rows: list[dict[str, Any]]) -> None:
        self._add(
            "UPDATE families SET hub_id = f.hub_id, deleted = f.deleted "
            f"FROM json_to_recordset(CAST({{rows}} AS json)) AS f({FAMILY}) "
            "WHERE families.family_id = f.family_id",
            rows,
        )

    def move_ops(self, rows: list[dict[str, Any]]) -> None:
        """The ops of families that changed hub go with them (pulls read ops by hub)."""
        self._add(
            "UPDATE ops SET hub_id = f.hub_id FROM json_to_recordset(CAST({rows} AS json)) "
            f"AS f({FAMILY}) WHERE ops.family_id = f.family_id AND ops.scope = 'family'",
            rows,
        )

    def _add(self, template: str, rows: list[dict[str, Any]]) -> None:
        if rows:
            self.statements.append(_statement(template, rows=_document(rows)))

    def flush(self, conn: Connection) -> None:
        """Sends what is queued, when no numbering follows."""
        if self.statements:
            self._send(conn, b"; ".join(self.statements))
            self.statements = []

    def number(
        self,
        conn: Connection,
        ops: list[dict[str, Any]],
        moves: list[dict[str, Any]],
        digests: list[dict[str, Any]],
        now: int,
        commit: bool,
    ) -> int:
        """Sends the queued writes, then takes the numbers, logs the ops and scope moves and xors the
        digests (and commits, when ``commit``). Returns the number before the first op's."""
        numbering = _statement(
            NUMBERING,
            n=str(int(len(ops))).encode(),
            now=str(int(now)).encode(),
            ops=_document([{"ord": n, **r} for n, r in enumerate(ops, start=1)]),
            moves=_document(moves),
            digests=_document(digests),
        )
        parts = [*self.statements, numbering]
        if commit:
            parts.append(b"COMMIT")
        self.statements = []
        found = self._send(conn, b"; ".join(parts), result=len(parts) - (2 if commit else 1))
        if found is None:
            raise RuntimeError("the op counter row is missing")
        return int(found[0])

    @staticmethod
    def _send(conn: Connection, query: bytes, result: int | None = None) -> Any:
        """Runs ``query`` (statements joined by ";") and returns the first row of statement ``result``."""
        with db.driver_cursor(conn, "a push's writes and numbering", client=True) as cursor:
            cursor.execute(query)
            if result is None:
                return None
            for _ in range(result):
                cursor.nextset()
            return cursor.fetchone()
