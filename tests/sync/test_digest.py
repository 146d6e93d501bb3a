"""Row hashes: the fast path (orjson) must hash exactly the bytes the first servers and laptops hashed.

A server keeps each row's hash and moves its digests by XOR-ing old hashes out, so a hash that came out
different for the same row after an upgrade would leave every digest wrong until a repair."""

from __future__ import annotations

import hashlib
import json
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from sync.digest import meta_hash, row_hash
from sync.merge import RowState


def first_row_hash(state: RowState) -> int:
    """The hash as the first release made it (the standard library's JSON of the metadata)."""
    meta = state.meta_json() or {}
    body = json.dumps(
        [state.table, state.row_id, state.version, {k: meta.get(k) for k in sorted(meta) if k != "others"}],
        sort_keys=True,
        separators=(",", ":"),
    )
    return int.from_bytes(hashlib.sha256(body.encode()).digest()[:16], "big")


ASCII = st.text(st.characters(min_codepoint=0, max_codepoint=0x7F), max_size=12)
ANY_TEXT = st.one_of(ASCII, st.text(max_size=12))  # now and then non-ASCII, DEL, control characters
VERSIONS = st.lists(ANY_TEXT, max_size=3)
KEYED = st.dictionaries(ANY_TEXT, VERSIONS, max_size=3)


@st.composite
def states(draw: st.DrawFn) -> RowState:
    state = RowState(draw(ASCII), draw(ANY_TEXT), draw(st.one_of(st.none(), ANY_TEXT)))
    state.frontier = draw(KEYED)
    state.unseen = draw(KEYED)
    state.saw = draw(KEYED)
    state.redacted = draw(KEYED)
    state.others = draw(st.dictionaries(ASCII, st.dictionaries(ASCII, st.integers()), max_size=2))
    return state


@settings(max_examples=1500, deadline=None)
@given(states())
def test_row_hash_is_the_first_releases(state: RowState) -> None:
    assert row_hash(state) == first_row_hash(state)


@settings(max_examples=300, deadline=None)
@given(states(), st.booleans())
def test_stored_metadata_hashes_as_its_row(state: RowState, deleted: bool) -> None:
    """A laptop hashes the metadata as stored (with its own "deleted" mark) without building the row."""
    stored: dict[str, Any] = dict(state.meta_json() or {})
    if deleted:
        stored["deleted"] = True
    stored = json.loads(json.dumps(stored))  # as read back from the store
    assert meta_hash(state.table, state.row_id, state.version, stored or None) == first_row_hash(state)


def test_a_typical_row_takes_the_fast_path_and_the_same_hash() -> None:
    state = RowState("person", "6620aed0-0fc8-409e-a371-77a1b61e8b90", "01a2085b84750000.098f543fc0efdeed.x")
    state.frontier = {"display_name": ["01a2085b84750004.098f543fc0efdeed.y", "01a2085b84750005.aa.z"]}
    state.others = {"display_name": {"01a2085b84750004.098f543fc0efdeed.y": "Siân Llŷr"}}
    assert row_hash(state) == first_row_hash(state)
    state.others = {}
    assert row_hash(state) == first_row_hash(state)  # what is shown or kept aside is never hashed
