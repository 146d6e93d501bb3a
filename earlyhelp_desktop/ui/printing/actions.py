"""Ready-made wiring for the buttons on a family's record and the caseload screens.

Each function does its store work through the runner (the database worker) and opens its dialog on the
GUI thread when the document is ready; errors (no plan yet, not permitted for that agency) go to
``on_error`` as a message to show::

    preview_family_plan(ctx.ws, family_id, runner=ctx.tasks.db, parent=self, on_error=self.show_message)
    print_reviews_due(ctx.ws, monday, sunday, runner=ctx.tasks.db, parent=self, on_error=...)
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from PySide6.QtWidgets import QDialog, QWidget

from earlyhelp_desktop.core.documents.words import long_date
from earlyhelp_desktop.core.services.documents import Channel, Deliver, PrintedDocument
from earlyhelp_desktop.core.store.store import Workspace
from earlyhelp_desktop.ui.printing.batch import BatchOptions, BatchPrintDialog
from earlyhelp_desktop.ui.printing.preview import PdfPreviewDialog
from earlyhelp_desktop.ui.printing.runner import Runner, describe

Shown = Callable[[QWidget], None]
Message = Callable[[str], None]

PLAN_NOTE = (
    "This is a preview. Printing or saving gives the family a new version of their plan, numbered and "
    "dated on every page, and records that you did."
)


def _report(on_error: Message | None) -> Callable[[BaseException], None]:
    return lambda error: on_error(describe(error)) if on_error else None


def _show(dialog: QDialog, on_shown: Shown | None) -> None:
    dialog.setModal(True)
    dialog.show()
    if on_shown is not None:
        on_shown(dialog)


def preview_family_plan(
    ws: Workspace,
    family_id: str,
    *,
    runner: Runner,
    large_print: bool = False,
    for_agency: str | None = None,
    parent: QWidget | None = None,
    on_error: Message | None = None,
    on_shown: Shown | None = None,
    on_issued: Callable[[PrintedDocument], None] | None = None,
) -> None:
    """Preview "Our family plan" (for an agency if given), then Print or Save as PDF (each issues a new
    version)."""
    docs = ws.services.documents

    def issuer(channel: str, deliver: Deliver) -> PrintedDocument:
        return docs.issue_plan(
            family_id,
            channel=_channel(channel),
            large_print=large_print,
            for_agency=for_agency,
            deliver=deliver,
        )

    def ready(preview: PrintedDocument) -> None:
        dialog = PdfPreviewDialog(
            preview.pdf,
            "Our family plan" + (" (large print)" if large_print else ""),
            runner=runner,
            issuer=issuer,
            note=PLAN_NOTE,
            suggested_name=f"{preview.file_stem.replace(' preview', '')}.pdf",
            parent=parent,
        )
        if on_issued is not None:
            dialog.issued.connect(on_issued)
        _show(dialog, on_shown)

    runner(
        lambda: docs.preview_plan(family_id, large_print=large_print, for_agency=for_agency),
        ready,
        _report(on_error),
    )


def preview_document(
    ws: Workspace,
    kind: str,
    family_id: str,
    *,
    runner: Runner,
    for_agency: str | None = None,
    parent: QWidget | None = None,
    on_error: Message | None = None,
    on_shown: Shown | None = None,
) -> None:
    """Preview an assessment summary, review record or closure summary (for an agency if given)."""
    docs = ws.services.documents

    def issuer(channel: str, deliver: Deliver) -> PrintedDocument:
        return docs.print_document(
            kind, family_id, channel=_channel(channel), for_agency=for_agency, deliver=deliver
        )

    def ready(preview: PrintedDocument) -> None:
        note = f"Prepared for {preview.prepared_for}. Printing or saving is recorded."
        dialog = PdfPreviewDialog(
            preview.pdf,
            preview.title,
            runner=runner,
            issuer=issuer,
            note=note,
            suggested_name=f"{preview.file_stem}.pdf",
            parent=parent,
        )
        _show(dialog, on_shown)

    runner(lambda: docs.preview(kind, family_id, for_agency=for_agency), ready, _report(on_error))


def print_reviews_due(
    ws: Workspace,
    start: dt.date,
    end: dt.date,
    *,
    runner: Runner,
    parent: QWidget | None = None,
    on_error: Message | None = None,
    on_shown: Shown | None = None,
) -> None:
    """The batch dialog for the plans of every family whose review falls from ``start`` to ``end``."""
    when = f"from {long_date(start)} to {long_date(end)}" if start != end else f"on {long_date(start)}"

    def ready(ids: Any) -> None:
        print_plans(
            ws,
            list(ids),
            f"Plans for the families with a review {when}",
            runner=runner,
            parent=parent,
            on_shown=on_shown,
        )

    runner(lambda: ws.services.documents.reviews_due(start, end), ready, _report(on_error))


def print_plans(
    ws: Workspace,
    family_ids: list[str],
    heading: str,
    *,
    runner: Runner,
    parent: QWidget | None = None,
    on_shown: Shown | None = None,
) -> BatchPrintDialog:
    """The batch dialog for these families' plans: printer or folder, progress, Cancel, problems listed."""
    docs = ws.services.documents

    def run_batch(o: BatchOptions) -> Any:
        return docs.batch_plans(
            family_ids,
            channel=o.channel,
            large_print=o.large_print,
            deliver=o.deliver,
            progress=o.progress,
            cancelled=o.cancelled,
        )

    dialog = BatchPrintDialog(len(family_ids), heading, run_batch=run_batch, runner=runner, parent=parent)
    _show(dialog, on_shown)
    return dialog


def _channel(channel: str) -> Channel:
    return "pdf" if channel == "pdf" else "print"
