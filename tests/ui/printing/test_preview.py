"""The preview dialog with a real store, a real QPdfView and a real QPrinter writing a PDF file."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader
from PySide6.QtCore import QTimer
from PySide6.QtPrintSupport import QPrinter
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget
from sqlalchemy import select

from earlyhelp_desktop.core.services.documents import Deliver, PrintedDocument
from earlyhelp_desktop.core.store.models import AuditEvent, IssuedPlan
from earlyhelp_desktop.core.store.store import Workspace
from earlyhelp_desktop.ui.printing.preview import LEAVES_STORE, PdfPreviewDialog, warn_before_saving
from earlyhelp_desktop.ui.printing.render import print_pdf
from earlyhelp_desktop.ui.printing.runner import ThreadRunner
from tests.family_builder import FamilyIds, add_family, flat


@pytest.fixture
def family(workspace: Workspace) -> FamilyIds:
    return add_family(workspace)


def to_pdf_file(path: Path) -> Any:
    """A stand-in for the system print dialog: the user picks "Print to file"."""

    def choose(printer: QPrinter, parent: QWidget) -> bool:
        printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
        printer.setOutputFileName(str(path))
        printer.setResolution(120)
        return True

    return choose


def make_dialog(
    qtbot: Any, ws: Workspace, ids: FamilyIds, **kwargs: Any
) -> tuple[PdfPreviewDialog, ThreadRunner]:
    docs = ws.services.documents
    preview = docs.preview_plan(ids.family_id)
    runner = ThreadRunner()

    def issuer(channel: str, deliver: Deliver) -> PrintedDocument:
        return docs.issue_plan(ids.family_id, channel=channel, deliver=deliver)  # type: ignore[arg-type]

    dialog = PdfPreviewDialog(
        preview.pdf,
        preview.title,
        runner=runner,
        issuer=issuer,
        suggested_name=f"{preview.file_stem}.pdf",
        **kwargs,
    )
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog, runner


def issued_rows(ws: Workspace) -> list[tuple[int, str]]:
    with ws.read() as session:
        return [
            (r.number, r.channel) for r in session.scalars(select(IssuedPlan).order_by(IssuedPlan.number))
        ]


def test_the_preview_shows_every_page(qtbot: Any, workspace: Workspace, family: FamilyIds) -> None:
    dialog, _ = make_dialog(qtbot, workspace, family)
    document = dialog.view.document()
    assert document is not None and document.pageCount() == dialog.page_count >= 2
    assert dialog.page_label.text() == f"Page 1 of {dialog.page_count}"
    assert dialog.view.accessibleName().startswith("Preview of Our family plan")
    assert dialog.print_button.isEnabled() and dialog.save_button.isEnabled()
    assert issued_rows(workspace) == []  # looking is not issuing


def test_print_issues_a_version_and_prints_every_page(
    qtbot: Any, workspace: Workspace, family: FamilyIds, tmp_path: Path
) -> None:
    out = tmp_path / "printed.pdf"
    dialog, runner = make_dialog(qtbot, workspace, family, choose_printer=to_pdf_file(out))
    with qtbot.waitSignal(dialog.issued, timeout=30_000) as signal:
        dialog.print_button.click()
        assert not dialog.print_button.isEnabled()  # busy while the print is recorded
    document: PrintedDocument = signal.args[0]
    assert document.number == 1 and issued_rows(workspace) == [(1, "print")]
    assert len(PdfReader(out).pages) == document.pages
    assert dialog.status.text().startswith("Printed Our family plan, version 1")
    assert "Version 1, given to us on" in flat(document.pdf)
    assert dialog.page_count == document.pages and dialog.print_button.isEnabled()


def test_a_cancelled_print_dialog_prints_and_records_nothing(
    qtbot: Any, workspace: Workspace, family: FamilyIds
) -> None:
    dialog, _ = make_dialog(qtbot, workspace, family, choose_printer=lambda printer, parent: False)
    dialog.print_button.click()
    assert dialog.status.text() == "Printing cancelled. Nothing was printed."
    assert issued_rows(workspace) == []


def test_a_printer_that_fails_records_nothing(qtbot: Any, workspace: Workspace, family: FamilyIds) -> None:
    dialog, _ = make_dialog(
        qtbot, workspace, family, choose_printer=to_pdf_file(Path("/proc/no/printer.pdf"))
    )
    dialog.print_button.click()
    qtbot.waitUntil(lambda: dialog.print_button.isEnabled(), timeout=30_000)
    assert dialog.status.text().startswith("The printer could not be started")
    assert issued_rows(workspace) == []
    with workspace.read() as session:
        assert session.scalars(select(AuditEvent).where(AuditEvent.action == "print")).all() == []


def test_save_as_pdf_warns_then_saves_exactly_what_was_issued(
    qtbot: Any, workspace: Workspace, family: FamilyIds, tmp_path: Path
) -> None:
    target = tmp_path / "plan.pdf"
    asked: list[str] = []

    def choose_path(parent: QWidget, suggested: str) -> Path:
        asked.append(suggested)
        return target

    dialog, _ = make_dialog(
        qtbot, workspace, family, confirm_save=lambda parent: True, choose_path=choose_path
    )
    with qtbot.waitSignal(dialog.issued, timeout=30_000) as signal:
        dialog.save_button.click()
    document: PrintedDocument = signal.args[0]
    assert target.read_bytes() == document.pdf
    assert asked == [f"{family.reference} family plan preview.pdf"]
    assert issued_rows(workspace) == [(1, "pdf")]
    assert str(target) in dialog.status.text()


def test_declining_the_warning_saves_nothing(qtbot: Any, workspace: Workspace, family: FamilyIds) -> None:
    dialog, _ = make_dialog(qtbot, workspace, family, confirm_save=lambda parent: False)
    dialog.save_button.click()
    assert dialog.status.text() == "Not saved." and issued_rows(workspace) == []


def test_the_warning_says_the_file_leaves_the_encrypted_store(qtbot: Any) -> None:
    parent = QWidget()
    qtbot.addWidget(parent)
    seen: list[str] = []

    def answer() -> None:
        box = QApplication.activeModalWidget()
        assert isinstance(box, QMessageBox)
        seen.append(box.text())
        box.button(QMessageBox.StandardButton.Cancel).click()

    QTimer.singleShot(0, answer)
    assert warn_before_saving(parent) is False
    assert seen == [LEAVES_STORE] and "outside the encrypted store" in LEAVES_STORE


def test_print_pdf_puts_each_page_on_paper(qapp: Any, tmp_path: Path) -> None:
    from earlyhelp_desktop.core.documents.plan import render_plan
    from tests.core.documents.test_layout import minimal_plan

    long = "\n\n".join("We talked about our week. " * 30 for _ in range(12))
    built = render_plan(minimal_plan(about_us=long))
    printer = QPrinter()
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(tmp_path / "out.pdf"))
    printer.setResolution(96)
    pages: list[tuple[int, int]] = []
    assert print_pdf(built.pdf, printer, on_page=lambda i, n: pages.append((i, n))) == built.pages >= 2
    assert pages[-1] == (built.pages, built.pages)
    assert len(PdfReader(io.BytesIO((tmp_path / "out.pdf").read_bytes())).pages) == built.pages
