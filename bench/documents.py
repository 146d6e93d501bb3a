"""Document benchmarks on a synthetic hub of 20,000 families (the store of bench/store.py, built once).

Prints: milliseconds per family plan (issued: record read, content, PDF, the issued version and audit
event written), with where the time goes; and seconds for a batch of 100 plans. Targets: <= 300 ms per
plan, <= 15 s for 100. Runs on a copy of the cached store, so the cache is left as it was.

    .venv/bin/python bench/documents.py [--families 20000] [--sample 40]
"""

from __future__ import annotations

import argparse
import random
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from sqlalchemy import select  # noqa: E402
from store import PASSWORD, demo_store, p95  # noqa: E402

from earlyhelp_desktop.core.documents.content import Issue  # noqa: E402
from earlyhelp_desktop.core.documents.plan import render_plan  # noqa: E402
from earlyhelp_desktop.core.documents.plan_content import build_plan_content  # noqa: E402
from earlyhelp_desktop.core.documents.policy import INTERNAL  # noqa: E402
from earlyhelp_desktop.core.store.models import Episode, Plan  # noqa: E402
from earlyhelp_desktop.core.store.store import Store, Workspace  # noqa: E402


def families_with_plans(ws: Workspace) -> list[str]:
    with ws.read() as session:
        return sorted(
            session.scalars(
                select(Plan.family_id)
                .join(Episode, Episode.id == Plan.episode_id)
                .where(Episode.status == "open", Plan.deleted.is_(False))
            )
        )


def stages(ws: Workspace, family_id: str) -> tuple[float, float, float, float]:
    """Milliseconds to read the record, read the lookups, build the content and render the PDF."""
    docs = ws.services.documents
    t0 = time.perf_counter()
    record, parts = docs.plan_record(family_id)
    t1 = time.perf_counter()
    lookups = docs.lookups(record)
    t2 = time.perf_counter()
    issue = Issue(1, "2026-11-01", ws.user.full_name)
    content = build_plan_content(record, parts, lookups, issue, docs._disclosure(record, INTERNAL, lookups))  # noqa: SLF001
    t3 = time.perf_counter()
    render_plan(content)
    t4 = time.perf_counter()
    return tuple((b - a) * 1000 for a, b in ((t0, t1), (t1, t2), (t2, t3), (t3, t4)))  # type: ignore[return-value]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--families", type=int, default=20_000)
    parser.add_argument("--sample", type=int, default=40, help="plans timed one by one")
    args = parser.parse_args()
    cached = demo_store(args.families, rebuild=False)
    with tempfile.TemporaryDirectory() as folder:
        copy = Path(folder) / "store"
        shutil.copytree(cached, copy, ignore=shutil.ignore_patterns("running", "backups"))
        ws = Store(copy).unlock("demo", PASSWORD)
        try:
            run(ws, args)
        finally:
            ws.lock()


def run(ws: Workspace, args: argparse.Namespace) -> None:
    docs = ws.services.documents
    rng = random.Random(7)
    candidates = families_with_plans(ws)
    chosen = rng.sample(candidates, args.sample + 100 + 5)
    singles, batch, warm = chosen[: args.sample], chosen[args.sample : args.sample + 100], chosen[-5:]
    for family_id in warm:  # fonts registered, modules imported, page cache warm: a working app
        docs.issue_plan(family_id, channel="pdf")

    timings, pages, sizes = [], [], []
    for family_id in singles:
        started = time.perf_counter()
        document = docs.issue_plan(family_id, channel="pdf")
        timings.append((time.perf_counter() - started) * 1000)
        pages.append(document.pages)
        sizes.append(len(document.pdf))
    large = []
    for family_id in singles[:10]:
        started = time.perf_counter()
        docs.issue_plan(family_id, channel="pdf", large_print=True)
        large.append((time.perf_counter() - started) * 1000)
    split = [stages(ws, family_id) for family_id in singles[:15]]
    professional = []
    for family_id in singles[:15]:
        started = time.perf_counter()
        docs.print_document("assessment", family_id, channel="pdf")
        professional.append((time.perf_counter() - started) * 1000)

    started = time.perf_counter()
    result = docs.batch_plans(batch, channel="pdf")
    batch_seconds = time.perf_counter() - started

    print(f"store: {args.families} families ({len(candidates)} open plans)")
    print(
        f"family plan:        median {statistics.median(timings):.0f} ms, p95 {p95(timings):.0f} ms, "
        f"worst {max(timings):.0f} ms over {len(timings)} plans "
        f"({statistics.mean(pages):.1f} pages, {statistics.mean(sizes) / 1024:.0f} KiB on average; "
        "target <= 300 ms)"
    )
    print(f"large print plan:   median {statistics.median(large):.0f} ms over {len(large)} plans")
    names = ("read the record", "lookups", "build the content", "render the PDF")
    parts = ", ".join(f"{n} {statistics.median(s[i] for s in split):.0f} ms" for i, n in enumerate(names))
    print(f"  where it goes:    {parts} (medians; the rest is the issued version and audit)")
    summary_ms = statistics.median(professional)
    print(f"assessment summary: median {summary_ms:.0f} ms over {len(professional)} families")
    print(
        f"100 plans:          {batch_seconds:.1f} s for {len(result.done)} issued "
        f"({len(result.problems)} problems; target <= 15 s)"
    )


if __name__ == "__main__":
    main()
