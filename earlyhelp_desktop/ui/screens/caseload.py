"""My caseload: the open families I lead, with their next review, assessment and plan at a glance,
and the counts that matter today (reviews due, referrals unanswered, follow-ups, sign-offs)."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtWidgets import QWidget

from earlyhelp_desktop.core.services.assessments import STATUS_LABELS
from earlyhelp_desktop.core.services.caseload import CaseloadRow, Counts
from earlyhelp_desktop.ui.context import UiContext
from earlyhelp_desktop.ui.models.record_lists import day
from earlyhelp_desktop.ui.models.table import Column, RowTableModel
from earlyhelp_desktop.ui.screens.family.base import selected_row, table
from earlyhelp_desktop.ui.tasks import describe
from earlyhelp_desktop.ui.widgets.common import button, hbox, hint, label, scaled, title, vbox


def _review(row: CaseloadRow) -> str:
    if row.next_review is None:
        return "Not set"
    return f"{day(row.next_review)}{' (overdue)' if row.review_overdue else ''}"


class CaseloadModel(RowTableModel[CaseloadRow]):
    COLUMNS = (
        Column[CaseloadRow]("Family", lambda r: r.display_name),
        Column[CaseloadRow]("Reference", lambda r: r.reference),
        Column[CaseloadRow](
            "Level of need", lambda r: str(r.level_of_need) if r.level_of_need else "Not set"
        ),
        Column[CaseloadRow]("Next review", _review),
        Column[CaseloadRow](
            "Assessment", lambda r: STATUS_LABELS.get(r.assessment_status or "", "Not started")
        ),
        Column[CaseloadRow]("Plan", lambda r: "Yes" if r.has_plan else "Not yet"),
        Column[CaseloadRow]("Flags", lambda r: ", ".join(r.flags)),
    )


def counts_text(c: Counts, supervisor: bool) -> str:
    parts = [f"{c.caseload} famil{'y' if c.caseload == 1 else 'ies'}"]
    if c.reviews_due:
        parts.append(
            f"{c.reviews_due} review{'s' if c.reviews_due != 1 else ''} due in the next 14 days"
            + (f" ({c.reviews_overdue} overdue)" if c.reviews_overdue else "")
        )
    if c.unanswered_referrals:
        parts.append(
            f"{c.unanswered_referrals} referral{'s' if c.unanswered_referrals != 1 else ''} "
            "unanswered after 14 days"
        )
    if c.follow_ups_due:
        parts.append(f"{c.follow_ups_due} follow-up check{'s' if c.follow_ups_due != 1 else ''} due")
    if supervisor and c.sign_off:
        parts.append(f"{c.sign_off} waiting for your sign-off")
    return " · ".join(parts)


class CaseloadScreen(QWidget):
    def __init__(self, ctx: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setAccessibleName("My caseload")
        layout = vbox(self, margins=16, spacing=10)
        layout.addWidget(title("My caseload"))
        layout.addWidget(hint("Open families where you are the lead practitioner."))
        self.counts = label("", name="caseloadCounts")
        self.counts.setAccessibleName("What needs doing")
        layout.addWidget(self.counts)
        self.model = CaseloadModel()
        self.view = table(self.model, "caseloadTable", "My caseload", 300)
        for column, width in enumerate((170, 130, 110, 190, 170, 70)):
            self.view.setColumnWidth(column, scaled(width))
        self.view.activated.connect(self._open)
        layout.addWidget(self.view, 1)
        row = hbox(spacing=10)
        self.open_button = button("Open family", "secondary", name="openCaseloadFamily")
        self.open_button.clicked.connect(lambda: self._open(None))
        row.addWidget(self.open_button)
        row.addStretch(1)
        layout.addLayout(row)
        ctx.changed.connect(lambda _c: self.load())
        self.load()

    def load(self) -> None:
        failed = lambda e: self.counts.setText(describe(e))  # noqa: E731
        self.ctx.call(lambda s: s.caseload.mine(), self._loaded, failed, owner=self)
        self.ctx.call_slow(lambda s: s.caseload.counts(), self._counted, failed, owner=self)

    def _loaded(self, rows: list[CaseloadRow]) -> None:
        self.model.set_rows(rows)
        if rows and not self.view.selectionModel().hasSelection():
            self.view.selectRow(0)

    def _counted(self, counts: Counts) -> None:
        self.counts.setText(counts_text(counts, self.ctx.is_supervisor))

    def _open(self, index: QModelIndex | None) -> None:
        row = self.model.row(index.row()) if index is not None else selected_row(self.view, self.model)
        if row is not None:
            self.ctx.open_family.emit(row.family_id)

    def focus_first(self) -> None:
        self.view.setFocus(Qt.FocusReason.OtherFocusReason)
