"""Scope digests, computed the same way on the server and on a laptop.

A row contributes a 128-bit hash of its replication metadata (version, frontiers, unseen, deletes'
saw-lists: everything that says which ops it has absorbed; never the values, so nothing personal is
hashed). A bucket (a hub's families, the reference data, the directory) is the XOR of its rows, split
into parts (one per family, or per table) so a mismatch can be narrowed down and repaired by merging.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from typing import Any

from sync.merge import RowState, Scope

ZERO = "0" * 32


def row_hash(state: RowState) -> int:
    meta = state.meta_json() or {}
    body = json.dumps(
        [state.table, state.row_id, state.version, {k: meta.get(k) for k in sorted(meta) if k != "others"}],
        sort_keys=True,
        separators=(",", ":"),
    )
    return int.from_bytes(hashlib.sha256(body.encode()).digest()[:16], "big")


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
