"""SIGKILL of ``earlyhelp sync`` at several moments: the store opens, passes its integrity check, the
outbox is intact, and the next sync completes with every change on the server exactly once."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import func, select

from earlyhelp_desktop.core.replication import Replicator
from earlyhelp_desktop.core.replication.device import DeviceFile
from earlyhelp_desktop.core.store.models import Family, OutboxOp
from sync.server import db
from tests.conftest import PASSWORD
from tests.e2e.proxy import Proxy
from tests.sync.conftest import Laptop, RunningServer, unlock

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.slow
@pytest.mark.skipif(os.name != "posix", reason="SIGKILL is POSIX")
def test_a_sync_killed_mid_way_loses_nothing(laptop: Laptop, sync_server: RunningServer) -> None:
    a = laptop("a")
    b = laptop("b", "j.okafor")
    names = [f"Killed {n}" for n in range(300)]
    for name in names:
        a.services.families.add(name)
    with a.read() as session:
        mine = set(session.scalars(select(OutboxOp.op_id)))
    directory = a.store.directory
    a.lock()
    port = int(sync_server.url.rsplit(":", 1)[1])
    proxy = Proxy(port, rtt=0.25)
    device = DeviceFile.load(directory)
    assert device is not None
    device.server_url = proxy.url
    device.save()
    try:
        for delay in (1.2, 2.0, 2.8, 3.6):
            process = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "earlyhelp_desktop.cli.main",
                    "sync",
                    "--store",
                    str(directory),
                    "--as",
                    "s.patel",
                    "--password-stdin",
                    "--json",
                ],
                stdin=subprocess.PIPE,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
                cwd=ROOT,
            )
            assert process.stdin is not None
            process.stdin.write((PASSWORD + "\n").encode())
            process.stdin.close()
            time.sleep(delay)
            process.send_signal(signal.SIGKILL)
            process.wait(timeout=30)
            ws = unlock(a)  # an unclean shutdown: the full integrity check runs and must pass
            assert ws.unclean is False
            with ws.read() as session:
                assert set(session.scalars(select(OutboxOp.op_id))) == mine
            ws.lock()
    finally:
        proxy.stop()
        device.server_url = sync_server.url
        device.save()  # with the counter it had before the killed runs: the client recovers from that too
    ws = unlock(a)
    report = Replicator(ws).run()
    assert report.status == "synced", report
    with ws.read() as session:
        assert session.scalar(select(func.count()).where(OutboxOp.state != "acked")) == 0
    ws.lock()
    with sync_server.store.engine.connect() as conn:
        logged = conn.execute(select(db.ops.c.op_id).where(db.ops.c.op_id.in_(mine))).scalars().all()
    assert sorted(logged) == sorted(mine)
    assert Replicator(b).run().status == "synced"
    with b.read() as session:
        assert sorted(session.scalars(select(Family.display_name))) == sorted(names)
