"""Scope digests, computed the same way on the server and on a laptop.

A row contributes a 128-bit hash of its replication metadata (version, frontiers, unseen, deletes'
saw-lists: everything that says which ops it has absorbed; never the values, so nothing personal is
hashed). A bucket (a hub's families, the reference data, the directory) is the XOR of its rows, split
into parts (one per family, or per table) so a mismatch can be narrowed down and repaired by merging.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable, Mapping
from typing import Any

import orjson

from sync.merge import RowState, Scope

ZERO = "0" * 32
# printable ASCII (what version ids and field names are made of) orjson writes as the standard library
# does; a row with anything else in its metadata is hashed from the standard library's text
_PRINTABLE = re.compile(rb"[ -~]*")
HASHED = ("frontier", "unseen", "saw", "redacted")  # a row's metadata that says which ops it absorbed


def row_hash(state: RowState) -> int:
    return meta_hash(state.table, state.row_id, state.version, state.meta_json())


def meta_hash(table: str, row_id: str, version: str | None, meta: Mapping[str, Any] | None) -> int:
    """A row's 128-bit hash from its stored metadata (as ``RowState.meta_json`` makes it), without
    building the row: a laptop's digest check hashes every row it holds."""
    meta = meta or {}
    body = [table, row_id, version, {k: meta[k] for k in sorted(HASHED) if meta.get(k)}]
    text = orjson.dumps(body, option=orjson.OPT_SORT_KEYS)
    if not _PRINTABLE.fullmatch(text):  # the standard library escapes these as \uXXXX: hash its text
        text = json.dumps(body, sort_keys=True, separators=(",", ":")).encode()
    return int.from_bytes(hashlib.sha256(text).digest()[:16], "big")


def bucket_of(scope: str, hub_id: str | None) -> str | None:
    """The bucket a row's hash goes to; None for rows that never travel back (audit)."""
    if scope == Scope.FAMILY:
        return f"hub:{hub_id or ''}"
    if scope in (Scope.REFERENCE, Scope.DIRECTORY):
        return str(scope)
    return None


def part_of(scope: str, table: str, family_id: str | None) -> str:
    return (family_id or "") if scope == Scope.FAMILY else table


def xor_hex(a: str, b: int) -> str:
    return f"{int(a, 16) ^ b:032x}"


def combine(values: Iterable[int]) -> str:
    total = 0
    for value in values:
        total ^= value
    return f"{total:032x}"


def as_json(state: Any) -> RowState:
    return state if isinstance(state, RowState) else RowState.from_json(state)
