"""Prints how long the case-work queries take on a synthetic hub (default 20,000 families).

    .venv/bin/python bench/services.py [--store DIR] [--families N] [--rounds R]

Builds the demo store once (``earlyhelp demo``, password "demo") and reuses it. Figures are the
median and 95th percentile in milliseconds over ``--rounds`` calls, each on the warm store, as a screen
would call them: My caseload and its counts, reviews due and overdue, the sign-off queue, unanswered
referrals, a family's contacts timeline and episode history, the assessment editor, directory search and
a page of the audit trail.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

from sqlalchemy import func, select

from earlyhelp_desktop.cli.main import main as cli
from earlyhelp_desktop.core.services.audit import AuditFilter
from earlyhelp_desktop.core.store.models import Assessment, Family
from earlyhelp_desktop.core.store.store import Store, Workspace


def timed(call: Callable[[], object], rounds: int) -> tuple[float, float]:
    samples = []
    call()  # warm the page cache and the statement cache
    for _ in range(rounds):
        start = time.perf_counter()
        call()
        samples.append((time.perf_counter() - start) * 1000)
    samples.sort()
    return statistics.median(samples), samples[min(len(samples) - 1, int(len(samples) * 0.95))]


def ensure_store(directory: Path, families: int) -> None:
    if (directory / "keyslots.json").exists():
        return
    print(f"Building a demo store of {families} families in {directory} (once)...", file=sys.stderr)
    code = cli(["demo", "--store", str(directory), "--families", str(families)])  # password "demo"
    if code != 0:
        raise SystemExit(code)


def run(ws: Workspace, rounds: int) -> list[tuple[str, float, float]]:
    rng = random.Random(1)
    with ws.read() as session:
        busiest = session.execute(
            select(Family.lead_worker_id, func.count())
            .where(Family.status == "open")
            .group_by(Family.lead_worker_id)
            .order_by(func.count().desc())
            .limit(1)
        ).one()[0]
        family_ids = list(session.scalars(select(Family.id).limit(5000)))
        assessment_ids = list(session.scalars(select(Assessment.id).limit(5000)))
    s = ws.services
    checks: list[tuple[str, Callable[[], object]]] = [
        ("My caseload (busiest worker)", lambda: s.caseload.mine(busiest)),
        ("Counts for the status bar", lambda: s.caseload.counts(busiest)),
        ("Reviews due in 14 days (hub)", lambda: s.reviews.due(14)),
        ("Reviews overdue (hub)", lambda: s.reviews.overdue()),
        ("Sign-off queue", lambda: s.caseload.sign_off_queue()),
        ("Unanswered referrals", lambda: s.links.unanswered()),
        ("Contacts timeline, first page", lambda: s.contacts.timeline(rng.choice(family_ids))),
        ("Episode history", lambda: s.episodes.history(rng.choice(family_ids))),
        ("Assessment editor view", lambda: s.assessments.view(rng.choice(assessment_ids))),
        ("Directory search 'ca'", lambda: s.directory.search("ca")),
        ("Audit trail, one family", lambda: s.audit.query(AuditFilter(family_id=rng.choice(family_ids)))),
    ]
    return [(name, *timed(call, rounds)) for name, call in checks]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--store", type=Path, default=Path(".bench-store"))
    parser.add_argument("--families", type=int, default=20_000)
    parser.add_argument("--rounds", type=int, default=30)
    parser.add_argument("--password", default="demo", help="the demo supervisor's password")
    args = parser.parse_args()
    ensure_store(args.store, args.families)
    ws = Store(args.store).unlock("demo", args.password)
    try:
        with ws.read() as session:
            families = session.scalar(select(func.count()).select_from(Family))
        print(f"{families} families in {args.store}; {args.rounds} rounds each")
        print(f"{'query':36} {'median ms':>10} {'p95 ms':>10}")
        for name, median, p95 in run(ws, args.rounds):
            print(f"{name:36} {median:10.1f} {p95:10.1f}")
    finally:
        ws.lock()


if __name__ == "__main__":
    main()
