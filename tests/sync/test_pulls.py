"""Pull pages spliced from ready blocks are exactly the compact wire form (plain or gzip), and read back as
the ops."""

from __future__ import annotations

import gzip

import orjson
from hypothesis import given, settings
from hypothesis import strategies as st

from sync.clock import op_id_for
from sync.protocol import Op, OpKind, PullResponse, WireField, compact_dicts
from sync.server.pulls import Blocks, Page, fragment, join_ops, make_block, runs

DEVICES = ("0123456789abcdef", "fedcba9876543210")
NAMES = st.sampled_from(["Zoë Ó Briain", "Siân Llŷr", 'quote " and \\ slash', "", None, 7, True])


@st.composite
def op_lists(draw: st.DrawFn) -> list[Op]:
    ops: list[Op] = []
    stamp = draw(st.integers(0, 1 << 40))
    for n in range(draw(st.integers(0, 12))):
        stamp += draw(st.sampled_from([1, 1, 1, 2, 500]))
        device = draw(st.sampled_from(DEVICES))
        table = draw(st.sampled_from(["family", "person", "contact"]))
        row_id = f"row-{draw(st.integers(0, 3))}"
        op_id = op_id_for(stamp, device) if draw(st.booleans()) else f"{n:032x}"
        bases = draw(st.lists(st.sampled_from([op_id, f"{3:032x}"]), max_size=2))  # as the wire has them
        ops.append(
            Op(
                op_id=op_id,
                table=table,
                row_id=row_id,
                family_id=row_id if table == "family" else draw(st.sampled_from([None, "f-1"])),
                kind=draw(st.sampled_from(["insert", "update", "delete"])),
                stamp=stamp,
                device=device,
                user=draw(st.sampled_from(["u-1", "u-2"])),
                fields={"display_name": WireField(value=draw(NAMES), base=bases)}
                if draw(st.booleans())
                else {},
                saw=draw(st.lists(st.just(f"{5:032x}"), max_size=1)),
            )
        )
    return ops


@settings(max_examples=300, deadline=None)
@given(op_lists(), st.lists(st.integers(1, 4), max_size=12), st.booleans())
def test_a_spliced_page_is_the_compact_form_plain_or_gzip_and_reads_back_as_the_same_ops(
    ops: list[Op], sizes: list[int], more: bool
) -> None:
    stored = [op.model_dump_json(exclude_defaults=True) for op in ops]  # as the server logs them
    fragments = [fragment(p) for p in stored]
    blocks, start = [], 0
    for size in [*sizes, len(fragments)]:  # the page cut into runs of any length
        if start < len(fragments):
            blocks.append(make_block(fragments[start : start + size]))
            start += size
    page = Page.of(PullResponse(ops=[], cursor="c-1", more=more, left=["f-9"]), blocks)
    body = page.body()
    assert orjson.loads(body)["ops"] == compact_dicts([orjson.loads(p) for p in stored])
    assert page.ops_json() == join_ops(fragments)
    assert gzip.decompress(page.gzipped()) == body
    read = PullResponse.model_validate_json(body)
    assert (read.ops, read.cursor, read.more, read.left) == (ops, "c-1", more, ["f-9"])


def one_op(
    table: str, row_id: str, kind: OpKind, fields: dict[str, WireField], family_id: str | None = None
) -> Op:
    return Op(
        op_id=op_id_for(10, DEVICES[0]),
        table=table,
        row_id=row_id,
        family_id=family_id,
        kind=kind,
        stamp=10,
        device=DEVICES[0],
        user="u-1",
        fields=fields,
    )


def test_runs_are_consecutive_numbers_from_one_device() -> None:
    rows = [(5, "a"), (6, "a"), (7, "b"), (8, "b"), (10, "b"), (11, "a"), (12, "a")]
    assert runs(rows) == [(5, 6), (7, 8), (10, 10), (11, 12)]
    assert runs([]) == []


def test_blocks_are_reused_until_a_redaction_moves_the_mark_and_an_older_snapshot_adds_none() -> None:
    first = one_op("contact", "c-1", "insert", {"note": WireField(value="a secret")}, family_id="f-1")
    purged = first.model_copy(update={"fields": {"note": WireField(value="")}})
    secret = {(1, 1): make_block([fragment(first.model_dump_json())])}
    clean = {(1, 1): make_block([fragment(purged.model_dump_json())])}
    blocks = Blocks()
    assert blocks.get("mark-1", [(1, 1)]) == {}
    blocks.add("mark-1", secret)
    assert blocks.get("mark-1", [(1, 1), (2, 3)]) == secret  # served from memory under the same mark
    # a redaction moved the mark: nothing made before it is served
    assert blocks.get("mark-2", [(1, 1)]) == {}
    # a pull still reading the snapshot before the redaction does not put the secret back
    blocks.add("mark-1", secret)
    assert blocks.get("mark-2", [(1, 1)]) == {}
    blocks.add("mark-2", clean)
    served = blocks.get("mark-2", [(1, 1)])
    assert served == clean
    assert b"a secret" not in Page.of(PullResponse(ops=[], cursor="c", more=False), served.values()).body()


def test_blocks_kept_are_bounded_by_their_ops() -> None:
    op = one_op("family", "f-1", "update", {})
    one = make_block([fragment(op.model_dump_json())] * 3)
    blocks = Blocks(size=7)
    blocks.get("m", [])  # the mark the pulls are reading
    blocks.add("m", {(1, 3): one, (4, 6): one, (7, 9): one})
    assert list(blocks.get("m", [(1, 3), (4, 6), (7, 9)])) == [(4, 6), (7, 9)]  # the oldest went first


@settings(max_examples=100, deadline=None)
@given(op_lists())
def test_the_client_sends_ops_the_server_reads_back_whole(ops: list[Op]) -> None:
    from sync.client import _dumps
    from sync.protocol import PushRequest

    body = PushRequest(sync_id="5ca1ab1e", ops=ops)
    sent = _dumps(body.wire())
    assert orjson.loads(sent) == body.wire()
    assert PushRequest.model_validate_json(sent) == body


def test_the_client_sends_integers_beyond_64_bits_too() -> None:
    from sync.client import _dumps

    assert orjson.loads(_dumps({"value": 7})) == {"value": 7}
    assert (
        _dumps({"value": 1 << 70, "name": "Siân Llŷr"})
        == '{"value":1180591620717411303424,"name":"Siân Llŷr"}'.encode()
    )
