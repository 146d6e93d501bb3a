"""Caseloads (supervisors): each practitioner's open families, reviews due and overdue, referrals
unanswered and follow-up checks due, so a supervisor sees where help is needed."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtWidgets import QWidget

from earlyhelp_desktop.core.services import Services
from earlyhelp_desktop.core.services.base import ROLE_LABELS
from earlyhelp_desktop.core.services.caseload import Counts
from earlyhelp_desktop.ui.context import UiContext
from earlyhelp_desktop.ui.models.table import Column, RowTableModel
from earlyhelp_desktop.ui.screens.family.base import table
from earlyhelp_desktop.ui.tasks import describe
from earlyhelp_desktop.ui.widgets.common import heading, hint, label, scaled, vbox

CASEWORKERS = ("family_worker", "supervisor")


@dataclass(frozen=True, slots=True)
class WorkerLoad:
    name: str
    role: str
    counts: Counts


class CaseloadsModel(RowTableModel[WorkerLoad]):
    COLUMNS = (
        Column[WorkerLoad]("Practitioner", lambda w: w.name),
        Column[WorkerLoad]("Role", lambda w: ROLE_LABELS.get(w.role, w.role).capitalize()),
        Column[WorkerLoad]("Open families", lambda w: str(w.counts.caseload)),
        Column[WorkerLoad]("Reviews due in 14 days", lambda w: str(w.counts.reviews_due)),
        Column[WorkerLoad]("Reviews overdue", lambda w: str(w.counts.reviews_overdue)),
        Column[WorkerLoad]("Follow-ups due", lambda w: str(w.counts.follow_ups_due)),
    )


class CaseloadsWidget(QWidget):
    def __init__(self, ctx: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        layout = vbox(self, margins=10, spacing=8)
        layout.addWidget(heading("Caseloads"))
        layout.addWidget(
            hint("Open families, and reviews and follow-ups falling due, for each practitioner.")
        )
        self.status = label("", name="caseloadsStatus")
        layout.addWidget(self.status)
        self.model = CaseloadsModel()
        self.view = table(self.model, "caseloadsTable", "Caseloads", 200)
        self.view.setColumnWidth(0, scaled(220))
        layout.addWidget(self.view, 1)
        ctx.changed.connect(lambda _c: self.load())
        self.load()

    def load(self) -> None:
        def read(s: Services) -> list[WorkerLoad]:
            return [
                WorkerLoad(person.full_name, person.role, s.caseload.counts(person.user_id))
                for person in s.users.list()
                if person.role in CASEWORKERS
            ]

        self.ctx.call_slow(read, self._loaded, lambda e: self.status.setText(describe(e)), owner=self)

    def _loaded(self, rows: list[WorkerLoad]) -> None:
        rows.sort(key=lambda w: (-w.counts.reviews_overdue, -w.counts.caseload, w.name))
        self.model.set_rows(rows)
        overdue = sum(w.counts.reviews_overdue for w in rows)
        self.status.setText(f"{overdue} review{'s' if overdue != 1 else ''} overdue across the hub.")
