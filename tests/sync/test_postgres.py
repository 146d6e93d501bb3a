"""The server on PostgreSQL: the same behaviour as on SQLite, and two server processes on one database
with concurrent pushes, where a pull never misses a change that committed later with a smaller number."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests
from sqlalchemy import select, text
from sqlalchemy.exc import DBAPIError

from earlyhelp_desktop.core.replication import Replicator, enrol
from earlyhelp_desktop.core.replication.device import DeviceFile
from earlyhelp_desktop.core.store.models import Family
from earlyhelp_desktop.core.store.store import Workspace
from sync.client import SyncClient
from sync.protocol import PullRequest
from sync.server import db
from sync.server.admin import Admin
from sync.server.store import ServerStore
from tests.conftest import CHEAP_KDF, PASSWORD
from tests.sync.conftest import RunningServer, seed, settings_for, start_server

pytestmark = pytest.mark.postgres
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def pg_server(pg_url: str) -> Iterator[RunningServer]:
    server = start_server(settings_for(pg_url))
    seed(server)
    yield server
    server.stop()


def test_laptops_sync_and_meet_conflicts_through_postgresql(pg_server: RunningServer, tmp_path: Path) -> None:
    a = enrol(tmp_path / "a", pg_server.url, pg_server.code(), "s.patel", PASSWORD, fixed_kdf=CHEAP_KDF)
    b = enrol(tmp_path / "b", pg_server.url, pg_server.code(), "j.okafor", PASSWORD, fixed_kdf=CHEAP_KDF)
    try:
        fid = a.services.families.add("Lindqvist", level_of_need=2).id
        assert Replicator(a).run().status == "synced"
        assert Replicator(b).run().status == "synced"
        a.services.families.update(fid, level_of_need=3)
        b.services.families.update(fid, level_of_need=1)
        for ws in (a, b, a):
            assert Replicator(ws).run().status == "synced"
        assert len(a.services.conflicts.list()) == 1 and len(b.services.conflicts.list()) == 1
        # quotes, backslashes, percent signs and colons reach PostgreSQL as data, never as syntax
        tricky = "O'Brien-Llŷr \\ 100% :now $$ \"Zoë\" ' ; COMMIT; --"
        other = a.services.families.add(tricky).id
        assert Replicator(a).run().status == "synced"
        assert Replicator(b).run().status == "synced"
        with b.read() as session:
            found = session.get(Family, other)
            assert found is not None and found.display_name == tricky
    finally:
        a.lock()
        b.lock()


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _serve(url: str) -> tuple[subprocess.Popen[bytes], str]:
    port = _free_port()
    env = {**os.environ, "EARLYHELP_SYNC_PASSWORD_MEMORY_KIB": "8192"}
    process = subprocess.Popen(
        [sys.executable, "-m", "sync.server.cli", "serve", "--database-url", url, "--port", str(port)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            if requests.get(base + "/v1/hello", timeout=1).ok:
                return process, base
        except requests.RequestException:
            time.sleep(0.1)
    process.kill()
    raise RuntimeError("a server process did not start")


@pytest.mark.slow
def test_two_server_processes_never_let_a_pull_miss_a_change(pg_url: str, tmp_path: Path) -> None:
    store = ServerStore(settings_for(pg_url))
    store.start()
    admin = Admin(store)
    admin.add_hub("Torbay North", "Torbay")
    names = [f"w{n}" for n in range(6)]
    for name in ["watcher", *names]:
        admin.add_user(name, name.title(), "family_worker", "Torbay North", PASSWORD)
    servers = [_serve(pg_url), _serve(pg_url)]
    laptops: list[Workspace] = []
    try:
        urls = [base for _, base in servers]
        watcher = enrol(
            tmp_path / "watcher",
            urls[0],
            admin.enrol_code("Torbay North"),
            "watcher",
            PASSWORD,
            fixed_kdf=CHEAP_KDF,
        )
        laptops.append(watcher)
        for n, name in enumerate(names):
            ws = enrol(
                tmp_path / name,
                urls[n % 2],
                admin.enrol_code("Torbay North"),
                name,
                PASSWORD,
                fixed_kdf=CHEAP_KDF,
            )
            laptops.append(ws)
        device = DeviceFile.load(watcher.store.directory)
        assert device is not None
        token = Replicator(watcher).client.token  # type: ignore[union-attr]
        clients = [SyncClient(u, signer=device, token=token) for u in urls]
        seen: set[str] = set()
        done = threading.Event()
        failures: list[BaseException] = []

        def watch() -> None:
            cursor = None
            turn = 0
            try:
                while True:
                    finished = done.is_set()
                    while True:
                        page = clients[turn % 2].pull(PullRequest(cursor=cursor, limit=50))
                        turn += 1
                        seen.update(op.op_id for op in page.ops)
                        cursor = page.cursor
                        if not page.more:
                            break
                    if finished:
                        return
            except BaseException as exc:  # noqa: BLE001 - reported below
                failures.append(exc)

        def push(ws: Workspace, number: int) -> None:
            try:
                for round_ in range(6):
                    for k in range(3):
                        ws.services.families.add(f"{number}-{round_}-{k}")
                    report = Replicator(ws).run()
                    assert report.status in ("synced", "partial"), report
            except BaseException as exc:  # noqa: BLE001 - reported below
                failures.append(exc)

        watcher_thread = threading.Thread(target=watch)
        watcher_thread.start()
        threads = [threading.Thread(target=push, args=(ws, n)) for n, ws in enumerate(laptops[1:])]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        done.set()
        watcher_thread.join()
        assert failures == []
        with store.engine.connect() as conn:
            logged = set(
                conn.execute(select(db.ops.c.op_id).where(db.ops.c.scope.in_(("family", "reference"))))
                .scalars()
                .all()
            )
        assert logged - seen == set(), "a pull skipped changes that committed later with a smaller number"
        report = Replicator(watcher).run()
        assert report.status == "synced", report
        with watcher.read() as session:
            assert len(session.scalars(select(Family.id)).all()) == 6 * 6 * 3
    finally:
        for ws in laptops:
            if not ws.locked:
                ws.lock()
        for process, _ in servers:
            process.terminate()
            process.wait(timeout=10)
        store.engine.dispose()


def test_a_pull_reads_its_hubs_ops_by_the_hub_index_while_statistics_are_stale(pg_url: str) -> None:
    """A new server's tables are analysed while empty; thousands of ops may arrive before PostgreSQL looks
    again. A pull must still read its own hub's ops through the hub index, not every hub's since its
    cursor (that plan took 8 ms instead of 1 ms for a 950-op page, for every laptop)."""
    from sync.server.pulls import PAGE

    engine = db.make_engine(pg_url)
    db.migrate(engine)
    with engine.begin() as conn:
        conn.execute(text("ALTER TABLE ops SET (autovacuum_enabled = false)"))
        insert = (
            "INSERT INTO ops (seq, op_id, digest, table_name, row_id, family_id, scope, device_id, user_id, "
            "payload, received_ms, hub_id) SELECT g, md5(g::text), 'd', {table}, 'r' || g, {family}, "
            "{scope}, 'dev' || (g / 50), 'u', '{{}}', 0, {hub} FROM generate_series({first}, {last}) g"
        )
        # a new server holds the seeded reference rows when PostgreSQL first analyses its ops
        conn.execute(
            text(
                insert.format(
                    table="'ref_item'", family="NULL", scope="'reference'", hub="NULL", first=1, last=210
                )
            )
        )
        conn.execute(text("ANALYZE ops"))
        family_ops = insert.format(
            table="'family'",
            family="'f' || (g % 500)",
            scope="'family'",
            hub="'hub-' || ((g / 50) % 10)",
            first=211,
            last=10_210,
        )
        conn.execute(text(family_ops))
        page = {"hub": "hub-3", "device": "dev-x", "after": 210, "limit": 1001}
        plan = "\n".join(row[0] for row in db.run(conn, "EXPLAIN " + PAGE, page))
        assert len(db.run(conn, PAGE, page)) == 1000  # the hub's ops, in the page
    engine.dispose()
    assert "ix_ops_hub_seq" in plan, plan
    assert "ix_ops_shared_seq" in plan, plan  # the shared ops by their own index, not every op since


def test_statements_run_on_the_driver_fail_as_sqlalchemys_and_a_lost_connection_is_retried(
    pg_url: str,
) -> None:
    """The per-sync statements bypass SQLAlchemy's execution, not its errors: a clash is an IntegrityError
    (retried by the store), and a connection the database dropped is invalidated and taken afresh."""
    from sqlalchemy.exc import DBAPIError, IntegrityError

    store = ServerStore(settings_for(pg_url))
    store.start()
    insert = "INSERT INTO meta (key, value) VALUES (:key, :value)"
    with store.engine.begin() as conn:
        db.run(conn, insert, {"key": "k-1", "value": "Zoë"})
    with pytest.raises(IntegrityError), store.engine.begin() as conn:
        db.run(conn, insert, {"key": "k-1", "value": "again"})
    outside = db.make_engine(pg_url)  # the database's own view: it ends connections of the store's pool

    def drop_pooled_connection() -> None:
        store.engine.dispose()
        with store.engine.connect() as conn:  # the pool now holds this one connection
            pid = conn.execute(text("SELECT pg_backend_pid()")).scalar()
        with outside.connect() as other:
            other.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})

    drop_pooled_connection()
    with pytest.raises(DBAPIError) as lost, store.engine.connect() as conn:
        db.run(conn, "SELECT value FROM meta WHERE key = :key", {"key": "k-1"})
    assert lost.value.connection_invalidated
    # the store's reads take a fresh connection when that happens, so the request still succeeds
    drop_pooled_connection()
    found = store.read(lambda conn: db.run(conn, "SELECT value FROM meta WHERE key = :key", {"key": "k-1"}))
    assert found == [("Zoë",)]
    outside.dispose()
    store.engine.dispose()


def test_a_pull_is_not_queued_behind_other_laptops_pushes(pg_url: str, tmp_path: Path) -> None:
    """Pushes and pulls have lanes of their own: with every push thread waiting (here on the op counter,
    locked by the test), a laptop whose push is done still gets its pull answered at once."""
    server = start_server(settings_for(pg_url, threads=2))  # one push lane and one pull lane
    seed(server)
    laptops = [
        enrol(tmp_path / name, server.url, server.code(), user, PASSWORD, fixed_kdf=CHEAP_KDF)
        for name, user in (("a", "s.patel"), ("b", "j.okafor"), ("c", "m.nowak"))
    ]
    outside = db.make_engine(pg_url)
    reports: dict[str, str] = {}
    try:
        for ws in laptops:
            assert Replicator(ws).run().status == "synced"
        pushing = laptops[:2]
        for n, ws in enumerate(pushing):
            ws.services.families.add(f"Waiting {n}")
        with outside.begin() as conn:
            conn.execute(text("SELECT value FROM meta WHERE key = 'seq' FOR UPDATE"))  # pushes queue here
            threads = [
                threading.Thread(
                    target=lambda ws=ws: reports.update({ws.user.username: Replicator(ws).run().status})
                )
                for ws in pushing
            ]
            for thread in threads:
                thread.start()
            time.sleep(1.0)  # both pushes have reached the server: one waits in its lane, one for the lane
            began = time.monotonic()
            assert Replicator(laptops[2]).run().status == "synced"
            waited = time.monotonic() - began
            assert not reports  # the pushes were still waiting when the pull was answered
        for thread in threads:
            thread.join(timeout=60)
        assert waited < 5.0
        assert reports == {"s.patel": "synced", "j.okafor": "synced"}
    finally:
        for ws in laptops:
            if not ws.locked:
                ws.lock()
        outside.dispose()
        server.stop()


def test_a_snapshot_sent_with_its_reads_is_one_transaction_and_a_failure_leaves_no_transaction_open(
    pg_url: str,
) -> None:
    store = ServerStore(settings_for(pg_url))
    store.start()
    autocommit = store.engine.execution_options(isolation_level="AUTOCOMMIT")
    try:
        with autocommit.connect() as conn:
            shown = db.run_many(
                conn, [("SHOW transaction_isolation", {}), ("SHOW transaction_read_only", {})], snapshot=True
            )
            assert shown == [[("repeatable read",)], [("on",)]]
            with pytest.raises(DBAPIError):
                db.run_many(conn, [("SELECT 1", {}), ("SELECT 1 / (SELECT 0)", {})], snapshot=True)
            assert db.run_many(conn, [("SELECT 2", {}), ("SELECT 3", {})], snapshot=True) == [[(2,)], [(3,)]]
            assert db.run(conn, "SELECT 4") == [(4,)]  # not inside an aborted transaction
            # messages with their values in them are not counted towards preparing; other statements are
            assert conn.connection.dbapi_connection.prepare_threshold == 5  # type: ignore[union-attr]
    finally:
        store.engine.dispose()
