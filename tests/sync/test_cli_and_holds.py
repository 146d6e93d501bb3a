"""The sync commands as a person types them, enrolment refusals, binding a standalone store, holds."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from sqlalchemy import select, update

from earlyhelp_desktop.cli.main import main
from earlyhelp_desktop.core.errors import NotPermitted
from earlyhelp_desktop.core.replication import EnrolError, Replicator, enrol
from earlyhelp_desktop.core.replication.device import DeviceFile
from earlyhelp_desktop.core.store.models import Family, OutboxOp, Person
from earlyhelp_desktop.core.store.store import Store
from sync.protocol import Op, PushRequest
from sync.server import db
from tests.conftest import CHEAP_KDF, PASSWORD
from tests.sync.conftest import Laptop, RunningServer, Signed, seed, settings_for, start_server, unlock


def run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(list(argv), stdin=io.StringIO(PASSWORD + "\n"), stdout=out, stderr=err, fixed_kdf=CHEAP_KDF)
    return code, out.getvalue(), err.getvalue()


def test_enrol_sync_and_conflicts_from_the_command_line(tmp_path: Path, sync_server: RunningServer) -> None:
    store = str(tmp_path / "laptop")
    code, _, err = run(
        "enrol",
        "--store",
        store,
        "--as",
        "s.patel",
        "--server",
        sync_server.url,
        "--code",
        sync_server.code(),
        "--password-stdin",
    )
    assert code == 0, err
    ws = Store(Path(store), fixed_kdf=CHEAP_KDF).unlock("s.patel", PASSWORD)
    ws.services.families.add("Ferreira")
    ws.lock()
    code, out, err = run("sync", "--store", store, "--as", "s.patel", "--json", "--password-stdin")
    assert code == 0, err
    report = json.loads(out)
    assert report["status"] == "synced" and report["pushed"] >= 1
    for key in ("pulled", "conflicts", "held", "requests", "bytes_sent", "bytes_received"):
        assert isinstance(report[key], int)
    code, out, _ = run("conflicts", "--store", store, "--as", "s.patel", "--json", "--password-stdin")
    assert code == 0 and json.loads(out) == []
    # the server goes away: nothing is lost, exit 5
    sync_server.stop()
    ws = Store(Path(store), fixed_kdf=CHEAP_KDF).unlock("s.patel", PASSWORD)
    ws.services.families.add("Offline family")
    ws.lock()
    code, out, _ = run("sync", "--store", store, "--as", "s.patel", "--json", "--password-stdin")
    assert code == 5
    assert json.loads(out)["status"] == "offline" and json.loads(out)["pending"] >= 1


def test_resolving_a_conflict_needs_a_supervisor(laptop: Laptop) -> None:
    worker = laptop("w", "j.okafor")
    directory = str(worker.store.directory)
    worker.lock()
    code, _, err = run(
        "conflicts",
        "resolve",
        "--store",
        directory,
        "--as",
        "j.okafor",
        "--password-stdin",
        "x",
        "--keep",
        "y",
    )
    assert code == 9, err


def test_a_demo_store_is_never_enrolled(tmp_path: Path, sync_server: RunningServer) -> None:
    ws = Store.create(
        tmp_path / "demo",
        username="s.patel",
        full_name="Sunita Patel",
        password=PASSWORD,
        demo=True,
        fixed_kdf=CHEAP_KDF,
    )
    ws.lock()
    with pytest.raises(NotPermitted):
        enrol(
            tmp_path / "demo", sync_server.url, sync_server.code(), "s.patel", PASSWORD, fixed_kdf=CHEAP_KDF
        )
    assert DeviceFile.load(tmp_path / "demo") is None


def test_a_standalone_store_binds_only_when_its_people_have_accounts(
    tmp_path: Path, sync_server: RunningServer, laptop: Laptop
) -> None:
    ws = Store.create(
        tmp_path / "old",
        username="s.patel",
        full_name="Sunita Patel",
        password=PASSWORD,
        hub_name="Local hub",
        fixed_kdf=CHEAP_KDF,
    )
    ws.services.users.add("x.nobody", "Xan Nobody", "family_worker", PASSWORD)
    ws.lock()
    code = sync_server.code()
    with pytest.raises(EnrolError, match="x.nobody"):
        enrol(tmp_path / "old", sync_server.url, code, "s.patel", PASSWORD, fixed_kdf=CHEAP_KDF)
    assert DeviceFile.load(tmp_path / "old") is None

    ws = Store.create(
        tmp_path / "good",
        username="s.patel",
        full_name="Sunita Patel",
        password=PASSWORD,
        hub_name="Local hub",
        fixed_kdf=CHEAP_KDF,
    )
    ws.services.users.add("j.okafor", "Jide Okafor", "family_worker", PASSWORD)
    fid = ws.services.families.add("Before enrolment").id
    ws.lock()
    bound = enrol(tmp_path / "good", sync_server.url, code, "s.patel", PASSWORD, fixed_kdf=CHEAP_KDF)
    assert Replicator(bound).run().status == "synced"
    other = laptop("other", "j.okafor")
    with other.read() as session:
        found = session.get(Family, fid)
        assert found is not None and found.hub_id == bound.home_hub_id
    bound.lock()


def test_a_mass_delete_waits_for_a_supervisor(tmp_path: Path) -> None:
    server = start_server(settings_for(f"sqlite:///{tmp_path / 'server.db'}", mass_delete_families=2))
    try:
        seed(server)
        a = enrol(tmp_path / "a", server.url, server.code(), "s.patel", PASSWORD, fixed_kdf=CHEAP_KDF)
        b = enrol(tmp_path / "b", server.url, server.code(), "j.okafor", PASSWORD, fixed_kdf=CHEAP_KDF)
        ids = [a.services.families.add(f"Family {n}").id for n in range(6)]
        assert Replicator(a).run().status == "synced"
        for fid in ids[:4]:
            a.services.families.delete_family(fid)
        a.lock()
        out = io.StringIO()
        code = main(
            ["sync", "--store", str(tmp_path / "a"), "--as", "s.patel", "--json", "--password-stdin"],
            stdin=io.StringIO(PASSWORD + "\n"),
            stdout=out,
            stderr=io.StringIO(),
            fixed_kdf=CHEAP_KDF,
        )
        report = json.loads(out.getvalue())
        assert code == 7 and report["status"] == "partial" and report["held"] > 0
        assert {p["status"] for p in report["problems"]} == {"held"}
        assert Replicator(b).run().status == "synced"
        with b.read() as session:
            assert all(not session.get(Family, fid).deleted for fid in ids)  # type: ignore[union-attr]
        holds = server.admin.holds()
        assert len(holds) == 1 and holds[0]["status"] == "held"
        server.admin.release(holds[0]["hold"])
        a = unlock(a)
        assert Replicator(a).run().status == "synced"
        assert Replicator(b).run().status == "synced"
        with b.read() as session:
            assert [session.get(Family, fid).deleted for fid in ids] == [True] * 4 + [False] * 2  # type: ignore[union-attr]
        a.lock()
        b.lock()
    finally:
        server.stop()


def test_an_op_id_reused_with_other_content_is_kept_aside(laptop: Laptop) -> None:
    a = laptop("a")
    fid = a.services.families.add("Original").id
    assert Replicator(a).run().status == "synced"
    with a.read() as session:
        row = session.scalars(select(OutboxOp).where(OutboxOp.row_id == fid)).first()
        assert row is not None
        op = Op.model_validate(row.payload)
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
    with a.read() as session:
        row = session.scalars(select(OutboxOp).where(OutboxOp.row_id == fid)).first()
        assert row is not None
        op = Op.model_validate(row.payload)
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
    a = laptop("a")
    client = Replicator(a).client
    assert client is not None and client.token
    device = DeviceFile.load(a.store.directory)
    assert device is not None
    op = {
        "op_id": "ab" * 16,
        "table": "family",
        "row_id": "F9",
        "family_id": "F9",
        "kind": "update",
        "stamp": 5,
        "device": device.device_id,
        "user": a.user.user_id,
        "fields": {"display_name": {"value": [1.5], "base": []}},
    }
    for bad in ("NaN", "Infinity", "1e400"):
        body = json.dumps({"sync_id": "ab" * 8, "ops": [op]}).replace("1.5", bad).encode()
        response = Signed(device, client.token, sync_server.url).post("/v1/push", body)
        assert response.status_code == 422, response.text
        assert "NaN or infinity" in response.json()["message"]
    with sync_server.store.engine.begin() as conn:
        assert conn.execute(select(db.ops.c.op_id).where(db.ops.c.op_id == op["op_id"])).first() is None


def test_a_new_record_without_its_required_fields_is_refused_and_laptops_keep_syncing(
    laptop: Laptop, sync_server: RunningServer
) -> None:
    a = laptop("a")
    client = Replicator(a).client
    device = DeviceFile.load(a.store.directory)
    assert client is not None and client.token and device is not None
    op = {
        "op_id": "cd" * 16,
        "table": "family",
        "row_id": "F1",
        "family_id": "F1",
        "kind": "insert",
        "stamp": 5,
        "device": device.device_id,
        "user": a.user.user_id,
        "fields": {"hub_id": {"value": a.home_hub_id}, "display_name": {"value": "Zoë Ó Briain"}},
    }
    response = Signed(device, client.token, sync_server.url).post(
        "/v1/push", json.dumps({"sync_id": "ab" * 8, "ops": [op]}).encode()
    )
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
    a = laptop("a")
    client = Replicator(a).client
    device = DeviceFile.load(a.store.directory)
    assert client is not None and client.token and device is not None
    signed = Signed(device, client.token, sync_server.url)
    envelope = {"device": device.device_id, "user": a.user.user_id}
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
        return (
            envelope
            | {"op_id": f"{n:032x}", "stamp": 1000 + n, "table": table, "row_id": row}
            | {
                "family_id": "F1",
                "kind": kind,
                "fields": fields,
            }
        )

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


def test_the_server_takes_its_request_threads_from_the_environment_and_refuses_nonsense(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from sync.server import cli as server_cli
    from sync.server.config import Settings, default_threads

    url = f"sqlite:///{tmp_path / 'server.db'}"
    assert Settings.from_env(url).threads == default_threads() >= 2  # one per core, one each way at least
    monkeypatch.setenv("EARLYHELP_SYNC_THREADS", "6")
    assert Settings.from_env(url).threads == 6
    for nonsense in ("many", "0", "-3", "100000"):
        monkeypatch.setenv("EARLYHELP_SYNC_THREADS", nonsense)
        assert server_cli.main(["serve", "--database-url", url]) == 2
        assert "EARLYHELP_SYNC_THREADS must be a whole number" in capsys.readouterr().err
    assert not (tmp_path / "server.db").exists()  # refused before anything was made
