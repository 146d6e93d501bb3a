"""Reviews due: families whose next review falls in the next two weeks, or is overdue."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QModelIndex
from PySide6.QtWidgets import QCheckBox, QWidget

from earlyhelp_desktop.core.services.reviews import ReviewDue
from earlyhelp_desktop.ui.context import UiContext
from earlyhelp_desktop.ui.models.record_lists import day
from earlyhelp_desktop.ui.models.table import Column, RowTableModel
from earlyhelp_desktop.ui.printing.actions import print_plans
from earlyhelp_desktop.ui.screens.family.base import selected_row, table
from earlyhelp_desktop.ui.tasks import describe
from earlyhelp_desktop.ui.widgets.common import button, hbox, hint, label, scaled, title, vbox

WITHIN_DAYS = 14


def _when(r: ReviewDue) -> str:
    if r.overdue:
        return f"Overdue by {r.days_overdue} day{'s' if r.days_overdue != 1 else ''}"
    return "Due"


class ReviewsDueModel(RowTableModel[ReviewDue]):
    COLUMNS = (
        Column[ReviewDue]("Due on", lambda r: day(r.due_on)),
        Column[ReviewDue]("", _when),
        Column[ReviewDue]("Family", lambda r: r.display_name),
        Column[ReviewDue]("Reference", lambda r: r.reference),
        Column[ReviewDue]("Lead practitioner", lambda r: r.lead_worker or "No lead practitioner"),
    )


class ReviewsDueScreen(QWidget):
    def __init__(self, ctx: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setAccessibleName("Reviews due")
        layout = vbox(self, margins=16, spacing=10)
        layout.addWidget(title("Reviews due"))
        layout.addWidget(
            hint(f"Reviews overdue or due in the next {WITHIN_DAYS} days, the longest overdue first.")
        )
        self.everyone = QCheckBox("Show every lead practitioner's families")
        self.everyone.setObjectName("everyone")
        self.everyone.setVisible(ctx.is_supervisor)
        self.everyone.setChecked(ctx.is_supervisor)
        self.everyone.toggled.connect(lambda _on: self.load())
        layout.addWidget(self.everyone)
        self.count = label("", name="reviewsCount")
        layout.addWidget(self.count)
        self.model = ReviewsDueModel()
        self.view = table(self.model, "reviewsDueTable", "Reviews due", 300)
        self.view.setColumnWidth(1, scaled(170))
        self.view.activated.connect(self._open)
        layout.addWidget(self.view, 1)
        row = hbox()
        open_button = button("Open family", "secondary", name="openReviewFamily")
        open_button.clicked.connect(lambda: self._open(None))
        row.addWidget(open_button)
        row.addStretch(1)
        self.print_button = button("Print plans for these reviews", "secondary", name="printReviewPlans")
        self.print_button.setToolTip("Print each family's plan to take to their review, or save them as PDFs")
        self.print_button.clicked.connect(self.print_plans)
        row.addWidget(self.print_button)
        layout.addLayout(row)
        ctx.changed.connect(lambda _c: self.load())
        self.load()

    def load(self) -> None:
        worker = None if self.everyone.isChecked() else self.ctx.user.user_id

        def read(s: Any) -> list[ReviewDue]:
            return sorted(s.reviews.due(WITHIN_DAYS, worker_id=worker), key=lambda r: r.due_on)

        self.ctx.call(read, self._loaded, lambda e: self.count.setText(describe(e)), owner=self)

    def print_plans(self) -> None:
        """Every listed family's plan in one go, with a progress bar and Cancel (each copy is issued)."""
        rows = self.model.rows()
        if not rows or self.ctx.ws is None:
            return
        who = "every lead practitioner" if self.everyone.isChecked() else "your families"
        print_plans(
            self.ctx.ws,
            [r.family_id for r in rows],
            f"Plans for the {len(rows)} review{'s' if len(rows) != 1 else ''} due or overdue ({who})",
            runner=self.ctx.tasks.db,
            parent=self.window(),
        )

    def _loaded(self, rows: list[ReviewDue]) -> None:
        self.model.set_rows(rows)
        self.print_button.setEnabled(bool(rows))
        overdue = sum(1 for r in rows if r.overdue)
        self.count.setText(
            f"{len(rows)} review{'s' if len(rows) != 1 else ''} due"
            + (f", {overdue} overdue" if overdue else "")
        )

    def _open(self, index: QModelIndex | None) -> None:
        row = self.model.row(index.row()) if index is not None else selected_row(self.view, self.model)
        if row is not None:
            self.ctx.open_family.emit(row.family_id)
