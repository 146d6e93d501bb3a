"""The batch dialog: plans for this week's reviews, progress, problems listed, and a real Cancel."""

from __future__ import annotations

import datetime as dt
import threading
from pathlib import Path
from typing import Any

from pypdf import PdfReader
from PySide6.QtPrintSupport import QPrinter
from PySide6.QtWidgets import QWidget
from sqlalchemy import select

from earlyhelp_desktop.core.services.documents import BatchItem, BatchResult
from earlyhelp_desktop.core.store.models import IssuedPlan
from earlyhelp_desktop.core.store.store import Workspace
from earlyhelp_desktop.ui.printing.batch import BatchOptions, BatchPrintDialog
from earlyhelp_desktop.ui.printing.runner import ThreadRunner
from tests.family_builder import TODAY, add_family, font_sizes


def families(ws: Workspace, count: int, *, without_plan: int = 0) -> list[str]:
    ids = [add_family(ws, name=f"Family {n}").family_id for n in range(count)]
    ids += [add_family(ws, name=f"No plan {n}", with_plan=False).family_id for n in range(without_plan)]
    return ids


def dialog_for(
    qtbot: Any, ws: Workspace, ids: list[str], gate: threading.Event | None = None, **kw: Any
) -> BatchPrintDialog:
    docs = ws.services.documents

    def run_batch(o: BatchOptions) -> BatchResult:
        def progress(item: BatchItem) -> None:
            o.progress(item)
            if gate is not None and item.index == 1:
                gate.wait(10)  # hold the worker after the first plan until the test has pressed Cancel

        return docs.batch_plans(
            ids,
            channel=o.channel,
            large_print=o.large_print,
            deliver=o.deliver,
            progress=progress,
            cancelled=o.cancelled,
        )

    dialog = BatchPrintDialog(
        len(ids),
        "Plans for the families with a review this week",
        run_batch=run_batch,
        runner=ThreadRunner(),
        **kw,
    )
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def result_pages(ws: Workspace, family_id: str) -> int:
    with ws.read() as session:
        row = session.scalars(select(IssuedPlan).where(IssuedPlan.family_id == family_id)).one()
    return ws.services.documents.reprint(row.id).pages


def issued_families(ws: Workspace) -> list[str]:
    with ws.read() as session:
        return list(session.scalars(select(IssuedPlan.family_id)))


def test_this_weeks_plans_saved_to_a_folder(qtbot: Any, workspace: Workspace, tmp_path: Path) -> None:
    families(workspace, 3)
    due = workspace.services.documents.reviews_due(TODAY, TODAY + dt.timedelta(days=6))
    folder = tmp_path / "plans"
    folder.mkdir()
    dialog = dialog_for(qtbot, workspace, due, confirm_save=lambda p: True, choose_folder=lambda p: folder)
    dialog.to_folder.setChecked(True)
    dialog.large_print.setChecked(True)
    with qtbot.waitSignal(dialog.finished_batch, timeout=60_000) as signal:
        dialog.start_button.click()
        assert dialog.cancel_button.isEnabled() and not dialog.close_button.isEnabled()
    result: BatchResult = signal.args[0]
    assert len(result.done) == 3 and not result.cancelled
    assert dialog.progress.value() == 3 and dialog.status.text() == "Printed 3 of 3 plans."
    files = sorted(folder.iterdir())
    assert [f.name for f in files] == sorted(f"{d.file_stem}.pdf" for d in result.done)
    assert all(f.name.endswith("family plan v1.pdf") for f in files)
    assert min(size for size, _ in font_sizes(files[0].read_bytes())) >= 16
    assert sorted(issued_families(workspace)) == sorted(due)
    assert dialog.close_button.isEnabled() and not dialog.start_button.isEnabled()


def test_cancel_stops_after_the_plan_in_hand(qtbot: Any, workspace: Workspace, tmp_path: Path) -> None:
    ids = families(workspace, 4)
    gate = threading.Event()
    dialog = dialog_for(
        qtbot, workspace, ids, gate, confirm_save=lambda p: True, choose_folder=lambda p: tmp_path
    )
    dialog.to_folder.setChecked(True)
    dialog.start_button.click()
    qtbot.waitUntil(lambda: dialog.progress.value() == 1, timeout=30_000)
    dialog.cancel_button.click()
    assert dialog.status.text() == "Stopping after this plan…"
    with qtbot.waitSignal(dialog.finished_batch, timeout=30_000) as signal:
        gate.set()
    result: BatchResult = signal.args[0]
    assert result.cancelled and len(result.done) == 1
    assert "Stopped when you pressed Cancel: 3 were not printed or recorded." in dialog.status.text()
    assert issued_families(workspace) == [ids[0]]
    assert [p.suffix for p in tmp_path.iterdir() if p.is_file()] == [".pdf"]


def test_problems_are_listed_and_the_rest_still_print(
    qtbot: Any, workspace: Workspace, tmp_path: Path
) -> None:
    ids = families(workspace, 2, without_plan=1)
    out = tmp_path / "printer.pdf"

    def choose_printer(printer: QPrinter, parent: QWidget) -> bool:
        printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
        printer.setOutputFileName(str(out))
        printer.setResolution(96)
        return True

    dialog = dialog_for(qtbot, workspace, ids, choose_printer=choose_printer)
    with qtbot.waitSignal(dialog.finished_batch, timeout=60_000):
        dialog.start_button.click()
    assert "The No plan 0 family has no plan yet" in dialog.problems.toPlainText()
    assert dialog.status.text() == "Printed 2 of 3 plans. 1 could not be printed."
    assert len(PdfReader(out).pages) == result_pages(workspace, ids[1])  # the printer got the last plan whole
    assert len(issued_families(workspace)) == 2


def test_declining_the_printer_or_the_warning_does_nothing(qtbot: Any, workspace: Workspace) -> None:
    ids = families(workspace, 1)
    dialog = dialog_for(
        qtbot, workspace, ids, choose_printer=lambda p, w: False, confirm_save=lambda w: False
    )
    dialog.start_button.click()
    assert dialog.status.text() == "Printing cancelled. Nothing was printed."
    dialog.to_folder.setChecked(True)
    dialog.start_button.click()
    assert dialog.status.text() == "Not saved."
    assert issued_families(workspace) == [] and dialog.start_button.isEnabled()


def test_nothing_to_print(qtbot: Any, workspace: Workspace) -> None:
    dialog = dialog_for(qtbot, workspace, [])
    assert not dialog.start_button.isEnabled()
