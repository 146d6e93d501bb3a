"""Pull pages joined from ready fragments are exactly the compact wire form, and read back as the ops."""

from __future__ import annotations

import orjson
from hypothesis import given, settings
from hypothesis import strategies as st

from sync.clock import op_id_for
from sync.protocol import Op, PullResponse, WireField, compact_dicts
from sync.server.pulls import Fragments, fragment, join_ops

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
@given(op_lists())
def test_a_joined_page_is_the_compact_form_and_reads_back_as_the_same_ops(ops: list[Op]) -> None:
    stored = [op.model_dump_json(exclude_defaults=True) for op in ops]  # as the server logs them
    joined = join_ops([fragment(p) for p in stored])
    assert orjson.loads(joined) == compact_dicts([orjson.loads(p) for p in stored])
    page = PullResponse.model_validate_json(b'{"ops":' + joined + b',"cursor":"c","more":false}')
    assert page.ops == ops


def test_fragments_are_reused_until_a_redaction_moves_the_mark_and_an_older_snapshot_adds_none() -> None:
    first = Op(
        op_id=op_id_for(10, DEVICES[0]),
        table="contact",
        row_id="c-1",
        family_id="f-1",
        kind="insert",
        stamp=10,
        device=DEVICES[0],
        user="u-1",
        fields={"note": WireField(value="a secret")},
    )
    purged = first.model_copy(update={"fields": {"note": WireField(value="")}})
    fragments = Fragments()
    served = fragments.page("mark-1", [(1, first.model_dump_json())])
    # the same seq read again under the same mark is served from memory, not the payload passed
    assert fragments.page("mark-1", [(1, purged.model_dump_json())]) == served
    # a redaction moved the mark: the purged op is read from the database again
    after = fragments.page("mark-2", [(1, purged.model_dump_json())])
    assert b"a secret" not in join_ops(after)
    # a pull still reading the snapshot before the redaction does not put the secret back
    fragments.page("mark-1", [(1, first.model_dump_json())])
    assert b"a secret" not in join_ops(fragments.page("mark-2", [(1, purged.model_dump_json())]))


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
