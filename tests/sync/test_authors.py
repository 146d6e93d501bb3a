"""Each op is judged as its author's, whoever's laptop sends it: on SQLite and on PostgreSQL (where the
signer's own account comes with the push's admission, and other authors' accounts are read)."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select

from earlyhelp_desktop.core.replication import Replicator, enrol
from earlyhelp_desktop.core.replication.device import DeviceFile
from earlyhelp_desktop.core.store.models import Family
from sync.clock import op_id_for, stamp, wall_millis
from sync.protocol import Op, PushRequest
from sync.server import db
from tests.conftest import CHEAP_KDF, PASSWORD
from tests.sync.conftest import RunningServer


def test_a_push_is_judged_by_each_ops_author(two_hubs: RunningServer, tmp_path: Path) -> None:
    server = two_hubs
    ws = enrol(tmp_path / "a", server.url, server.code(), "j.okafor", PASSWORD, fixed_kdf=CHEAP_KDF)
    try:
        fid = ws.services.families.add("Zoë Ó Briain").id
        assert Replicator(ws).run().status == "synced"
        client = Replicator(ws).client
        device = DeviceFile.load(ws.store.directory)
        assert client is not None and device is not None
        with server.store.engine.connect() as conn:
            ids = dict(conn.execute(select(db.accounts.c.username, db.accounts.c.user_id)).all())
        tick = stamp(wall_millis())

        def op(n: int, user: str, name: str, kind: str = "update") -> Op:
            return Op(
                op_id=op_id_for(tick + n, device.device_id),
                table="family",
                row_id=fid,
                family_id=fid,
                kind=kind,  # type: ignore[arg-type]
                stamp=tick + n,
                device=device.device_id,
                user=user,
                fields={"display_name": {"value": name, "base": []}},
            )

        # all by the person signing: their account (a family worker's) decides, a redaction is refused
        mine = [op(1, ids["j.okafor"], "Siân Llŷr"), op(2, ids["j.okafor"], "Siân", kind="redact")]
        answer = client.push(PushRequest(sync_id="ab" * 8, ops=mine))
        assert answer.acknowledged == 1
        assert [(p.op_id, p.status) for p in answer.problems] == [(mine[1].op_id, "refused")]
        assert "only a supervisor can redact" in answer.problems[0].reason
        # made on this laptop by several people: a colleague's change is applied, a stranger's refused
        theirs = [op(3, ids["m.nowak"], "Zoë Llŷr"), op(4, "5" * 32, "Nobody")]
        answer = client.push(PushRequest(sync_id="cd" * 8, ops=theirs))
        assert answer.acknowledged == 1
        assert [(p.op_id, p.status) for p in answer.problems] == [(theirs[1].op_id, "refused")]
        assert "who has no account on this server" in answer.problems[0].reason
        assert Replicator(ws).run().status == "synced"
        with ws.read() as session:
            assert session.get(Family, fid).display_name == "Zoë Llŷr"  # type: ignore[union-attr]
    finally:
        ws.lock()
