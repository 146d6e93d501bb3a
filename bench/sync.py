"""Sync benchmarks: what goes over the wire, a slow link, and 200 laptops at once on PostgreSQL.

Prints:
  1. requests and bytes for 1,000 one-field changes, against the gzip'd field-level delta
     (targets: <= 3 + ceil(1000/250) requests; bytes <= 1.3x the delta);
  2. the same sync over a 256 kbit/s, 300 ms round-trip link made by a delaying, rate-limiting proxy on
     127.0.0.1 (target: within 1.5x of bytes/bandwidth + round trips x RTT);
  3. 200 laptops (10 hubs of 20), each pushing 50 ops and pulling its hub's changes at once, against
     PostgreSQL, the load generated from a separate process (targets: all succeed, p95 <= 2 s). The
     virtual laptops share the servers' cores, so each makes its push before the start and reads its
     answers whole after the run (bench/laptops.py); both times are added to its sync.

    .venv/bin/python bench/sync.py [--changes 1000] [--laptops 200] [--database-url URL] [--skip-load]

BENCH_SPY=SECONDS records a py-spy profile (GIL holders) of each server process during section 3 into
/tmp/spy-PID.txt (needs py-spy on PATH), BENCH_SPY_RATE samples a second (default 200).

Section 3 needs PostgreSQL (--database-url or EARLYHELP_TEST_DATABASE_URL); it uses a fresh schema and
drops it afterwards.
"""

from __future__ import annotations

import argparse
import gc
import gzip
import json
import math
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("EARLYHELP_SYNC_PASSWORD_MEMORY_KIB", "8192")

from laptops import (  # noqa: E402  (bench/)
    LightClient,
    LightSession,
    MemorySigner,
    PreparedPush,
    pull_light,
    push_light,
)
from sqlalchemy import create_engine, select, text  # noqa: E402

from earlyhelp_desktop.core.crypto.kdf import KdfParams  # noqa: E402
from earlyhelp_desktop.core.ids import new_id  # noqa: E402
from earlyhelp_desktop.core.replication import Replicator, enrol  # noqa: E402
from earlyhelp_desktop.core.store.models import Family  # noqa: E402
from sync import auth  # noqa: E402
from sync.client import SyncClient  # noqa: E402
from sync.clock import HybridClock, op_id_for  # noqa: E402
from sync.protocol import EnrolRequest, Op, WireField  # noqa: E402
from tests.e2e.proxy import Proxy  # noqa: E402
from tests.sync.conftest import settings_for  # noqa: E402

PASSWORD = "correct horse battery"
CHEAP_KDF = KdfParams(salt=b"\0" * 16, memory_kib=8 * 1024, iterations=1, lanes=1)
BANDWIDTH = 256_000 / 8  # bytes per second
RTT = 0.300


# -- 1 and 2: one laptop, 1,000 one-field changes ----------------------------------------------------


def prepared_laptop(base: Path, server_url: str, code: str, families: int) -> Any:
    ws = enrol(base / "laptop", server_url, code, "s.patel", PASSWORD, fixed_kdf=CHEAP_KDF)
    with ws.write() as session:
        for n in range(families):
            fid = new_id()
            session.add(
                Family(
                    id=fid,
                    family_id=fid,
                    reference=f"TN-{n:08d}",
                    display_name=f"Family {n}",
                    hub_id=ws.home_hub_id,
                )
            )
    report = Replicator(ws).run()
    assert report.status == "synced", report
    return ws


def change_names(ws: Any, round_: int) -> bytes:
    """One-field changes (one transaction each); returns the gzip'd field-level delta."""
    delta = []
    with ws.read() as session:
        ids = list(session.scalars(select(Family.id).order_by(Family.reference)))
    for n, family_id in enumerate(ids):
        value = f"Renamed family {n} round {round_}"
        with ws.write() as session:
            family = session.get(Family, family_id)
            family.display_name = value
        delta.append({"table": "family", "row_id": family_id, "field": "display_name", "value": value})
    return gzip.compress(json.dumps(delta, separators=(",", ":")).encode(), 9)  # as the client compresses


def spawn_server(url: str) -> tuple[subprocess.Popen[bytes], str]:
    """The server in its own process, as it would be on its own machine."""
    import requests

    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "sync.server.cli", "serve", "--database-url", url, "--port", str(port)],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    for _ in range(300):
        try:
            if requests.get(base + "/v1/hello", timeout=1).ok:
                return process, base
        except requests.RequestException:
            time.sleep(0.1)
    process.kill()
    raise RuntimeError("the server did not start")


def bench_wire(changes: int) -> None:
    from sync.server.admin import Admin
    from sync.server.store import ServerStore

    with tempfile.TemporaryDirectory() as folder:
        base = Path(folder)
        url = f"sqlite:///{base / 'server.db'}"
        store = ServerStore(settings_for(url))
        store.start()
        admin = Admin(store)
        admin.add_hub("Torbay North", "Torbay")
        admin.add_user("s.patel", "Sunita Patel", "supervisor", "Torbay North", PASSWORD)
        process, server_url = spawn_server(url)
        try:
            ws = prepared_laptop(base, server_url, admin.enrol_code("Torbay North"), changes)
            delta = change_names(ws, 1)
            report = Replicator(ws).run()
            wire = report.bytes_sent + report.bytes_received
            target = 3 + math.ceil(changes / 250)
            print(
                f"1. {changes} one-field changes: {report.requests} requests (target <= {target}); "
                f"{wire:,} bytes on the wire ({report.bytes_sent:,} sent, {report.bytes_received:,} "
                f"received, headers included) vs {len(delta):,} bytes of gzip'd field-level delta = "
                f"{wire / len(delta):.2f}x (target <= 1.3x); status {report.status}"
            )
            delta = change_names(ws, 2)
            port = int(server_url.rsplit(":", 1)[1])
            proxy = Proxy(port, rtt=RTT, bandwidth=BANDWIDTH)
            try:
                started = time.perf_counter()
                report = Replicator(ws, SyncClient(proxy.url)).run()
                took = time.perf_counter() - started
            finally:
                proxy.stop()
            moved = proxy.bytes_up + proxy.bytes_down
            ideal = moved / BANDWIDTH + proxy.requests * RTT
            print(
                f"2. the same over 256 kbit/s and 300 ms RTT: {took:.2f} s for {proxy.requests} requests and "
                f"{moved:,} bytes (the laptop counted {report.bytes_sent + report.bytes_received:,}); "
                f"bytes/bandwidth + round trips x RTT = {ideal:.2f} s; "
                f"ratio {took / ideal:.2f}x (target <= 1.5x); status {report.status}"
            )
            ws.lock()
        finally:
            process.terminate()
            process.wait(timeout=20)
            store.engine.dispose()


# -- 3: 200 laptops at once on PostgreSQL -----------------------------------------------------------


FAMILY_FIELDS: dict[str, Any] = {
    "address": {"address_line1": None, "address_line2": None, "town": None, "postcode": None},
    "confidential_address": False,
    "status": "open",
    "level_of_need": None,
    "lead_worker_id": None,
    "lawful_basis": "public_task",
    "evaluation_opt_out": False,
    "override": {"safeguarding_override": False, "override_reason": None},
    "merged_into_id": None,
}


def family_ops(device: str, user: str, hub: str, count: int) -> list[Op]:
    """``count`` ops: new families, then edits of their names (each edit names the version it replaces)."""
    clock = HybridClock()
    ops: list[Op] = []
    families = max(1, count // 5)
    for n in range(families):
        fid = new_id()
        tick = clock.tick()
        values = {"reference": f"LD-{n:04d}", "display_name": f"Load {n}", "hub_id": hub, "family_id": fid}
        values |= FAMILY_FIELDS
        insert = Op(
            op_id=op_id_for(tick, device),
            table="family",
            row_id=fid,
            family_id=fid,
            kind="insert",
            stamp=tick,
            device=device,
            user=user,
            fields={k: WireField(value=v) for k, v in values.items()},
        )
        ops.append(insert)
        previous = insert.version
        for k in range(count // families - 1):
            tick = clock.tick()
            update = Op(
                op_id=op_id_for(tick, device),
                table="family",
                row_id=fid,
                family_id=fid,
                kind="update",
                stamp=tick,
                device=device,
                user=user,
                fields={"display_name": WireField(value=f"Load {n}.{k}", base=[previous])},
            )
            ops.append(update)
            previous = update.version
    return ops[:count]


def load_worker(config_path: str) -> None:
    """Runs in its own process: enrols the virtual laptops, catches them up, then syncs all at once."""
    config = json.loads(Path(config_path).read_text())
    # 200 laptops share this one process and the machine's 2 cores with the servers: keep the simulation
    # itself light (real laptops each have their own CPU) so it measures the servers, not itself
    gc.freeze()
    gc.set_threshold(50_000, 20, 50)
    laptops = []
    for n, entry in enumerate(config["laptops"]):
        signer = MemorySigner()
        url = config["urls"][n % len(config["urls"])]
        session = LightSession(url)
        client = LightClient(url, session=session, signer=signer, retries=4, backoff=0.2)  # type: ignore[arg-type]
        response = client.enrol(
            EnrolRequest(
                code=entry["code"],
                device_id=signer.device_id,
                public_key=auth.b64(auth.public_key(signer.key)),
                username=entry["user"],
                password=PASSWORD,
            )
        )
        client.token = response.token
        cursor = None
        while True:  # a laptop that synced yesterday
            page = pull_light(client, cursor)
            cursor = page.cursor
            if not page.more:
                break
        ops = family_ops(signer.device_id, response.account.user_id, response.hub_id, config["ops"])
        laptops.append((client, *PreparedPush.of(ops, cursor), cursor))
    print("ready", flush=True)  # the parent notes CPU use so far, then says go
    sys.stdin.readline()
    start = threading.Barrier(len(laptops))
    timings: dict[LightClient, float] = {}  # each laptop's sync, but for reading its answers (below)
    failures: list[str] = []
    guard = threading.Lock()

    one_at_a_time = threading.Lock() if config.get("serial") else None

    def sync(client: LightClient, push: PreparedPush, making: float, cursor: str | None) -> None:
        start.wait()
        if one_at_a_time is not None:
            one_at_a_time.acquire()
        began = time.perf_counter()
        try:
            answer = push_light(client, push)  # its pull's first page comes with the answer
            if answer.problems:
                raise RuntimeError(f"{len(answer.problems)} ops not accepted: {answer.problems[0]}")
            if answer.page is None:
                raise RuntimeError("the push's pull was not answered")
            page = answer.page
            while page.more:
                page = pull_light(client, page.cursor)
            with guard:
                timings[client] = making + time.perf_counter() - began
        except Exception as exc:  # noqa: BLE001 - counted and reported
            with guard:
                failures.append(f"{type(exc).__name__}: {exc}")
        finally:
            if one_at_a_time is not None:
                one_at_a_time.release()

    threads = [threading.Thread(target=sync, args=laptop) for laptop in laptops]
    for client, *_ in laptops:
        client.deferring = True
    cpu = time.process_time()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    cpu = time.process_time() - cpu
    pulled, reading = [], []
    for client, made in sorted(timings.items(), key=lambda item: item[1]):
        try:
            ops, seconds = client.read_answers()  # as it would have in the run, on its own CPU
        except ValueError as exc:
            failures.append(f"{type(exc).__name__}: {exc}")
            del timings[client]
            continue
        timings[client] = made + seconds
        pulled.append(ops)
        reading.append(seconds)
    print(
        json.dumps(
            {
                "timings": list(timings.values()),
                "pulled": pulled,
                "failures": failures,
                "cpu": cpu,
                "reading": reading,
            }
        )
    )


def cpu_seconds(pid: int) -> float:
    """User + system CPU of a process so far (Linux)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, IndexError, ValueError):
        return float("nan")


def machine_cpu() -> tuple[float, float, float]:
    """Busy, idle and stolen CPU seconds of the whole machine so far (Linux /proc/stat); busy includes
    stolen, the time the hypervisor gave this machine's cores to others."""
    try:
        fields = [int(v) for v in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    except (OSError, ValueError):
        return (float("nan"), float("nan"), float("nan"))
    idle = fields[3] + fields[4]
    tick = os.sysconf("SC_CLK_TCK")
    return ((sum(fields) - idle) / tick, idle / tick, fields[7] / tick)


def postgres_cpu() -> float:
    """CPU seconds of every PostgreSQL process so far, with the backends that have exited (their time is
    added to the postmaster's "children" figures when it reaps them); NaN when none can be read."""
    total, found = 0, False
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            head, _, rest = stat.read_text().rpartition(")")
        except OSError:
            continue
        if not head.endswith("(postgres"):
            continue
        fields = rest.split()
        total += sum(int(v) for v in fields[11:15])  # utime, stime, cutime, cstime
        found = True
    return total / os.sysconf("SC_CLK_TCK") if found else float("nan")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def bench_load(database_url: str, laptops: int, ops: int, servers: int, serial: bool = False) -> None:
    import requests

    from sync.server.admin import Admin
    from sync.server.store import ServerStore

    schema = f"eh_bench_{uuid.uuid4().hex[:8]}"
    admin_engine = create_engine(database_url.replace("postgresql://", "postgresql+psycopg://"))
    with admin_engine.begin() as conn:
        conn.execute(text(f"CREATE SCHEMA {schema}"))
    url = f"{database_url}{'&' if '?' in database_url else '?'}options=-csearch_path%3D{schema}"
    processes: list[subprocess.Popen[bytes]] = []
    hubs = 10
    try:
        store = ServerStore(settings_for(url))
        store.start()
        admin = Admin(store)
        for h in range(hubs):
            admin.add_hub(f"Load hub {h}")
        entries = []
        for n in range(laptops):
            hub = f"Load hub {n % hubs}"
            admin.add_user(f"load{n}", f"Load {n}", "family_worker", hub, PASSWORD)
            entries.append({"user": f"load{n}", "code": admin.enrol_code(hub)})
        store.engine.dispose()
        urls = []
        for _ in range(servers):
            port = free_port()
            processes.append(
                subprocess.Popen(
                    [
                        sys.executable,
                        "-m",
                        "sync.server.cli",
                        "serve",
                        "--database-url",
                        url,
                        "--port",
                        str(port),
                    ],
                    cwd=ROOT,
                    stdout=subprocess.DEVNULL,
                    stderr=subprocess.DEVNULL,
                )
            )
            urls.append(f"http://127.0.0.1:{port}")
        for base in urls:
            for _ in range(300):
                try:
                    if requests.get(base + "/v1/hello", timeout=1).ok:
                        break
                except requests.RequestException:
                    time.sleep(0.1)
        with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as handle:
            json.dump({"urls": urls, "laptops": entries, "ops": ops, "serial": serial}, handle)
        worker = subprocess.Popen(
            [sys.executable, __file__, "--load-worker", handle.name],
            cwd=ROOT,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        assert worker.stdin is not None and worker.stdout is not None
        ready = worker.stdout.readline()
        if ready.strip() != "ready":
            print("3. the load generator failed:", worker.communicate()[1][-2000:])
            return
        started_cpu = [cpu_seconds(p.pid) for p in processes]  # after enrolments and catch-up pulls
        started_machine = machine_cpu()
        started_postgres = postgres_cpu()
        spies = (
            [
                subprocess.Popen(
                    [
                        "py-spy",
                        "record",
                        "--pid",
                        str(p.pid),
                        "-d",
                        os.environ["BENCH_SPY"],
                        "-f",
                        "raw",
                        "-o",
                        f"/tmp/spy-{p.pid}.txt",
                        "-r",
                        os.environ.get("BENCH_SPY_RATE", "200"),
                        "--gil",
                    ],
                    stdout=subprocess.DEVNULL,
                    stderr=subprocess.DEVNULL,
                )
                for p in [*processes, worker]
            ]
            if os.environ.get("BENCH_SPY")
            else []
        )
        time.sleep(1 if spies else 0)
        worker.stdin.write("go\n")
        worker.stdin.flush()
        out, err = worker.communicate()
        ended_machine = machine_cpu()
        busy, idle, stolen = (now - then for now, then in zip(ended_machine, started_machine, strict=True))
        database = postgres_cpu() - started_postgres
        for spy in spies:
            spy.wait()
        os.unlink(handle.name)
        if worker.returncode != 0:
            print("3. the load generator failed:", err[-2000:])
            return
        data = json.loads(out.strip().splitlines()[-1])
        timings = sorted(data["timings"])
        p95 = timings[max(0, math.ceil(0.95 * len(timings)) - 1)] if timings else float("nan")
        print(
            f"3. {laptops} laptops ({hubs} hubs of {laptops // hubs}) each pushing {ops} ops and pulling its "
            f"hub's changes {'one at a time' if serial else 'at once'}, {servers} server processes on "
            "PostgreSQL, load from a separate process: "
            f"{len(timings)} succeeded, {len(data['failures'])} failed; per sync p50 "
            f"{statistics.median(timings) if timings else float('nan'):.2f} s, p95 {p95:.2f} s "
            f"(target <= 2 s), "
            f"max {timings[-1] if timings else float('nan'):.2f} s; "
            f"{sum(data['pulled']):,} ops pulled in all"
        )
        pairs = zip(processes, started_cpu, strict=True)
        server_cpu = [cpu_seconds(p.pid) - before for p, before in pairs]
        print(
            f"   CPU during the syncs: load generator {data['cpu']:.2f} s; server processes "
            + ", ".join(f"{c:.2f} s" for c in server_cpu)
            + f"; PostgreSQL {database:.2f} s"
            + f"; the rest of the system {busy - stolen - data['cpu'] - sum(server_cpu) - database:.2f} s"
            + f"; stolen by the hypervisor {stolen:.2f} s"
            + f"; the machine's {os.cpu_count()} cores were {100 * busy / max(busy + idle, 1e-9):.0f}% busy"
        )
        reading = sorted(data["reading"])
        if reading:
            print(
                f"   the laptops' reading of their answers, done after the run and added to each sync: "
                f"{sum(reading):.2f} s in all, {1000 * statistics.median(reading):.1f} ms a laptop "
                f"(max {1000 * reading[-1]:.1f} ms)"
            )
        for failure in data["failures"][:3]:
            print("   failure:", failure)
    finally:
        for process in processes:
            process.terminate()
            process.wait(timeout=20)
        with admin_engine.begin() as conn:
            conn.execute(text(f"DROP SCHEMA {schema} CASCADE"))
        admin_engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--changes", type=int, default=1000)
    parser.add_argument("--laptops", type=int, default=200)
    parser.add_argument("--ops", type=int, default=50)
    parser.add_argument("--servers", type=int, default=2)
    parser.add_argument("--database-url", default=os.environ.get("EARLYHELP_TEST_DATABASE_URL"))
    parser.add_argument("--skip-load", action="store_true")
    parser.add_argument("--skip-wire", action="store_true")
    parser.add_argument(
        "--serial", action="store_true", help="section 3 one laptop at a time: the cost of a sync alone"
    )
    parser.add_argument("--load-worker", metavar="CONFIG", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.load_worker:
        load_worker(args.load_worker)
        return
    if not args.skip_wire:
        bench_wire(args.changes)
    if not args.skip_load:
        if not args.database_url:
            print("3. skipped: give --database-url or set EARLYHELP_TEST_DATABASE_URL")
        else:
            bench_load(args.database_url, args.laptops, args.ops, args.servers, args.serial)


if __name__ == "__main__":
    main()
