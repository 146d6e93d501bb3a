"""Ops a broken or hostile client might send, and what the server and the laptops of its hub make of them:
a clear refusal, or a merge every laptop can store and verify; never a laptop stuck or failing."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select, update

from earlyhelp_desktop.core.replication import Replicator
from earlyhelp_desktop.core.replication.device import DeviceFile
from earlyhelp_desktop.core.store.models import Family, OutboxOp, Person
from earlyhelp_desktop.core.store.store import Workspace
from sync import errors
from sync.protocol import Op, PullRequest, PushRequest, WireField
from sync.server import db
from sync.server.oplog import Batch, Pusher
from tests.sync.conftest import Laptop, RunningServer, Signed


def enrolled(laptop: Laptop, sync_server: RunningServer) -> tuple[Workspace, DeviceFile, Signed]:
    """Laptop "a", its enrolment, and requests signed as it with any body at all."""
    a = laptop("a")
    client = Replicator(a).client
    device = DeviceFile.load(a.store.directory)
    assert client is not None and client.token and device is not None
    return a, device, Signed(device, client.token, sync_server.url)


def sent(ws: Workspace, row_id: str) -> Op:
    """The first op this laptop sent for ``row_id``, as it sent it."""
    with ws.read() as session:
        row = session.scalars(select(OutboxOp).where(OutboxOp.row_id == row_id)).first()
        assert row is not None
        return Op.model_validate(row.payload)


def envelope(ws: Workspace, device: DeviceFile, **op: object) -> dict[str, object]:
    """An op as a hostile or broken client of this laptop's might send it."""
    return {"device": device.device_id, "user": ws.user.user_id, "stamp": 5} | op


def test_an_op_id_reused_with_other_content_is_kept_aside(laptop: Laptop) -> None:
    a = laptop("a")
    fid = a.services.families.add("Original").id
    assert Replicator(a).run().status == "synced"
    op = sent(a, fid)
    changed = op.model_copy(
        update={
            "fields": {
                **op.fields,
                "display_name": op.fields["display_name"].model_copy(update={"value": "Other"}),
            }
        }
    )
    client = Replicator(a).client
    assert client is not None
    answer = client.push(PushRequest(sync_id="cd" * 8, ops=[changed]))
    assert [p.status for p in answer.problems] == ["kept_aside"]
    assert Replicator(a).run().status == "synced"
    with a.read() as session:
        assert session.get(Family, fid).display_name == "Original"  # type: ignore[union-attr]


def test_an_op_logged_under_the_first_digest_and_sent_again_is_acknowledged_not_kept_aside(
    laptop: Laptop, sync_server: RunningServer
) -> None:
    a = laptop("a")
    fid = a.services.families.add("Zoë Ó Briain").id
    assert Replicator(a).run().status == "synced"
    op = sent(a, fid)
    assert op.digest() != op.legacy_digest()  # the name is not ASCII: the two forms differ
    with sync_server.store.engine.begin() as conn:  # as a server before this one logged it
        conn.execute(update(db.ops).where(db.ops.c.op_id == op.op_id).values(digest=op.legacy_digest()))
    client = Replicator(a).client
    assert client is not None
    answer = client.push(PushRequest(sync_id="cd" * 8, ops=[op]))
    assert (answer.acknowledged, answer.problems) == (1, [])
    renamed = op.fields["display_name"].model_copy(update={"value": "Siân Llŷr"})
    answer = client.push(
        PushRequest(sync_id="ef" * 8, ops=[op.model_copy(update={"fields": {"display_name": renamed}})])
    )
    assert [p.status for p in answer.problems] == ["kept_aside"]


def test_a_value_holding_nan_or_infinity_is_refused_with_a_reason(
    laptop: Laptop, sync_server: RunningServer
) -> None:
    a, device, signed = enrolled(laptop, sync_server)
    op = envelope(
        a,
        device,
        op_id="ab" * 16,
        table="family",
        row_id="F9",
        family_id="F9",
        kind="update",
        fields={"display_name": {"value": [1.5], "base": []}},
    )
    for bad in ("NaN", "Infinity", "1e400"):
        body = json.dumps({"sync_id": "ab" * 8, "ops": [op]}).replace("1.5", bad).encode()
        response = signed.post("/v1/push", body)
        assert response.status_code == 422, response.text
        assert "NaN or infinity" in response.json()["message"]
    with sync_server.store.engine.begin() as conn:
        assert conn.execute(select(db.ops.c.op_id).where(db.ops.c.op_id == op["op_id"])).first() is None


def test_a_new_record_without_its_required_fields_is_refused_and_laptops_keep_syncing(
    laptop: Laptop, sync_server: RunningServer
) -> None:
    a, device, signed = enrolled(laptop, sync_server)
    op = envelope(
        a,
        device,
        op_id="cd" * 16,
        table="family",
        row_id="F1",
        family_id="F1",
        kind="insert",
        fields={"hub_id": {"value": a.home_hub_id}, "display_name": {"value": "Zoë Ó Briain"}},
    )
    response = signed.post("/v1/push", json.dumps({"sync_id": "ab" * 8, "ops": [op]}).encode())
    assert response.status_code == 200, response.text
    [problem] = response.json()["problems"]
    assert (
        problem["status"] == "refused" and "needs" in problem["reason"] and "reference" in problem["reason"]
    )
    # accepted, it reached every laptop of the hub, whose stores cannot hold a family without a reference
    assert Replicator(a).run().status == "synced"
    b = laptop("b")
    assert Replicator(b).run().status == "synced"
    with b.read() as session:
        assert session.get(Family, "F1") is None


def test_an_edit_that_arrives_before_its_record_leaves_every_laptop_verified(
    laptop: Laptop, sync_server: RunningServer
) -> None:
    a, device, signed = enrolled(laptop, sync_server)
    family = {
        "hub_id": a.home_hub_id,
        "display_name": "Llŷr family",
        "reference": "EH-900",
        "confidential_address": False,
        "status": "open",
        "lawful_basis": "public_task",
        "evaluation_opt_out": False,
        "family_id": "F1",
    }
    person = {
        "given_name": "Siân",
        "family_name": "Llŷr",
        "family_name_first": False,
        "interpreter_needed": False,
        "must_not_know_whereabouts": False,
        "family_id": "F1",
    }

    def op(n: int, table: str, row: str, kind: str, values: dict[str, object]) -> dict[str, object]:
        fields = {k: {"value": v} for k, v in values.items()}
        identity = {"op_id": f"{n:032x}", "stamp": 1000 + n, "table": table, "row_id": row}
        return envelope(a, device, **identity, family_id="F1", kind=kind, fields=fields)

    def push(*ops: dict[str, object]) -> None:
        signed.device = DeviceFile.load(a.store.directory) or device  # its counter moved with the syncs
        response = signed.post("/v1/push", json.dumps({"sync_id": "ab" * 8, "ops": list(ops)}).encode())
        assert response.status_code == 200 and response.json().get("problems") is None, response.text

    # a family, then an edit of one of its people whose record the server has not had yet (sent late)
    push(op(1, "family", "F1", "insert", family), op(3, "person", "P1", "update", {"preferred_name": "Sî"}))
    assert [Replicator(a).run().status for _ in range(2)] == ["synced", "synced"]
    b = laptop("b")
    assert Replicator(b).run().status == "synced"
    push(op(2, "person", "P1", "insert", person))  # the record itself arrives
    for ws in (a, b):
        assert Replicator(ws).run().status == "synced"
        with ws.read() as session:
            found = session.get(Person, "P1")
            assert found is not None and not found.deleted
            assert (found.given_name, found.preferred_name, found.family_id) == ("Siân", "Sî", "F1")


def test_a_change_from_the_server_the_laptop_cannot_store_stops_the_sync_with_a_reason(
    laptop: Laptop, sync_server: RunningServer
) -> None:
    a = laptop("a")
    kept = a.services.families.add("Zoë Ó Briain").id  # made offline: still to be sent
    device = DeviceFile.load(a.store.directory)
    assert device is not None
    # a family without the reference every family needs, as a server before this check could have logged
    bad = Op(
        op_id="ef" * 16,
        table="family",
        row_id="F1",
        family_id="F1",
        kind="insert",
        stamp=5,
        device=device.device_id,
        user=a.user.user_id,
        fields={"hub_id": WireField(value=a.home_hub_id), "display_name": WireField(value="Llŷr")},
    )
    with sync_server.store.engine.begin() as conn:
        batch = Batch(conn, Pusher(device.device_id, a.home_hub_id), 60_000, finish=True)
        batch.apply(bad, bad.digest(), bad.view())  # as checked: today's check_op would refuse it
        batch.commit()
    report = Replicator(a).run()
    assert (report.status, report.code) == ("failed", "error")
    assert (
        "could not be stored on this laptop" in report.message
        and "Nothing on this laptop was lost" in report.message
    )
    with a.read() as session:  # the page was rolled back; the offline change is safe (sent before the pull)
        assert session.get(Family, "F1") is None
        assert session.get(Family, kept) is not None


def test_a_push_whose_pull_has_a_forged_cursor_is_refused_before_anything_is_applied(
    laptop: Laptop, sync_server: RunningServer
) -> None:
    a = laptop("a")
    fid = a.services.families.add("Zoë Ó Briain").id
    with a.read() as session:
        ops = [Op.model_validate(r.payload) for r in session.scalars(select(OutboxOp)).all()]
    client = Replicator(a).client
    assert client is not None
    forged = PullRequest(cursor="eyJlIjoibm90LW91cnMi")  # base64 of a truncated JSON object
    with pytest.raises(errors.Refused) as refused:
        client.push(PushRequest(sync_id="ab" * 8, ops=ops, pull=forged))
    assert refused.value.code == "bad_cursor"
    with sync_server.store.engine.begin() as conn:
        assert conn.execute(select(db.ops.c.op_id).where(db.ops.c.family_id == fid)).first() is None
    assert Replicator(a).run().status == "synced"  # then sent as it should be
    with sync_server.store.engine.begin() as conn:
        assert conn.execute(select(db.ops.c.op_id).where(db.ops.c.family_id == fid)).first() is not None
