"""Scopes, auth, replay, retire and revoke, clock skew: against the real server on 127.0.0.1."""

from __future__ import annotations

import json
from typing import Any

import pytest
import requests
from sqlalchemy import select

from earlyhelp_desktop.core.errors import NoStore
from earlyhelp_desktop.core.replication import Replicator
from earlyhelp_desktop.core.replication.device import DeviceFile
from earlyhelp_desktop.core.store.models import Family, Meta, OutboxOp
from earlyhelp_desktop.core.store.store import Store
from sync import auth
from sync.client import SyncClient
from sync.clock import stamp, wall_millis
from sync.protocol import FamilyOpsRequest, Op, PushRequest
from sync.server import db
from tests.conftest import CHEAP_KDF, PASSWORD
from tests.sync.conftest import Laptop, RunningServer, unlock


class Recording(requests.Session):
    """A real session that remembers what it sent (to replay it) and can answer for the server."""

    def __init__(self, answer: tuple[int, str, bytes] | None = None) -> None:
        super().__init__()
        self.sent: list[requests.PreparedRequest] = []
        self.answer = answer

    def send(self, request: requests.PreparedRequest, **kwargs: Any) -> requests.Response:  # type: ignore[override]
        self.sent.append(request)
        if self.answer is None:
            return super().send(request, **kwargs)
        status, content_type, body = self.answer
        response = requests.Response()
        response.status_code = status
        response.headers["Content-Type"] = content_type
        response._content = body
        response.url = request.url or ""
        return response


def test_a_laptop_never_receives_or_writes_another_hubs_families(laptop: Laptop) -> None:
    torbay = laptop("torbay")
    paignton = laptop("paignton", "a.jones", hub="Paignton")
    fid = torbay.services.families.add("Hughes").id
    assert Replicator(torbay).run().status == "synced"
    assert Replicator(paignton).run().status == "synced"
    with paignton.read() as session:
        assert session.get(Family, fid) is None
    client = Replicator(paignton).client
    assert client is not None
    assert client.family_ops(FamilyOpsRequest(families=[fid])).ops == []
    # a crafted change to the Torbay family, made on the Paignton laptop, is refused
    device = DeviceFile.load(paignton.store.directory)
    assert device is not None
    forged = Op(
        op_id="0" * 31 + "1",
        table="family",
        row_id=fid,
        family_id=fid,
        kind="update",
        stamp=stamp(wall_millis()),
        device=device.device_id,
        user=paignton.user.user_id,
        fields={"display_name": {"value": "Changed", "base": []}},
    )
    answer = client.push(PushRequest(sync_id="ab" * 8, ops=[forged]))
    assert [p.status for p in answer.problems] == ["refused"]
    with torbay.read() as session:
        pass
    assert Replicator(torbay).run().status == "synced"
    with torbay.read() as session:
        assert session.get(Family, fid).display_name == "Hughes"  # type: ignore[union-attr]


def test_a_replayed_request_is_refused(laptop: Laptop, sync_server: RunningServer) -> None:
    a = laptop("a")
    session = Recording()
    replicator = Replicator(a, SyncClient(sync_server.url, session=session))
    assert replicator.run().status == "synced"
    captured = session.sent[-1]
    again = requests.Session().send(captured)
    assert again.status_code == 409
    assert again.json()["error"] == "replayed"


@pytest.mark.parametrize(
    "answer",
    [
        (401, "application/json", b'{"error": "bad_token", "message": "no"}'),
        (200, "text/html", b"<html>Sign in to the caf\xc3\xa9 Wi-Fi</html>"),
        (200, "application/json", b"{not json"),
        (
            410,
            "application/json",
            b'{"error": "revoked", "message": "x", '
            b'"detail": {"message": {"payload": "{}", "signature": "AAAA"}}}',
        ),
    ],
    ids=["401", "captive-portal", "garbled", "forged-revoke"],
)
def test_nothing_but_a_signed_message_destroys_anything(
    laptop: Laptop, sync_server: RunningServer, answer: tuple[int, str, bytes]
) -> None:
    a = laptop("a")
    a.services.families.add("Ahmed")
    report = Replicator(a, SyncClient(sync_server.url, session=Recording(answer), retries=0)).run()
    assert report.status in ("offline", "failed")
    assert report.status != "synced"
    assert (a.store.directory / "keyslots.json").exists()
    assert DeviceFile.load(a.store.directory) is not None
    a.lock()
    again = unlock(a)
    with again.read() as session:
        assert session.scalars(select(OutboxOp).where(OutboxOp.state == "pending")).first() is not None
    assert Replicator(again).run().status == "synced"
    again.lock()


def test_a_revoked_laptop_destroys_its_key_slots_at_next_contact(
    laptop: Laptop, sync_server: RunningServer
) -> None:
    a = laptop("a")
    device = DeviceFile.load(a.store.directory)
    assert device is not None
    a.services.families.add("Lost laptop family")
    sync_server.admin.end_device(device.device_id, "revoke")
    report = Replicator(a).run()
    assert report.status == "failed" and report.code == "ended"
    assert not (a.store.directory / "keyslots.json").exists()
    with pytest.raises(NoStore):
        Store(a.store.directory, fixed_kdf=CHEAP_KDF).unlock("s.patel", PASSWORD)
    with sync_server.store.engine.connect() as conn:
        status = conn.execute(
            select(db.devices.c.status).where(db.devices.c.device_id == device.device_id)
        ).scalar()
        pushed = conn.execute(select(db.ops.c.op_id).where(db.ops.c.table_name == "family")).all()
    assert status == "revoked"
    assert pushed == []  # revoke does not push


def test_a_retired_laptop_pushes_everything_first(laptop: Laptop, sync_server: RunningServer) -> None:
    a = laptop("a")
    device = DeviceFile.load(a.store.directory)
    assert device is not None
    fid = a.services.families.add("Handed back").id
    sync_server.admin.end_device(device.device_id, "retire")
    report = Replicator(a).run()
    assert report.code == "ended", report
    assert not (a.store.directory / "keyslots.json").exists()
    with sync_server.store.engine.connect() as conn:
        status = conn.execute(
            select(db.devices.c.status).where(db.devices.c.device_id == device.device_id)
        ).scalar()
        pushed = conn.execute(select(db.ops.c.row_id).where(db.ops.c.table_name == "family")).scalars().all()
    assert status == "retired"
    assert fid in pushed


def test_a_laptop_clock_hours_ahead_is_clamped_not_refused(
    laptop: Laptop, sync_server: RunningServer
) -> None:
    a = laptop("a")
    b = laptop("b", "j.okafor")
    ahead = stamp(wall_millis() + 3 * 3600 * 1000)
    with a.write() as session:
        session.get(Meta, "hlc").value = str(ahead)  # type: ignore[union-attr]
    fid = a.services.families.add("Future").id
    assert Replicator(a).run().status == "synced"
    with a.read() as session:
        version = session.get(Family, fid).version  # type: ignore[union-attr]
    assert version is not None and int(version.split(".")[0], 16) <= stamp(wall_millis() + 6 * 60 * 1000)
    with sync_server.store.engine.connect() as conn:
        note = conn.execute(select(db.devices.c.clock_note)).scalars().all()
    assert any(note)
    # a later edit elsewhere is not beaten by the far-future clock
    assert Replicator(b).run().status == "synced"
    b.services.families.update(fid, display_name="Present")
    assert Replicator(b).run().status == "synced"
    assert Replicator(a).run().status == "synced"
    with a.read() as session:
        assert session.get(Family, fid).display_name == "Present"  # type: ignore[union-attr]


def test_an_old_app_is_told_to_update(laptop: Laptop, sync_server: RunningServer) -> None:
    a = laptop("a")
    report = Replicator(a, SyncClient(sync_server.url, protocol=0)).run()
    assert report.status == "failed" and report.code == "protocol"


def test_signed_messages_only_open_with_the_servers_key() -> None:
    key = auth.new_private_key()
    other = auth.new_private_key()
    message = auth.sign_message(key, "revoke", "a" * 16, 1)
    assert auth.open_message(auth.public_key(key), message.model_dump(), "a" * 16) is not None
    assert auth.open_message(auth.public_key(other), message.model_dump(), "a" * 16) is None
    assert auth.open_message(auth.public_key(key), message.model_dump(), "b" * 16) is None
    tampered = message.model_copy(
        update={"payload": json.dumps({"action": "revoke", "device_id": "b" * 16, "issued_at_ms": 1})}
    )
    assert auth.open_message(auth.public_key(key), tampered.model_dump(), "b" * 16) is None


def test_wrong_online_passwords_make_a_growing_wait_that_ends(
    laptop: Laptop, sync_server: RunningServer
) -> None:
    from sync.errors import AuthFailed, NotAllowed
    from sync.protocol import LoginRequest
    from sync.server import throttle

    client = Replicator(laptop("torbay")).client
    assert client is not None

    def attempts(username: str, password: str) -> list[str]:
        said = []
        for _ in range(throttle.FREE_TRIES + 1):
            try:
                client.login(LoginRequest(username=username, password=password))
                said.append("in")
            except (AuthFailed, NotAllowed) as exc:
                said.append(exc.code)
        return said

    expected = ["wrong_login"] * throttle.FREE_TRIES + ["too_many_attempts"]
    assert attempts("s.patel", "not my password") == expected
    with pytest.raises(NotAllowed) as refused:  # even the right password waits, and is told how long
        client.login(LoginRequest(username="S.Patel ", password=PASSWORD))
    assert "Wait 30 seconds, then try again." in str(refused.value)
    # the wait ends by itself (here: made to end); a right password then clears the count
    with sync_server.store.engine.begin() as conn:
        conn.execute(db.login_throttle.update().values(wait_until_ms=0))
    client.login(LoginRequest(username="s.patel", password=PASSWORD))
    with sync_server.store.engine.connect() as conn:
        assert list(conn.execute(select(db.login_throttle.c.key))) == []
    # a name that does not exist gets exactly the same answers: they never say which names exist
    assert attempts("nobody.here", "guess") == expected
    assert [throttle.wait_after(n) for n in (4, 5, 6, 7, 30)] == [0, 30, 60, 120, 900]
