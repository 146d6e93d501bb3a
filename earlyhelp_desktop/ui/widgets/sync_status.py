"""The sync part of the status bar: where things stand, a progress bar with Cancel, and Sync now."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel, QProgressBar, QWidget

from earlyhelp_desktop.ui.adapters import SyncView
from earlyhelp_desktop.ui.syncing import SyncController, SyncRun
from earlyhelp_desktop.ui.widgets.common import button, hbox


class SyncStatus(QWidget):
    def __init__(self, controller: SyncController, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.controller = controller
        layout = hbox(self, spacing=8)
        self.label = QLabel(controller.text())
        self.label.setObjectName("syncText")
        self.label.setAccessibleName("Sync status")
        layout.addWidget(self.label)
        self.bar = QProgressBar()
        self.bar.setObjectName("syncProgress")
        self.bar.setAccessibleName("Sync progress")
        self.bar.hide()
        layout.addWidget(self.bar)
        self.cancel_button = button("Cancel sync", "secondary", name="cancelSync")
        self.cancel_button.hide()
        self.cancel_button.clicked.connect(controller.cancel)
        layout.addWidget(self.cancel_button)
        self.sync_button = button("Sync now", "secondary", name="syncNow")
        self.sync_button.clicked.connect(controller.start)
        layout.addWidget(self.sync_button)
        controller.status_changed.connect(self._status)
        controller.progress.connect(self._progress)
        controller.running_changed.connect(self._running)
        controller.finished.connect(self._finished)
        self._status(controller.view)

    def _status(self, _view: SyncView) -> None:
        self.label.setText(self.controller.text())
        self.label.setAccessibleDescription(self.controller.text())
        self.sync_button.setVisible(self.controller.view.available and self.controller.view.enrolled)
        self.sync_button.setEnabled(self.controller.can_sync)

    def _progress(self, stage: str, done: int, total: int) -> None:
        self.label.setText(f"Syncing: {stage}…")
        if total > 0:
            self.bar.setRange(0, total)
            self.bar.setValue(done)
            self.bar.setFormat(f"{done} of {total}")
        else:
            self.bar.setRange(0, 0)  # busy, with no count to show

    def _running(self, running: bool) -> None:
        self.bar.setVisible(running)
        self.cancel_button.setVisible(running)
        self.sync_button.setEnabled(not running and self.controller.can_sync)
        if running:
            self.bar.setRange(0, 0)
            self.label.setText("Syncing…")

    def _finished(self, run: SyncRun) -> None:
        self._status(self.controller.view)
