"""Sync: where this laptop stands with the server, this session's syncs in plain words, and (for
supervisors) the conflicts to resolve side by side."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableView, QWidget

from earlyhelp_desktop.ui.adapters import SyncView
from earlyhelp_desktop.ui.context import UiContext
from earlyhelp_desktop.ui.models.table import Column, RowTableModel
from earlyhelp_desktop.ui.syncing import SyncController, SyncRun, when
from earlyhelp_desktop.ui.widgets.common import Banner, button, hbox, heading, hint, label, title, vbox

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


def _value_text(value: Any) -> str:
    if value is None:
        return "(empty)"
    if isinstance(value, bool):
        return "Yes" if value else "No"
    return str(value)


class ConflictsModel(RowTableModel[Any]):
    """Conflicts from the sync engine: field, and each kept value side by side."""

    COLUMNS = (
        Column[Any]("Record", lambda c: f"{getattr(c, 'table_name', '')} {getattr(c, 'field', '')}".strip()),
        Column[Any](
            "Family", lambda c: getattr(c, "family_label", None) or getattr(c, "family_id", "") or ""
        ),
        Column[Any]("Value A", lambda c: _value_text(_values(c)[0][1]) if _values(c) else ""),
        Column[Any]("Value B", lambda c: _value_text(_values(c)[1][1]) if len(_values(c)) > 1 else ""),
    )


def _values(conflict: Any) -> list[tuple[str, Any]]:
    values = getattr(conflict, "values", None) or {}
    return sorted(values.items())


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
        self.sync_button.clicked.connect(controller.start)
        row.addWidget(self.sync_button)
        row.addStretch(1)
        layout.addLayout(row)
        self.last = Banner("notice")
        self.last.setObjectName("lastSync")
        layout.addWidget(self.last)
        layout.addWidget(heading("Syncs since you unlocked"))
        self.history = HistoryModel()
        self.history_view = self._table(self.history, "syncHistory", "Sync history")
        layout.addWidget(self.history_view, 1)
        self.conflicts_heading = heading("Conflicts to resolve")
        layout.addWidget(self.conflicts_heading)
        self.conflicts_hint = hint(
            "Two people changed the same important detail on different laptops. Choose which value to keep; "
            "the other stays in the record's history."
        )
        layout.addWidget(self.conflicts_hint)
        self.conflicts = ConflictsModel()
        self.conflicts_view = self._table(self.conflicts, "conflicts", "Conflicts to resolve")
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
        self._status(controller.view)
        self.history.set_rows(controller.history)
        self.load_conflicts()

    @staticmethod
    def _table(model: Any, name: str, accessible: str) -> QTableView:
        view = QTableView()
        view.setObjectName(name)
        view.setAccessibleName(accessible)
        view.setModel(model)
        view.verticalHeader().hide()
        view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        view.setTabKeyNavigation(False)
        view.horizontalHeader().setStretchLastSection(True)
        view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        view.horizontalHeader().setDefaultSectionSize(150)
        return view

    def _status(self, view: SyncView) -> None:
        self.state.setText(self.controller.text())
        if not view.available:
            self.server.setText(
                "This version of the app has no sync: everything stays on this laptop, encrypted."
            )
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
        self.load_conflicts()

    def load_conflicts(self) -> None:
        if not self.ctx.is_supervisor:
            return
        self.ctx.with_ws(self.ctx.sync.conflicts, self.conflicts.set_rows, lambda _e: None, owner=self)

    def resolve(self, which: int) -> None:
        rows = self.conflicts_view.selectionModel().selectedRows()
        if not rows:
            self.last.set_text("Choose a conflict in the list first.", "warning")
            return
        conflict = self.conflicts.row(rows[0].row())
        values = _values(conflict)
        if conflict is None or which >= len(values):
            return
        version = values[which][0]
        conflict_id = getattr(conflict, "id", getattr(conflict, "conflict_id", ""))
        self.ctx.with_ws(
            lambda ws: self.ctx.sync.resolve(ws, conflict_id, version),
            self._resolved,
            owner=self,
        )

    def _resolved(self, _result: object) -> None:
        self.last.set_text("Conflict resolved. The other value stays in the record's history.", "success")
        self.load_conflicts()
