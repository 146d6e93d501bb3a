"""Record tabs that show what is recorded: agreement and sharing, professionals, the current episode's
assessment, plan and reviews, and contacts. Editors replace or extend these as their services land."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QScrollArea, QTableView, QWidget

from earlyhelp_desktop.core.services.families import full_name
from earlyhelp_desktop.core.services.record import FamilyRecord
from earlyhelp_desktop.ui.context import UiContext
from earlyhelp_desktop.ui.models.record_lists import (
    ActionsModel,
    AgreementsModel,
    ContactsModel,
    OutcomesModel,
    ProfessionalsModel,
    ReviewsModel,
    SharingModel,
    TafModel,
    day,
)
from earlyhelp_desktop.ui.models.table import RowTableModel
from earlyhelp_desktop.ui.widgets.common import heading, hint, label, vbox

if TYPE_CHECKING:
    from earlyhelp_desktop.ui.screens.family.record import FamilyScreen

STATUS = {
    "draft": "Draft",
    "submitted": "Submitted for sign-off",
    "signed_off": "Signed off",
    "returned": "Returned for changes",
}


def table(model: RowTableModel[Any], name: str, accessible: str, min_height: int = 120) -> QTableView:
    view = QTableView()
    view.setObjectName(name)
    view.setAccessibleName(accessible)
    view.setModel(model)
    view.verticalHeader().hide()
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    view.setTabKeyNavigation(False)
    view.setAlternatingRowColors(True)
    view.setWordWrap(True)
    header = view.horizontalHeader()
    header.setStretchLastSection(True)
    header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
    header.setDefaultSectionSize(170)
    view.setMinimumHeight(min_height)
    return view


class _Tab(QScrollArea):
    def __init__(self, ctx: UiContext, screen: FamilyScreen) -> None:
        super().__init__()
        self.ctx = ctx
        self.record_screen = screen
        self.setWidgetResizable(True)
        self.setFrameShape(QScrollArea.Shape.NoFrame)
        body = QWidget()
        self.setWidget(body)
        self.body = vbox(body, margins=12, spacing=8)

    def labels(self, name: str) -> dict[str, str]:
        return dict(self.record_screen.labels.get(name, {}))


class AgreementTab(_Tab):
    def __init__(self, ctx: UiContext, screen: FamilyScreen) -> None:
        super().__init__(ctx, screen)
        self.body.addWidget(heading("Agreement to early help"))
        self.body.addWidget(
            hint("Each adult (and each child old enough) agrees to early help for this episode.")
        )
        self.agreements = AgreementsModel()
        self.body.addWidget(table(self.agreements, "agreementTable", "Agreement to early help"))
        self.body.addWidget(heading("Sharing with other agencies"))
        self.body.addWidget(hint("What each agency may see. Anyone who must not see is never sent anything."))
        self.sharing = SharingModel()
        self.body.addWidget(table(self.sharing, "sharingTable", "Sharing with other agencies"))
        self.basis = label("", name="sharingBasis")
        self.body.addWidget(self.basis)
        self.body.addStretch(1)

    def show_record(self, record: FamilyRecord) -> None:
        self.agreements.names = {m.person.id: full_name(m.person) for m in record.members}
        current = record.current
        episode_id = current.episode.id if current else None
        self.agreements.set_rows([a for a in record.agreements if a.episode_id == episode_id])
        self.sharing.agencies = self.labels("agency")
        self.sharing.set_rows(record.sharing)
        f = record.family
        text = f"Lawful basis: {'consent' if f.lawful_basis == 'consent' else 'public task'}."
        if f.safeguarding_override:
            text += (
                f" Shared without agreement to protect a child: {f.override_reason or 'no reason recorded'}."
            )
        self.basis.setText(text)


class ProfessionalsTab(_Tab):
    def __init__(self, ctx: UiContext, screen: FamilyScreen) -> None:
        super().__init__(ctx, screen)
        self.body.addWidget(heading("Professionals involved"))
        self.model = ProfessionalsModel()
        self.body.addWidget(table(self.model, "professionalsTable", "Professionals involved", 220))
        self.body.addStretch(1)

    def show_record(self, record: FamilyRecord) -> None:
        self.model.agencies = self.labels("agency")
        self.model.set_rows(record.professionals)


class EpisodeWorkTab(_Tab):
    """The current episode: assessment, plan (outcomes, actions, team), reviews, steps and closure."""

    def __init__(self, ctx: UiContext, screen: FamilyScreen) -> None:
        super().__init__(ctx, screen)
        self.body.addWidget(heading("Early Help Assessment"))
        self.assessment = label("", name="assessmentSummary")
        self.body.addWidget(self.assessment)
        self.body.addWidget(heading("Plan"))
        self.plan = label("", name="planSummary")
        self.body.addWidget(self.plan)
        self.outcomes = OutcomesModel()
        self.body.addWidget(table(self.outcomes, "outcomesTable", "Outcomes in the family's words"))
        self.action_items = ActionsModel()
        self.body.addWidget(table(self.action_items, "actionsTable", "Actions"))
        self.body.addWidget(heading("Team around the family"))
        self.taf = TafModel()
        self.body.addWidget(table(self.taf, "tafTable", "Team around the family", 100))
        self.body.addWidget(heading("Reviews"))
        self.reviews = ReviewsModel()
        self.body.addWidget(table(self.reviews, "reviewsTable", "Reviews", 100))
        self.body.addWidget(heading("Step up, step down and closure"))
        self.steps = label("", name="stepsSummary")
        self.body.addWidget(self.steps)
        self.body.addStretch(1)

    def show_record(self, record: FamilyRecord) -> None:
        current = record.current
        if current is None:
            self.assessment.setText("There is no open episode of early help.")
        elif current.assessment is None:
            self.assessment.setText("No assessment yet in this episode.")
        else:
            a = current.assessment
            parts = [f"Started {day(a.started_on)}", STATUS.get(a.status, a.status)]
            if a.level_of_need:
                parts.append(f"level of need {a.level_of_need}")
            if a.significant_harm:
                parts.append("significant harm: referred to the front door")
            self.assessment.setText(" · ".join(parts))
        plan = current.plan if current else None
        self.plan.setText(
            "No plan yet in this episode."
            if plan is None
            else f"Next review: {day(plan.review_on) or 'not set'}"
        )
        self.outcomes.categories = self.labels("outcome_category")
        self.outcomes.set_rows(record.outcomes)
        self.action_items.set_rows(record.actions)
        self.taf.set_rows(record.taf)
        self.reviews.set_rows(current.reviews if current else [])
        lines = []
        for e in record.episodes:
            for s in e.steps:
                direction = (
                    "Stepped up to social care" if s.direction == "up" else "Stepped down from social care"
                )
                lines.append(f"{direction}: asked {day(s.requested_on)}, {s.decision}")
            if e.closure is not None:
                reason = self.labels("closure_reason").get(e.closure.reason_code, e.closure.reason_code)
                lines.append(
                    f"Closed {day(e.closure.closed_on)}: {reason} ({e.closure.status.replace('_', ' ')})"
                )
        self.steps.setText("\n".join(lines) or "None")


class ContactsTab(_Tab):
    def __init__(self, ctx: UiContext, screen: FamilyScreen) -> None:
        super().__init__(ctx, screen)
        self.body.addWidget(heading("Contacts"))
        self.body.addWidget(hint("Visits, calls, messages and group sessions, newest first."))
        self.model = ContactsModel()
        self.body.addWidget(table(self.model, "contactsTable", "Contacts, newest first", 320))
        self.body.addStretch(1)

    def show_record(self, record: FamilyRecord) -> None:
        self.model.kinds = self.labels("contact_kind")
        self.model.set_rows(record.contacts)
