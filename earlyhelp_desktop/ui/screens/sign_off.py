"""The sign-off queue (supervisors): submitted assessments and closures, and steps up or down, the
longest waiting first. A supervisor cannot sign off what they submitted themselves."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QWidget

from earlyhelp_desktop.core.services.caseload import QueueItem, SignOffQueue
from earlyhelp_desktop.ui.context import UiContext
from earlyhelp_desktop.ui.dialogs.simple import F, SimpleDialog
from earlyhelp_desktop.ui.models.record_lists import day
from earlyhelp_desktop.ui.models.table import Column, RowTableModel
from earlyhelp_desktop.ui.screens.family.base import selected_row, table
from earlyhelp_desktop.ui.tasks import describe
from earlyhelp_desktop.ui.widgets.common import Banner, button, hbox, heading, hint, scaled, vbox

KINDS = {"assessment": "Assessment", "closure": "Closure", "step_up": "Step up", "step_down": "Step down"}


class QueueModel(RowTableModel[QueueItem]):
    COLUMNS = (
        Column[QueueItem]("What", lambda q: KINDS.get(q.kind, q.kind)),
        Column[QueueItem]("Family", lambda q: f"{q.display_name} ({q.reference})"),
        Column[QueueItem]("Submitted by", lambda q: (q.submitted_by or "") + (" (you)" if q.own else "")),
        Column[QueueItem]("Waiting since", lambda q: f"{day(q.waiting_since)}, {q.days_waiting} days"),
    )


class SignOffQueueWidget(QWidget):
    def __init__(self, ctx: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self._done = ""  # what was just done, kept when the list then empties
        layout = vbox(self, spacing=8)
        layout.addWidget(heading("Waiting for sign-off"))
        layout.addWidget(hint("Open the family to read what was submitted before you sign it off."))
        self.message = Banner("notice")
        self.message.setObjectName("signOffMessage")
        layout.addWidget(self.message)
        self.model = QueueModel()
        self.view = table(self.model, "signOffTable", "Waiting for sign-off", 180)
        self.view.setColumnWidth(1, scaled(320))
        layout.addWidget(self.view)
        row = hbox(spacing=10)
        self.open_button = button("Open family", "secondary", name="openQueued")
        self.sign_button = button("Sign off", name="signOffQueued")
        self.return_button = button("Return for changes", "secondary", name="returnQueued")
        self.open_button.clicked.connect(self.open_family)
        self.sign_button.clicked.connect(self.sign_off)
        self.return_button.clicked.connect(self.return_item)
        for b in (self.open_button, self.sign_button, self.return_button):
            row.addWidget(b)
        row.addStretch(1)
        layout.addLayout(row)
        ctx.changed.connect(
            lambda c: self.load() if c.tables & {"assessment", "closure", "step_change"} else None
        )
        self.load()

    def load(self) -> None:
        self.ctx.call(
            lambda s: s.caseload.sign_off_queue(),
            self._loaded,
            lambda e: self.message.set_text(describe(e), "warning"),
            owner=self,
        )

    def _loaded(self, queue: SignOffQueue) -> None:
        self.model.set_rows(queue.all())
        if not queue.total:
            if self._done:
                self.message.set_text(f"{self._done} Nothing else is waiting for sign-off.", "success")
            else:
                self.message.set_text("Nothing is waiting for sign-off.")

    def _item(self) -> QueueItem | None:
        item: QueueItem | None = selected_row(self.view, self.model)
        if item is None:
            self.message.set_text("Choose an item in the list first.", "warning")
        return item

    def open_family(self) -> None:
        item = self._item()
        if item is not None:
            self.ctx.open_family.emit(item.family_id)

    def _run(self, fn: Any, done: str) -> None:
        self._done = ""

        def finished(_changes: Any) -> None:
            self._done = done
            self.message.set_text(done, "success")

        self.ctx.mutate(fn, finished, lambda e: self.message.set_text(describe(e), "warning"), owner=self)

    def sign_off(self) -> None:
        item = self._item()
        if item is None:
            return
        row_id = item.row_id
        if item.kind == "assessment":
            self._run(lambda s: s.assessments.sign_off(row_id), "Assessment signed off.")
        elif item.kind == "closure":
            self._run(lambda s: s.closures.sign_off(row_id), "Closure signed off.")
        else:
            self._run(lambda s: s.steps.sign_off(row_id), "Step signed off.")

    def return_item(self) -> None:
        item = self._item()
        if item is None:
            return
        if item.kind not in ("assessment", "closure"):
            self.message.set_text(
                "A step up or down is not returned: record the front door's decision on the "
                "family's record instead.",
                "warning",
            )
            return
        row_id, kind = item.row_id, item.kind

        def save(v: dict[str, Any]) -> Any:
            if kind == "assessment":
                return lambda s: s.assessments.return_for_changes(row_id, v["reason"])
            return lambda s: s.closures.return_for_changes(row_id, v["reason"])

        SimpleDialog(
            self.ctx,
            f"Return the {KINDS[kind].lower()} for changes",
            [F("long", "reason", "What needs to change", lines=4)],
            save,
            save_text="Return it",
            aliases={"return_reason": "reason"},
            parent=self.window(),
        ).open()
