"""Sync: where this laptop stands with the server, this session's syncs in plain words, and (for
supervisors) the conflicts to resolve side by side: each value kept, who wrote it and when."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QLineEdit, QWidget

from earlyhelp_desktop.ui.adapters import SyncView, reference_list
from earlyhelp_desktop.ui.context import UiContext
from earlyhelp_desktop.ui.models.record_lists import day
from earlyhelp_desktop.ui.models.table import Column, RowTableModel
from earlyhelp_desktop.ui.screens.family.base import selected_row, table
from earlyhelp_desktop.ui.syncing import SyncController, SyncRun, when
from earlyhelp_desktop.ui.tasks import describe
from earlyhelp_desktop.ui.widgets.common import (
    Banner,
    button,
    hbox,
    heading,
    hint,
    label,
    scaled,
    title,
    vbox,
)

OUTCOME_WORDS = {
    "synced": "Synced: everything was sent and received",
    "partial": "Partly synced: some changes still wait",
    "offline": "Could not reach the server: changes wait on this laptop",
    "failed": "Sync did not finish",
    "cancelled": "Stopped by you",
}


def run_text(run: SyncRun) -> str:
    o = run.outcome
    return OUTCOME_WORDS.get(o.status, o.status)


class HistoryModel(RowTableModel[SyncRun]):
    COLUMNS = (
        Column[SyncRun]("When", lambda r: when(r.finished_at)),
        Column[SyncRun]("Result", run_text),
        Column[SyncRun]("Sent", lambda r: str(r.outcome.pushed)),
        Column[SyncRun]("Received", lambda r: str(r.outcome.pulled)),
        Column[SyncRun]("Conflicts", lambda r: str(r.outcome.conflicts)),
        Column[SyncRun]("What happened", lambda r: r.outcome.message, lambda r: r.outcome.message),
    )


def option_text(conflict: Any, index: int, words: dict[str, dict[str, str]] | None = None) -> str:
    """One value kept in a conflict, in words where a list names it ("3 Multiple or complex")."""
    options = getattr(conflict, "options", ())
    if index >= len(options):
        return ""
    o = options[index]
    named = (words or {}).get(conflict.field, {}).get(str(o.value))
    who = f", {o.written_by}" if o.written_by else ""
    at = f", {day(o.written_at)}" if o.written_at else ""
    return f"{f'{o.value} {named}' if named else o.label}{who}{at}"


class ConflictsModel(RowTableModel[Any]):
    """Open conflicts (``ConflictView`` from the sync engine), the values side by side."""

    def __init__(self) -> None:
        super().__init__(
            columns=(
                Column[Any]("Family", lambda c: c.family_name or ""),
                Column[Any]("What", lambda c: c.description, lambda c: c.description),
                Column[Any]("Value A", lambda c: option_text(c, 0, self.words)),
                Column[Any]("Value B", lambda c: option_text(c, 1, self.words)),
            )
        )
        self.words: dict[str, dict[str, str]] = {}


class SyncScreen(QWidget):
    def __init__(self, ctx: UiContext, controller: SyncController, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.controller = controller
        self.setAccessibleName("Sync")
        layout = vbox(self, margins=16, spacing=10)
        layout.addWidget(title("Sync"))
        self.state = label("", name="syncState")
        layout.addWidget(self.state)
        self.server = hint("")
        layout.addWidget(self.server)
        row = hbox(spacing=10)
        self.sync_button = button("Sync now", name="syncScreenNow")
        self.sync_button.clicked.connect(lambda: controller.start())
        row.addWidget(self.sync_button)
        row.addStretch(1)
        layout.addLayout(row)
        self.last = Banner("notice")
        self.last.setObjectName("lastSync")
        layout.addWidget(self.last)
        self.login = Banner("warning")
        self.login.setObjectName("syncLogin")
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.password.setAccessibleName("Your password")
        self.password.setObjectName("syncPassword")
        self.password.returnPressed.connect(self.sync_with_password)
        again = button("Sync", name="syncWithPassword")
        again.clicked.connect(self.sync_with_password)
        self.login.buttons.addWidget(self.password)
        self.login.buttons.addWidget(again)
        layout.addWidget(self.login)
        layout.addWidget(heading("Syncs since you unlocked"))
        self.history = HistoryModel()
        self.history_view = table(self.history, "syncHistory", "Sync history", 120)
        self.history_view.setColumnWidth(1, scaled(330))
        layout.addWidget(self.history_view, 1)
        self.conflicts_heading = heading("Conflicts to resolve")
        layout.addWidget(self.conflicts_heading)
        self.conflicts_hint = hint(
            "Two people changed the same important detail on different laptops. Choose which value to keep; "
            "the other stays in the record's history."
        )
        layout.addWidget(self.conflicts_hint)
        self.conflicts = ConflictsModel()
        self.conflicts_view = table(self.conflicts, "conflicts", "Conflicts to resolve", 120)
        self.conflicts_view.setColumnWidth(1, scaled(330))
        layout.addWidget(self.conflicts_view, 1)
        keep = hbox(spacing=10)
        self.keep_a = button("Keep value A", "secondary", name="keepA")
        self.keep_b = button("Keep value B", "secondary", name="keepB")
        self.keep_a.clicked.connect(lambda: self.resolve(0))
        self.keep_b.clicked.connect(lambda: self.resolve(1))
        keep.addWidget(self.keep_a)
        keep.addWidget(self.keep_b)
        keep.addStretch(1)
        layout.addLayout(keep)
        supervisor = ctx.is_supervisor
        for widget in (
            self.conflicts_heading,
            self.conflicts_hint,
            self.conflicts_view,
            self.keep_a,
            self.keep_b,
        ):
            widget.setVisible(supervisor)
        controller.status_changed.connect(self._status)
        controller.finished.connect(self._finished)
        controller.running_changed.connect(lambda _r: self._status(controller.view))
        controller.password_needed.connect(self._ask_password)
        self._status(controller.view)
        self.history.set_rows(controller.history)
        self.load_conflicts()

    def _status(self, view: SyncView) -> None:
        self.state.setText(self.controller.text())
        if not view.available:
            self.server.setText("This version of the app has no sync: everything stays here, encrypted.")
        elif not view.enrolled:
            self.server.setText(
                "This laptop is not enrolled with a server. Ask your administrator for a code."
            )
        else:
            self.server.setText(f"Server: {view.server_url}")
        self.sync_button.setEnabled(self.controller.can_sync)
        if view.last_message and not self.controller.history:
            self.last.set_text(f"Last sync: {view.last_message}")

    def _finished(self, run: SyncRun) -> None:
        self.history.set_rows(self.controller.history)
        kind = "success" if run.outcome.status == "synced" else "warning"
        message = run_text(run) + (f". {run.outcome.message}" if run.outcome.message else ".")
        self.last.set_text(message, kind)
        if run.outcome.code != "auth":
            self.login.set_text("")
        self.load_conflicts()

    def _ask_password(self) -> None:
        self.login.set_text("Your online session has ended. Enter your password to sync.")
        self.password.setFocus()

    def sync_with_password(self) -> None:
        password = self.password.text()
        self.password.clear()
        if password:
            self.login.set_text("")
            self.controller.start(password)

    def load_conflicts(self) -> None:
        if not self.ctx.is_supervisor:
            return

        def read(ws: Any) -> tuple[dict[str, dict[str, str]], list[Any]]:
            levels = dict(reference_list(ws, "level_of_need"))
            return {"level_of_need": levels}, self.ctx.sync.conflicts(ws)

        self.ctx.with_ws(read, self._conflicts, lambda _e: None, owner=self)

    def _conflicts(self, result: tuple[dict[str, dict[str, str]], list[Any]]) -> None:
        self.conflicts.words, rows = result
        self.conflicts.set_rows(rows)

    def resolve(self, which: int) -> None:
        conflict = selected_row(self.conflicts_view, self.conflicts)
        if conflict is None:
            self.last.set_text("Choose a conflict in the list first.", "warning")
            return
        options = getattr(conflict, "options", ())
        if which >= len(options):
            return
        conflict_id, keep = conflict.id, options[which].value_id
        self.ctx.with_ws(
            lambda ws: self.ctx.sync.resolve(ws, conflict_id, keep),
            self._resolved,
            lambda e: self.last.set_text(describe(e), "warning"),
            owner=self,
        )

    def _resolved(self, result: Any) -> None:
        self.ctx.changed.emit(result)
        self.last.set_text("Conflict resolved. The other value stays in the record's history.", "success")
        self.load_conflicts()
