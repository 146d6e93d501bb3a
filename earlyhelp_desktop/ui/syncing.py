"""Runs sync on its own worker and tells the window how it is going, in plain words.

"Synced" is shown only when the engine reports ``synced``; otherwise the bar says how many changes are
waiting and why. Progress arrives from the sync worker through a signal; Cancel asks the engine to stop
at its next safe point.
"""

from __future__ import annotations

import datetime as dt
import threading
from dataclasses import dataclass

from PySide6.QtCore import QObject, QTimer, Signal

from earlyhelp_desktop.ui.adapters import SyncOutcome, SyncView
from earlyhelp_desktop.ui.context import UiContext
from earlyhelp_desktop.ui.tasks import describe

REFRESH_MS = 30_000
STAGES = {
    "push": "Sending changes",
    "pull": "Receiving changes",
    "verify": "Checking",
    "connect": "Connecting",
}


@dataclass(frozen=True, slots=True)
class SyncRun:
    started_at: dt.datetime
    finished_at: dt.datetime
    outcome: SyncOutcome


def when(moment: dt.datetime | None, now: dt.datetime | None = None) -> str:
    """'14:02', 'yesterday at 17:45', '3 March at 09:10'."""
    if moment is None:
        return "never"
    local = moment.astimezone()
    today = (now or dt.datetime.now().astimezone()).date()
    if local.date() == today:
        return local.strftime("%H:%M")
    if local.date() == today - dt.timedelta(days=1):
        return f"yesterday at {local:%H:%M}"
    return f"{local.day} {local:%B} at {local:%H:%M}"


def describe_status(view: SyncView, running: bool = False, supervisor: bool = False) -> str:
    """The status bar's words for a sync state."""
    if running:
        return "Syncing…"
    if not view.available or not view.enrolled:
        return "Not set up for sync: changes stay on this laptop"
    waiting = view.pending or 0
    waiting_text = f"{waiting} change{'s' if waiting != 1 else ''} waiting to sync"
    parts: list[str] = []
    if view.last_status == "offline":
        parts.append(f"Offline: {waiting_text}" if waiting else "Offline")
    elif view.last_status == "failed":
        parts.append(f"Sync did not finish: {waiting_text}" if waiting else "Sync did not finish")
    elif view.last_status == "synced" and not waiting:
        parts.append(f"Synced at {when(view.last_synced_at)}")
    elif waiting:
        parts.append(waiting_text)
    else:
        parts.append("Not synced yet")
    if view.last_status != "synced" or waiting:
        parts.append(f"last synced {when(view.last_synced_at)}")
    if view.conflicts_open and supervisor:
        parts.append(f"{view.conflicts_open} conflict{'s' if view.conflicts_open != 1 else ''} to resolve")
    return " · ".join(parts)


class SyncController(QObject):
    status_changed = Signal(object)  # SyncView
    progress = Signal(str, int, int)  # stage words, done, total
    running_changed = Signal(bool)
    finished = Signal(object)  # SyncRun
    password_needed = Signal()  # the online session ended: sync again with the person's password

    def __init__(self, ctx: UiContext, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.view = SyncView(available=ctx.sync.available, enrolled=False)
        self.history: list[SyncRun] = []
        self.running = False
        self._cancel = threading.Event()
        self._timer = QTimer(self)
        self._timer.setInterval(REFRESH_MS)
        self._timer.timeout.connect(self.refresh)
        self._timer.start()
        ctx.changed.connect(lambda _changes: self.refresh())

    @property
    def can_sync(self) -> bool:
        return self.view.available and self.view.enrolled and not self.running

    def text(self) -> str:
        return describe_status(self.view, self.running, self.ctx.is_supervisor)

    def refresh(self) -> None:
        if self.ctx.ws.locked:
            return
        self.ctx.with_ws(self.ctx.sync.status, self._status, lambda _e: None, owner=self)

    def _status(self, view: SyncView) -> None:
        self.view = view
        self.status_changed.emit(view)

    def start(self, password: str | None = None) -> None:
        if self.running or not self.view.available:
            return
        self.running = True
        self._cancel = threading.Event()
        started = dt.datetime.now(dt.UTC)
        self.running_changed.emit(True)
        self.status_changed.emit(self.view)
        ws, engine, cancel = self.ctx.ws, self.ctx.sync, self._cancel

        def report(stage: str, done: int, total: int) -> None:  # on the sync worker
            self.progress.emit(STAGES.get(stage, stage.capitalize()), done, total)

        def finished(outcome: SyncOutcome) -> None:
            self._finish(SyncRun(started, dt.datetime.now(dt.UTC), outcome))

        def failed(error: BaseException) -> None:
            finished(SyncOutcome("failed", message=describe(error)))

        self.ctx.tasks.sync(
            lambda: engine.run(ws, report, cancel.is_set, password), finished, failed, owner=self
        )

    def cancel(self) -> None:
        if not self.running:
            return
        self._cancel.set()
        self.progress.emit("Stopping after the current step", 0, 0)

    def _finish(self, run: SyncRun) -> None:
        outcome = run.outcome
        if self._cancel.is_set() and outcome.status != "synced":
            outcome = SyncOutcome(
                "cancelled",
                outcome.pushed,
                outcome.pulled,
                outcome.conflicts,
                outcome.held,
                "You stopped the sync. Nothing half-done was kept; sync again when ready.",
            )
            run = SyncRun(run.started_at, run.finished_at, outcome)
        self.running = False
        self.history.insert(0, run)
        self.running_changed.emit(False)
        self.finished.emit(run)
        if outcome.code == "auth":
            self.password_needed.emit()
        if outcome.pulled:
            from earlyhelp_desktop.core.services.base import changes

            self.ctx.changed.emit(changes({"family"}))
        self.refresh()
