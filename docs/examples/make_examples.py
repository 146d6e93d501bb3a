"""Makes the example documents in this folder from a small synthetic demo hub (invented people only).

    .venv/bin/python docs/examples/make_examples.py

Writes one PDF of each document (the family plan in normal and large print, the assessment summary,
the review record, the closure summary) and a PNG of each one's first page (needs pdftoppm from
poppler-utils). The demo store is built in a temporary folder and deleted afterwards.
"""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
sys.path.insert(0, str(ROOT))

from sqlalchemy import select  # noqa: E402

from earlyhelp_desktop.core.crypto.kdf import KdfParams  # noqa: E402
from earlyhelp_desktop.core.demo import build_demo  # noqa: E402
from earlyhelp_desktop.core.services.documents import PrintedDocument  # noqa: E402
from earlyhelp_desktop.core.store.models import OutcomeMeasure  # noqa: E402
from earlyhelp_desktop.core.store.store import Store, Workspace  # noqa: E402

# A throwaway store: cheap key derivation is fine here (never in a real store).
THROWAWAY_KDF = KdfParams(salt=b"\0" * 16, memory_kib=8 * 1024, iterations=1, lanes=1)


def first_with(ws: Workspace, surname: str, kind: str, *more: str) -> str:
    """The first demo family called ``surname`` (else one of ``more``) that has what ``kind`` needs."""
    candidates = [s for name in (surname, *more) for s in ws.services.families.search(name, limit=20)]
    for summary in candidates:
        record = ws.services.record.open(summary.id, audit=False)
        if kind == "plan" and record.current and record.current.plan:
            return summary.id
        if kind == "review" and any(e.reviews for e in record.episodes):
            return summary.id
        if kind == "closure" and any(e.closure for e in record.episodes):
            return summary.id
    raise SystemExit(f"no {surname} family with a {kind} in the demo")


def score_again(ws: Workspace, family_id: str) -> None:
    """The family scores themselves again at a review (a little better in most areas), so the plan
    shows their previous rating beside the latest."""
    with ws.read() as session:
        baseline = (
            session.scalars(
                select(OutcomeMeasure.scores).where(
                    OutcomeMeasure.family_id == family_id, OutcomeMeasure.instrument_code == "family_scale"
                )
            ).first()
            or {}
        )
    items = ws.services.outcomes.instrument("family_scale").items
    scores = {i.code: min(5, int(baseline.get(i.code, 2)) + (1 if n % 3 else 0)) for n, i in enumerate(items)}
    taken = dt.date.today() - dt.timedelta(days=14)
    ws.services.outcomes.record(family_id, "family_scale", scores, taken_on=taken, context="review")


def save(document: PrintedDocument, name: str) -> None:
    pdf = HERE / f"{name}.pdf"
    pdf.write_bytes(document.pdf)
    try:
        subprocess.run(
            ["pdftoppm", "-png", "-r", "75", "-f", "1", "-l", "1", "-singlefile", str(pdf), str(HERE / name)],
            check=True,
        )
    except FileNotFoundError:
        print("pdftoppm not found (apt-get install poppler-utils): PNGs not made")
    print(f"{pdf.relative_to(ROOT)}: {document.pages} pages")


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        ws = Store.create(
            Path(folder) / "store",
            username="demo",
            full_name="Dee Demo",
            password="demo-password",
            demo=True,
            hub_name="Torbay North",
            fixed_kdf=THROWAWAY_KDF,
        )
        try:
            build_demo(ws, families=60, seed=1, today=dt.date.today())
            docs = ws.services.documents
            family = first_with(ws, "Ó Briain", "plan")
            score_again(ws, family)
            save(docs.issue_plan(family, channel="pdf"), "family-plan")
            save(docs.issue_plan(family, channel="pdf", large_print=True), "family-plan-large-print")
            save(docs.print_document("assessment", family, channel="pdf"), "assessment-summary")
            save(
                docs.print_document(
                    "review", first_with(ws, "Llŷr", "review", "Nguyễn", "Wójcik", "Ó Briain"), channel="pdf"
                ),
                "review-record",
            )
            save(
                docs.print_document(
                    "closure",
                    first_with(ws, "Nguyễn", "closure", "Wójcik", "Llŷr", "Ó Briain", ""),
                    channel="pdf",
                ),
                "closure-summary",
            )
        finally:
            ws.lock()


if __name__ == "__main__":
    main()
