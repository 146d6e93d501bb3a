"""Print many family plans at once (for example, every review this week), with progress and Cancel.

The dialog asks where the plans go (a printer, or PDF files in a folder, after a warning that they
leave the encrypted store) and whether to use large print, then runs the batch through the runner. Each
plan is issued and delivered in its own transaction; Cancel stops between plans, keeping those done.

Wiring in a screen::

    ids = ...  # ws.services.documents.reviews_due(monday, sunday), on the database worker
    dialog = BatchPrintDialog(
        len(ids), "Plans for the families with a review this week", runner=ctx.tasks.db,
        run_batch=lambda o: ws.services.documents.batch_plans(
            ids, channel=o.channel, large_print=o.large_print, deliver=o.deliver,
            progress=o.progress, cancelled=o.cancelled),
    )
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import Signal
from PySide6.QtPrintSupport import QPrinter
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QProgressBar,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from earlyhelp_desktop.core.services.documents import (
    BatchItem,
    BatchResult,
    Channel,
    Deliver,
    PrintedDocument,
)
from earlyhelp_desktop.ui.printing.preview import (
    ChoosePrinter,
    ConfirmSave,
    system_print_dialog,
    warn_before_saving,
)
from earlyhelp_desktop.ui.printing.render import new_printer, print_pdf, save_pdf
from earlyhelp_desktop.ui.printing.runner import Runner, describe

ChooseFolder = Callable[[QWidget], Path | None]


@dataclass(frozen=True)
class BatchOptions:
    """What the batch call needs: how to deliver each plan, and how to report and stop."""

    channel: Channel
    large_print: bool
    deliver: Deliver
    progress: Callable[[BatchItem], None]
    cancelled: Callable[[], bool]


RunBatch = Callable[[BatchOptions], BatchResult]


def ask_for_folder(parent: QWidget) -> Path | None:
    name = QFileDialog.getExistingDirectory(parent, "Save the plans in this folder")
    return Path(name) if name else None


class BatchPrintDialog(QDialog):
    """Progress of a batch of plans, with Cancel."""

    finished_batch = Signal(object)  # the BatchResult
    _progress = Signal(object)  # a BatchItem, from the worker

    def __init__(
        self,
        count: int,
        description: str,
        *,
        run_batch: RunBatch,
        runner: Runner,
        choose_printer: ChoosePrinter = system_print_dialog,
        confirm_save: ConfirmSave = warn_before_saving,
        choose_folder: ChooseFolder = ask_for_folder,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Print plans")
        self.setObjectName("batchPrintDialog")
        self.resize(560, 420)
        self._count = count
        self._run_batch = run_batch
        self._runner = runner
        self._choose_printer = choose_printer
        self._confirm_save = confirm_save
        self._choose_folder = choose_folder
        self._stop = threading.Event()
        self._running = False
        self.result_: BatchResult | None = None

        heading = QLabel(description)
        heading.setWordWrap(True)
        font = heading.font()
        font.setBold(True)
        heading.setFont(font)
        explain = QLabel(
            f"{count} plan{'s' if count != 1 else ''}. Each one is given to the family as a new version, "
            "recorded with your name."
        )
        explain.setWordWrap(True)

        self.to_printer = QRadioButton("Send to a &printer")
        self.to_folder = QRadioButton("Save as PDF files in a &folder")
        self.to_printer.setChecked(True)
        group = QButtonGroup(self)
        group.addButton(self.to_printer)
        group.addButton(self.to_folder)
        self.large_print = QCheckBox("&Large print (text 16 pt and larger)")

        self.progress = QProgressBar()
        self.progress.setRange(0, max(count, 1))
        self.progress.setValue(0)
        self.progress.setFormat("%v of %m")
        self.progress.setAccessibleName("Plans printed")
        self.status = QLabel("Ready.")
        self.status.setWordWrap(True)
        self.status.setAccessibleName("Printing status")
        self.problems = QPlainTextEdit()
        self.problems.setReadOnly(True)
        self.problems.setAccessibleName("Plans that could not be printed")
        self.problems.setPlaceholderText("Any plan that cannot be printed is listed here, with the reason.")
        self.problems.setMaximumHeight(110)

        self.start_button = QPushButton("&Start")
        self.start_button.setDefault(True)
        self.cancel_button = QPushButton("Cancel")
        self.close_button = QPushButton("Close")
        self.start_button.clicked.connect(self.start)
        self.cancel_button.clicked.connect(self.cancel)
        self.close_button.clicked.connect(self.reject)
        self.cancel_button.setEnabled(False)
        self.start_button.setEnabled(count > 0)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        for button in (self.start_button, self.cancel_button, self.close_button):
            buttons.addWidget(button)

        layout = QVBoxLayout(self)
        for widget in (heading, explain, self.to_printer, self.to_folder, self.large_print):
            layout.addWidget(widget)
        layout.addSpacing(8)
        layout.addWidget(self.progress)
        layout.addWidget(self.status)
        layout.addWidget(self.problems)
        layout.addLayout(buttons)
        self._progress.connect(self._on_progress)

    # -- running ---------------------------------------------------------------------------------

    def start(self) -> None:
        if self._running or self._count == 0:
            return
        deliver: Deliver
        channel: Channel
        if self.to_printer.isChecked():
            printer = new_printer("Family plans")
            if not self._choose_printer(printer, self):
                self._say("Printing cancelled. Nothing was printed.")
                return
            channel = "print"
            deliver = _to_printer(printer)
        else:
            if not self._confirm_save(self):
                self._say("Not saved.")
                return
            folder = self._choose_folder(self)
            if folder is None:
                self._say("Not saved.")
                return
            channel = "pdf"
            deliver = _to_folder(folder)
        options = BatchOptions(
            channel, self.large_print.isChecked(), deliver, self._progress.emit, self._stop.is_set
        )
        self._stop.clear()
        self._set_running(True)
        self._say(f"Printing 1 of {self._count}…")
        self._runner(lambda: self._run_batch(options), self._finished, self._failed)

    def cancel(self) -> None:
        """Stops after the plan being printed now; plans already done stay issued."""
        if self._running:
            self._stop.set()
            self.cancel_button.setEnabled(False)
            self._say("Stopping after this plan…")

    def _on_progress(self, item: BatchItem) -> None:
        self.progress.setValue(item.index)
        if item.problem:
            self.problems.appendPlainText(item.problem)
        if not self._stop.is_set() and item.index < item.total:
            self._say(f"Printing {item.index + 1} of {item.total}…")

    def _finished(self, result: BatchResult) -> None:
        self.result_ = result
        self._set_running(False)
        self._say(result.summary())
        self.finished_batch.emit(result)

    def _failed(self, error: BaseException) -> None:
        self._set_running(False)
        self._say(describe(error))

    def _set_running(self, running: bool) -> None:
        self._running = running
        self.start_button.setEnabled(not running and self.result_ is None)
        self.cancel_button.setEnabled(running)
        self.close_button.setEnabled(not running)
        for widget in (self.to_printer, self.to_folder, self.large_print):
            widget.setEnabled(not running and self.result_ is None)

    def _say(self, text: str) -> None:
        self.status.setText(text)
        self.status.setAccessibleDescription(text)

    def reject(self) -> None:
        if self._running:  # Escape while printing means Cancel, not "leave it running unseen"
            self.cancel()
            return
        super().reject()


def _to_printer(printer: QPrinter) -> Deliver:
    def deliver(document: PrintedDocument) -> None:
        print_pdf(document.pdf, printer)

    return deliver


def _to_folder(folder: Path) -> Deliver:
    def deliver(document: PrintedDocument) -> None:
        save_pdf(document.pdf, folder / f"{document.file_stem}.pdf")

    return deliver
