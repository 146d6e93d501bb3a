"""Preview a document, then print it or save it as a PDF.

The dialog shows the preview's pages (QtPdf). "Print…" opens the system print dialog, then asks the
*issuer* (a documents-service call, run through the runner on the database worker) to issue and print in
one transaction: if the printer fails, nothing is recorded. "Save as PDF…" first warns that the file will
leave the encrypted store. After a print or save the dialog shows exactly what was issued.

Wiring in a screen::

    doc = ...  # ws.services.documents.preview_plan(family_id), fetched on the database worker
    dialog = PdfPreviewDialog(
        doc.pdf, doc.title, runner=ctx.tasks.db, suggested_name=f"{doc.file_stem}.pdf",
        issuer=lambda channel, deliver: ws.services.documents.issue_plan(
            family_id, channel=channel, deliver=deliver),
    )
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QPointF, Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtPdfWidgets import QPdfView
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import (
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from earlyhelp_desktop.core.services.documents import Deliver, PrintedDocument
from earlyhelp_desktop.ui.printing.render import LoadedPdf, new_printer, print_pdf, save_pdf
from earlyhelp_desktop.ui.printing.runner import Runner, describe

Issuer = Callable[
    [str, Deliver], PrintedDocument
]  # (channel "print" | "pdf", deliver) -> the issued document
ChoosePrinter = Callable[[QPrinter, QWidget], bool]
ConfirmSave = Callable[[QWidget], bool]
ChoosePath = Callable[[QWidget, str], Path | None]

LEAVES_STORE = (
    "The PDF will be saved outside the encrypted store. Anyone who can open the file can read it. "
    "Save it only where your organisation allows (not a shared or removable drive), and delete it when "
    "you no longer need it."
)


def system_print_dialog(printer: QPrinter, parent: QWidget) -> bool:
    dialog = QPrintDialog(printer, parent)
    dialog.setWindowTitle("Print")
    return dialog.exec() == QDialog.DialogCode.Accepted


def warn_before_saving(parent: QWidget) -> bool:
    box = QMessageBox(QMessageBox.Icon.Warning, "Save as PDF", LEAVES_STORE, parent=parent)
    save = box.addButton("Save outside the store", QMessageBox.ButtonRole.AcceptRole)
    box.addButton(QMessageBox.StandardButton.Cancel)
    box.setDefaultButton(QMessageBox.StandardButton.Cancel)
    box.exec()
    return box.clickedButton() is save


def ask_for_path(parent: QWidget, suggested: str) -> Path | None:
    name, _ = QFileDialog.getSaveFileName(parent, "Save as PDF", suggested, "PDF documents (*.pdf)")
    if not name:
        return None
    path = Path(name)
    return path if path.suffix.lower() == ".pdf" else path.with_name(path.name + ".pdf")


class PdfPreviewDialog(QDialog):
    """A document on screen, with Print and Save as PDF."""

    issued = Signal(object)  # the PrintedDocument, after a print or a save

    def __init__(
        self,
        pdf: bytes,
        title: str,
        *,
        runner: Runner,
        issuer: Issuer | None = None,
        note: str | None = None,
        suggested_name: str = "document.pdf",
        choose_printer: ChoosePrinter = system_print_dialog,
        confirm_save: ConfirmSave = warn_before_saving,
        choose_path: ChoosePath = ask_for_path,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setObjectName("pdfPreviewDialog")
        self.resize(760, 720)
        self._runner = runner
        self._issuer = issuer
        self._title = title
        self._suggested = suggested_name
        self._choose_printer = choose_printer
        self._confirm_save = confirm_save
        self._choose_path = choose_path
        self._loaded: LoadedPdf | None = None
        self.last_document: PrintedDocument | None = None

        heading = QLabel(title)
        heading.setObjectName("previewTitle")
        font = heading.font()
        font.setPointSizeF(font.pointSizeF() * 1.3)
        font.setBold(True)
        heading.setFont(font)
        self.note = QLabel(note or "")
        self.note.setWordWrap(True)
        self.note.setVisible(bool(note))

        self.view = QPdfView(self)
        self.view.setPageMode(QPdfView.PageMode.MultiPage)
        self.view.setZoomMode(QPdfView.ZoomMode.FitToWidth)
        self.view.setAccessibleName(f"Preview of {title}")
        self.view.setFocusPolicy(Qt.FocusPolicy.StrongFocus)

        self.page_label = QLabel()
        self.page_label.setAccessibleName("Page")
        zoom_out = QPushButton("Smaller")
        zoom_out.setAccessibleName("Zoom out")
        fit = QPushButton("Fit width")
        zoom_in = QPushButton("Larger")
        zoom_in.setAccessibleName("Zoom in")
        zoom_out.clicked.connect(lambda: self._zoom(1 / 1.25))
        zoom_in.clicked.connect(lambda: self._zoom(1.25))
        fit.clicked.connect(lambda: self.view.setZoomMode(QPdfView.ZoomMode.FitToWidth))
        nav = QHBoxLayout()
        nav.addWidget(self.page_label)
        nav.addStretch(1)
        for button in (zoom_out, fit, zoom_in):
            nav.addWidget(button)

        self.status = QLabel()
        self.status.setObjectName("printStatus")
        self.status.setWordWrap(True)
        self.status.setAccessibleName("Printing status")
        self.status.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        self.print_button = QPushButton("&Print…")
        self.print_button.setToolTip("Print (Ctrl+P)")
        self.save_button = QPushButton("&Save as PDF…")
        self.save_button.setToolTip("Save as PDF (Ctrl+S)")
        self.close_button = QPushButton("Close")
        self.print_button.setDefault(True)
        self.print_button.clicked.connect(self.print_document)
        self.save_button.clicked.connect(self.save_document)
        self.close_button.clicked.connect(self.reject)
        for button in (self.print_button, self.save_button):
            button.setEnabled(issuer is not None)
        QShortcut(QKeySequence(QKeySequence.StandardKey.Print), self, self.print_document)
        QShortcut(QKeySequence(QKeySequence.StandardKey.Save), self, self.save_document)
        buttons = QHBoxLayout()
        buttons.addWidget(self.status, 1)
        buttons.addWidget(self.print_button)
        buttons.addWidget(self.save_button)
        buttons.addWidget(self.close_button)

        layout = QVBoxLayout(self)
        layout.addWidget(heading)
        layout.addWidget(self.note)
        layout.addWidget(self.view, 1)
        layout.addLayout(nav)
        layout.addLayout(buttons)
        self.setTabOrder(self.view, self.print_button)
        self.setTabOrder(self.print_button, self.save_button)
        self.setTabOrder(self.save_button, self.close_button)

        self.view.pageNavigator().currentPageChanged.connect(self._show_page)
        self.show_pdf(pdf)

    # -- showing ---------------------------------------------------------------------------------

    def show_pdf(self, pdf: bytes) -> None:
        """Shows these bytes (the preview first, then what was actually issued)."""
        loaded = LoadedPdf(pdf, self)
        self.view.setDocument(loaded.document)
        if self._loaded is not None:
            self._loaded.deleteLater()
        self._loaded = loaded
        self.view.pageNavigator().jump(0, QPointF(), self.view.pageNavigator().currentZoom())
        self._show_page(0)

    @property
    def page_count(self) -> int:
        return self._loaded.pages if self._loaded else 0

    def _show_page(self, index: int) -> None:
        self.page_label.setText(f"Page {index + 1} of {self.page_count}")

    def _zoom(self, factor: float) -> None:
        self.view.setZoomMode(QPdfView.ZoomMode.Custom)
        self.view.setZoomFactor(max(0.25, min(4.0, self.view.zoomFactor() * factor)))

    # -- printing and saving ---------------------------------------------------------------------

    def print_document(self) -> None:
        if self._issuer is None or not self.print_button.isEnabled():
            return
        printer = new_printer(self._title)
        if not self._choose_printer(printer, self):
            self._say("Printing cancelled. Nothing was printed.")
            return
        issuer = self._issuer

        def deliver(document: PrintedDocument) -> None:
            print_pdf(document.pdf, printer)

        self._start("Printing…", lambda: issuer("print", deliver), "Printed")

    def save_document(self) -> None:
        if self._issuer is None or not self.save_button.isEnabled():
            return
        if not self._confirm_save(self):
            self._say("Not saved.")
            return
        path = self._choose_path(self, self._suggested)
        if path is None:
            self._say("Not saved.")
            return
        issuer = self._issuer

        def deliver(document: PrintedDocument) -> None:
            save_pdf(document.pdf, path)

        self._start("Saving…", lambda: issuer("pdf", deliver), f"Saved to {path}:")

    def _start(self, doing: str, work: Callable[[], Any], verb: str) -> None:
        self._busy(True)
        self._say(doing)
        self._runner(work, lambda document: self._done(document, verb), self._failed)

    def _done(self, document: PrintedDocument, verb: str) -> None:
        self.last_document = document
        self._busy(False)
        pages = f"{document.pages} page{'s' if document.pages != 1 else ''}"
        self._say(f"{verb} {document.title} ({pages}).")
        self.show_pdf(document.pdf)
        self.issued.emit(document)

    def _failed(self, error: BaseException) -> None:
        self._busy(False)
        self._say(describe(error))

    def _busy(self, busy: bool) -> None:
        for button in (self.print_button, self.save_button):
            button.setEnabled(not busy and self._issuer is not None)
        self.close_button.setEnabled(not busy)

    def _say(self, text: str) -> None:
        self.status.setText(text)
        self.status.setAccessibleDescription(text)

    def reject(self) -> None:
        if self.close_button.isEnabled():  # never close while a print is being recorded
            super().reject()
