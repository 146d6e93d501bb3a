"""Store benchmarks on a synthetic hub of 20,000 families (built once, cached in bench/.cache/).

Prints: search-as-you-type p95 (ms), open a family with everything shown (ms), unlock (s), the digest
check that ends each sync (in full, and brought up to date after ten families were edited), and the
SQLCipher / plain SQLite time ratio on the same workload. Targets: <= 30 ms, <= 100 ms, <= 1 s, <= 1.15x.

    .venv/bin/python bench/store.py [--families 20000] [--rebuild]
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import shutil
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sqlalchemy import func, select  # noqa: E402

from earlyhelp_desktop.core.demo import build_demo  # noqa: E402
from earlyhelp_desktop.core.replication.local import MODELS  # noqa: E402
from earlyhelp_desktop.core.replication.verify import count_parts, keep_parts  # noqa: E402
from earlyhelp_desktop.core.services.families import FamilyFilter  # noqa: E402
from earlyhelp_desktop.core.store.database import Database  # noqa: E402
from earlyhelp_desktop.core.store.models import Family, Person, Staff  # noqa: E402
from earlyhelp_desktop.core.store.store import Store, Workspace  # noqa: E402

PASSWORD = "bench-password"
CACHE = ROOT / "bench" / ".cache"


def demo_store(families: int, rebuild: bool) -> Path:
    directory = CACHE / f"store-{families}"
    if rebuild and directory.exists():
        shutil.rmtree(directory)
    if not (directory / "keyslots.json").exists():
        shutil.rmtree(directory, ignore_errors=True)
        print(f"building a {families}-family demo store (once) ...", flush=True)
        started = time.perf_counter()
        ws = Store.create(
            directory,
            username="demo",
            full_name="Dee Demo",
            password=PASSWORD,
            demo=True,
            hub_name="Torbay North",
        )
        summary = build_demo(ws, families=families, seed=1, today=dt.date(2026, 11, 1))
        ws.lock()
        print(f"  {summary} in {time.perf_counter() - started:.0f} s", flush=True)
    return directory


def p95(samples: list[float]) -> float:
    return statistics.quantiles(samples, n=20)[-1] if len(samples) >= 20 else max(samples)


def typed_prefixes(ws: Workspace, count: int, rng: random.Random) -> list[str]:
    """What people type: the first letters of surnames and first names, growing one key at a time."""
    with ws.read() as session:
        names = list(session.scalars(select(Person.family_name).limit(5000)))
        names += list(session.scalars(select(Person.given_name).limit(5000)))
    prefixes = []
    for name in rng.sample(names, count):
        for length in range(1, min(len(name), 6) + 1):
            prefixes.append(name[:length])
    return prefixes


def search_workload(ws: Workspace, prefixes: list[str]) -> list[float]:
    timings = []
    for prefix in prefixes:
        started = time.perf_counter()
        ws.services.families.search(FamilyFilter(text=prefix), limit=50)
        timings.append((time.perf_counter() - started) * 1000)
    return timings


def open_workload(ws: Workspace, family_ids: list[str]) -> list[float]:
    timings = []
    for family_id in family_ids:
        started = time.perf_counter()
        ws.services.record.open(family_id)
        timings.append((time.perf_counter() - started) * 1000)
    return timings


def digest_check(ws: Workspace, family_ids: list[str]) -> tuple[float, float, int]:
    """The digest check that ends a sync: every row counted (the first check), then again after ten
    families were edited (the kept parts brought up to date). Returns both times and the rows."""
    with ws.read() as session:
        started = time.perf_counter()
        counted = count_parts(session, whole=True)
        whole = time.perf_counter() - started
        rows = sum(session.scalar(select(func.count()).select_from(m)) or 0 for m in MODELS.values())
    with ws.write() as session:
        keep_parts(session, counted)
    names = {}
    for family_id in family_ids[:10]:
        names[family_id] = ws.services.record.open(family_id).family.display_name
        ws.services.families.update(family_id, display_name=names[family_id] + " (bench)")
    with ws.read() as session:
        started = time.perf_counter()
        counted = count_parts(session)
        partly = time.perf_counter() - started
        assert counted.partly
    for family_id, name in names.items():  # as it was, for the next run
        ws.services.families.update(family_id, display_name=name)
    return whole, partly, rows


def plain_copy(ws: Workspace, target: Path) -> Path:
    """The same store decrypted into a plain SQLite file (sqlcipher_export), for the overhead ratio."""
    target.unlink(missing_ok=True)
    connection = ws.db.connect()
    try:
        connection.execute(f"ATTACH DATABASE '{target}' AS plaintext KEY ''")
        connection.execute("SELECT sqlcipher_export('plaintext')")
        connection.execute("DETACH DATABASE plaintext")
    finally:
        connection.close()
    return target


def workspace_on(ws: Workspace, db: Database) -> Workspace:
    with db.read() as session:
        staff = session.get(Staff, ws.user.user_id)
        assert staff is not None
    meta = {"store_id": ws.store_id, "device_id": ws.device_id, "demo": "1", "home_hub_id": ws.home_hub_id}
    from earlyhelp_desktop.core.store.running import RunningMarker

    return Workspace(ws.store, db, b"", staff, meta, RunningMarker(db.path.parent), unclean=False)


def timed(fn: Callable[[], object], repeat: int = 3) -> float:
    best = float("inf")
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - started)
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--families", type=int, default=20_000)
    parser.add_argument("--rebuild", action="store_true")
    args = parser.parse_args()
    directory = demo_store(args.families, args.rebuild)
    store = Store(directory)

    unlocks = []
    for _ in range(3):
        started = time.perf_counter()
        ws = store.unlock("demo", PASSWORD)
        unlocks.append(time.perf_counter() - started)
        ws.lock()
    ws = store.unlock("demo", PASSWORD)
    rng = random.Random(5)
    with ws.read() as session:
        all_ids = list(session.scalars(select(Family.id)))
    family_ids = rng.sample(all_ids, 100)
    prefixes = typed_prefixes(ws, 60, rng)

    search_workload(ws, prefixes[:30])  # warm the page cache, as a working app would be
    searches = search_workload(ws, prefixes)
    opens = open_workload(ws, family_ids)
    digest_whole, digest_partly, rows = digest_check(ws, family_ids)

    plain_path = plain_copy(ws, CACHE / f"plain-{args.families}.db")
    plain_db = Database(plain_path, None)
    plain_ws = workspace_on(ws, plain_db)

    def cipher_run() -> None:
        search_workload(ws, prefixes)
        open_workload(ws, family_ids[:40])

    def plain_run() -> None:
        search_workload(plain_ws, prefixes)
        open_workload(plain_ws, family_ids[:40])

    cipher_run(), plain_run()  # warm both
    t_cipher, t_plain = timed(cipher_run), timed(plain_run)
    plain_db.dispose()
    plain_path.unlink(missing_ok=True)
    ws.lock()

    print(f"store: {args.families} families, {directory}")
    print(
        f"search as you type: p95 {p95(searches):.1f} ms, median {statistics.median(searches):.1f} ms "
        f"over {len(searches)} keystrokes (target <= 30 ms)"
    )
    print(
        f"open a family:      p95 {p95(opens):.1f} ms, median {statistics.median(opens):.1f} ms "
        f"over {len(opens)} families (target <= 100 ms)"
    )
    print(f"unlock:             {min(unlocks):.2f} s best, {max(unlocks):.2f} s worst (target <= 1 s)")
    print(
        f"digest check:       {digest_whole:.2f} s counting all {rows:,} rows (a laptop's first check); "
        f"{digest_partly * 1000:.0f} ms after ten families were edited (each later sync)"
    )
    print(
        f"SQLCipher vs plain: {t_cipher / t_plain:.2f}x ({t_cipher:.2f} s vs {t_plain:.2f} s, same workload; "
        "target <= 1.15x)"
    )


if __name__ == "__main__":
    main()
