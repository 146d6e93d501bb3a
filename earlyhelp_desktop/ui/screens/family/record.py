"""A family's record: a header that says who and how things stand, then the record in tabs.

The record is read in one go on the database worker (``RecordService.open``) and handed to each tab.
After any change to this family the record is read again, so every tab shows the same truth.
"""

from __future__ import annotations

import datetime as dt
from typing import Protocol, cast

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QTabWidget, QWidget

from earlyhelp_desktop.core.services.base import Changes
from earlyhelp_desktop.core.services.record import FamilyRecord
from earlyhelp_desktop.ui.adapters import reference_list
from earlyhelp_desktop.ui.context import UiContext
from earlyhelp_desktop.ui.screens.family.activities import ActivitiesTab
from earlyhelp_desktop.ui.screens.family.assessment import AssessmentTab
from earlyhelp_desktop.ui.screens.family.consent import ConsentTab
from earlyhelp_desktop.ui.screens.family.contacts import ContactsTab
from earlyhelp_desktop.ui.screens.family.overview import OverviewTab
from earlyhelp_desktop.ui.screens.family.people import PeopleTab
from earlyhelp_desktop.ui.screens.family.plan import PlanTab
from earlyhelp_desktop.ui.screens.family.printing import PrintRow
from earlyhelp_desktop.ui.screens.family.professionals import ProfessionalsTab
from earlyhelp_desktop.ui.screens.family.reviews import ReviewsTab
from earlyhelp_desktop.ui.screens.family.steps import StepsTab
from earlyhelp_desktop.ui.tasks import describe
from earlyhelp_desktop.ui.widgets.common import Banner, button, clear_layout, hbox, label, title, vbox


class RecordTab(Protocol):
    def show_record(self, record: FamilyRecord) -> None: ...


def long_date(value: dt.date | None) -> str:
    return f"{value.day} {value:%B %Y}" if value else "Not set"


def review_date(value: dt.date | None) -> str:
    """The next review, saying plainly when it is overdue (not by colour alone)."""
    if value is not None and value < dt.date.today():
        return f"{long_date(value)} (overdue)"
    return long_date(value)


class FamilyScreen(QWidget):
    """One family at a time (the window reuses this screen, so opening 50 families holds one)."""

    back_requested = Signal()
    loaded = Signal(str)  # family id, once its record is on screen

    def __init__(self, ctx: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.family_id: str | None = None
        self.record: FamilyRecord | None = None
        self.labels: dict[str, dict[str, str]] = {}
        self.setAccessibleName("Family record")
        layout = vbox(self, margins=16, spacing=8)
        back = button("Back to the list", "link", name="backToList")
        back.clicked.connect(self.back_requested)
        layout.addWidget(back)
        top = hbox(spacing=12)
        self.name = title("")
        self.name.setObjectName("familyName")
        top.addWidget(self.name, 1)
        self.message = Banner("warning")
        self.printing = PrintRow(ctx, self.message, self)
        top.addWidget(self.printing)
        layout.addLayout(top)
        self.facts = label("", name="familyFacts")
        layout.addWidget(self.facts)
        self.flags_row = hbox(spacing=6)
        layout.addLayout(self.flags_row)
        layout.addWidget(self.message)
        self.tabs = QTabWidget()
        self.tabs.setObjectName("recordTabs")
        self.tabs.setDocumentMode(False)
        layout.addWidget(self.tabs, 1)
        self.overview = OverviewTab(ctx, self)
        self.people = PeopleTab(ctx, self)
        self.agreement = ConsentTab(ctx, self)
        self.professionals = ProfessionalsTab(ctx, self)
        self.assessment = AssessmentTab(ctx, self)
        self.plan = PlanTab(ctx, self)
        self.reviews = ReviewsTab(ctx, self)
        self.contacts = ContactsTab(ctx, self)
        self.activities = ActivitiesTab(ctx, self)
        self.steps = StepsTab(ctx, self)
        self._tabs: list[tuple[str, RecordTab]] = [
            ("&Overview", self.overview),
            ("&People", self.people),
            ("&Agreement and sharing", self.agreement),
            ("Pro&fessionals", self.professionals),
            ("A&ssessment", self.assessment),
            ("P&lan", self.plan),
            ("&Reviews", self.reviews),
            ("&Contacts", self.contacts),
            ("Acti&vities", self.activities),
            ("S&tep up, down or close", self.steps),
        ]
        self._stale: set[int] = set()
        for text, tab in self._tabs:
            self.tabs.addTab(cast(QWidget, tab), text)
        self.tabs.currentChanged.connect(lambda _i: self._show_current())
        ctx.changed.connect(self._changed)
        ctx.with_ws(self._read_labels, self._labels_loaded, lambda _e: None, owner=self)

    def add_tab(self, text: str, tab: QWidget) -> None:
        """Editors that arrive later (assessment, plan, reviews...) add themselves here."""
        self.tabs.addTab(tab, text)
        if hasattr(tab, "show_record"):
            self._tabs.append((text, cast(RecordTab, tab)))
            self._stale.add(id(tab))
            self._show_current()

    @staticmethod
    def _read_labels(ws: object) -> dict[str, dict[str, str]]:
        names = (
            "front_door",
            "level_of_need",
            "relationship",
            "closure_reason",
            "contact_kind",
            "agency",
            "flag",
            "assessment_domain",
            "outcome_category",
            "gender",
            "ethnicity",
        )
        return {n: dict(reference_list(ws, n)) for n in names}  # type: ignore[arg-type]

    def _labels_loaded(self, labels: dict[str, dict[str, str]]) -> None:
        self.labels = labels
        if self.record is not None:
            self._show(self.record)

    # -- loading -------------------------------------------------------------------------------------

    def load(self, family_id: str) -> None:
        if family_id != self.family_id:
            self.record = None
            self.name.setText("Opening…")
            self.facts.setText("")
            self.tabs.setCurrentIndex(0)
        self.family_id = family_id
        self.ctx.call(lambda s: s.record.open(family_id), self._loaded, self._failed, owner=self)

    def reload(self) -> None:
        if self.family_id is None:
            return
        family_id = self.family_id
        self.ctx.call(lambda s: s.record.open(family_id, audit=False), self._loaded, self._failed, owner=self)

    def _loaded(self, record: FamilyRecord) -> None:
        if record.family.id != self.family_id:
            return  # another family was opened meanwhile
        self.record = record
        self.message.set_text("")
        self._show(record)
        self.loaded.emit(record.family.id)

    def _failed(self, error: BaseException) -> None:
        self.message.set_text(describe(error))

    def _show(self, record: FamilyRecord) -> None:
        f = record.family
        self.name.setText(f"{f.display_name} family")
        self.name.setAccessibleName(f"{f.display_name} family")
        level = "Not set"
        if f.level_of_need is not None:
            named = self.labels.get("level_of_need", {}).get(str(f.level_of_need), "")
            level = f"{f.level_of_need} {named}".strip()
        lead = record.lead_worker.full_name if record.lead_worker else "No lead practitioner"
        facts = [
            f"Reference {f.reference}",
            f"Level of need: {level}",
            f"Status: {f.status.capitalize()}",
            f"Lead practitioner: {lead}",
            f"Next review: {review_date(record.next_review)}",
        ]
        self.facts.setText(" · ".join(facts))
        clear_layout(self.flags_row)
        for flag in record.flags:
            chip = label(f"Flag: {flag.label}", "flag", wrap=False)
            self.flags_row.addWidget(chip)
        if f.confidential_address:
            self.flags_row.addWidget(label("Confidential address", "flag", wrap=False))
        self.flags_row.addStretch(1)
        self.printing.show_record(record, self.labels.get("agency"))
        # Only the tab on screen reads more than the record; the others catch up when they are shown.
        self._stale = {id(tab) for _text, tab in self._tabs}
        self._show_current()

    def _show_current(self) -> None:
        current = self.tabs.currentWidget()
        if self.record is None or current is None or id(current) not in self._stale:
            return
        self._stale.discard(id(current))
        cast(RecordTab, current).show_record(self.record)

    def _changed(self, changes: Changes) -> None:
        if self.family_id and (self.family_id in changes.families or not changes.families):
            self.reload()

    def focus_tabs(self) -> None:
        self.tabs.setFocus(Qt.FocusReason.OtherFocusReason)
