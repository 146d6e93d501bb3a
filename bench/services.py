"""Prints how long the case-work queries take on a synthetic hub (default 20,000 families).

    .venv/bin/python bench/services.py [--families N] [--rounds R] [--store DIR --password P]

Uses the demo store bench/store.py builds once (bench/.cache/store-N), or any demo store given with
--store and its supervisor's --password. Figures are the median and 95th percentile in milliseconds
over ``--rounds`` calls on the warm store, as a screen would call them: My caseload and its counts,
reviews due and overdue, the sign-off queue, unanswered referrals, a family's contacts timeline and
episode history, the assessment editor, directory search and a page of the audit trail.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from sqlalchemy import func, select  # noqa: E402
from store import PASSWORD, demo_store  # noqa: E402 - bench/store.py builds and caches the demo hub

from earlyhelp_desktop.core.services.audit import AuditFilter  # noqa: E402
from earlyhelp_desktop.core.store.models import Assessment, Family  # noqa: E402
from earlyhelp_desktop.core.store.store import Store, Workspace  # noqa: E402


def timed(call: Callable[[], object], rounds: int) -> tuple[float, float]:
    samples = []
    call()  # warm the page cache and the statement cache
    for _ in range(rounds):
        start = time.perf_counter()
        call()
        samples.append((time.perf_counter() - start) * 1000)
    samples.sort()
    return statistics.median(samples), samples[min(len(samples) - 1, int(len(samples) * 0.95))]


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
    parser.add_argument("--store", type=Path, help="a demo store (default: bench/.cache/store-N)")
    parser.add_argument("--password", default=PASSWORD, help="its supervisor 'demo''s password")
    parser.add_argument("--families", type=int, default=20_000)
    parser.add_argument("--rounds", type=int, default=30)
    args = parser.parse_args()
    directory = args.store or demo_store(args.families, rebuild=False)
    ws = Store(directory).unlock("demo", args.password)
    try:
        with ws.read() as session:
            families = session.scalar(select(func.count()).select_from(Family))
        print(f"{families} families in {directory}; {args.rounds} rounds each")
        print(f"{'query':36} {'median ms':>10} {'p95 ms':>10}")
        for name, median, p95 in run(ws, args.rounds):
            print(f"{name:36} {median:10.1f} {p95:10.1f}")
    finally:
        ws.lock()


if __name__ == "__main__":
    main()
