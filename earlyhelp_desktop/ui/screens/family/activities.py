"""Activities the family's people are linked to (social prescribing), and what happened next.

Activities are offered from the Directory; this tab shows the family's links with where each one is,
and records the next step (accepted, attended, completed...) without leaving the record.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from earlyhelp_desktop.core.services import Services
from earlyhelp_desktop.core.services.links import UNANSWERED_DAYS, LinkView
from earlyhelp_desktop.core.services.record import FamilyRecord
from earlyhelp_desktop.ui.context import UiContext
from earlyhelp_desktop.ui.models.record_lists import day
from earlyhelp_desktop.ui.models.table import Column, RowTableModel
from earlyhelp_desktop.ui.screens.family.base import RecordTab, selected_row, table
from earlyhelp_desktop.ui.screens.links import advance_link, waiting
from earlyhelp_desktop.ui.tasks import describe
from earlyhelp_desktop.ui.widgets.common import button, heading, hint, scaled

if TYPE_CHECKING:
    from earlyhelp_desktop.ui.screens.family.record import FamilyScreen


class FamilyLinksModel(RowTableModel[LinkView]):
    COLUMNS = (
        Column[LinkView]("Person", lambda v: v.person_name),
        Column[LinkView]("Activity", lambda v: f"{v.activity} ({v.organisation})"),
        Column[LinkView]("Where things are", lambda v: v.status_label),
        Column[LinkView]("Offered", lambda v: day(v.link.offered_on)),
        Column[LinkView]("Answer", waiting),
    )


class ActivitiesTab(RecordTab):
    def __init__(self, ctx: UiContext, screen: FamilyScreen) -> None:
        super().__init__(ctx, screen)
        self.body.addWidget(heading("Activities we are linked to"))
        self.body.addWidget(
            hint(
                "Groups, courses and support offered to people in this family. Offer new ones from the "
                f"Directory. Referrals unanswered after {UNANSWERED_DAYS} days are flagged."
            )
        )
        self.next_button = button("Record what happened next", name="advanceFamilyLink")
        self.next_button.clicked.connect(self.advance)
        self.buttons(self.next_button)
        self.model = FamilyLinksModel()
        self.view = table(self.model, "familyLinksTable", "Activities we are linked to", 240)
        for column, width in enumerate((190, 380, 150, 120)):
            self.view.setColumnWidth(column, scaled(width))
        self.body.addWidget(self.view)
        self.body.addStretch(1)

    def show_record(self, record: FamilyRecord) -> None:
        super().show_record(record)
        family_id = record.family.id

        def read(s: Services) -> list[LinkView]:
            return s.links.for_family(family_id)

        self.ctx.call(read, self._loaded, lambda e: self.message.set_text(describe(e), "warning"), owner=self)

    def _loaded(self, rows: list[LinkView]) -> None:
        self.model.set_rows(rows)
        self.next_button.setEnabled(bool(rows))
        if not rows:
            self.message.set_text("No one in this family has been linked to an activity yet.")

    def advance(self) -> None:
        view = selected_row(self.view, self.model)
        if view is None:
            self.message.set_text("Choose an activity in the list first.", "warning")
            return
        advance_link(self.ctx, view, self.message, self.window())
