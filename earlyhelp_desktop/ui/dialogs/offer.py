"""Offer an activity from the directory to someone in a family (the first step of a link)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from PySide6.QtWidgets import QWidget

from earlyhelp_desktop.core.errors import InvalidInput
from earlyhelp_desktop.core.services import Services
from earlyhelp_desktop.core.services.base import Changes
from earlyhelp_desktop.core.services.families import full_name
from earlyhelp_desktop.ui.context import UiContext
from earlyhelp_desktop.ui.dialogs.base import FormDialog
from earlyhelp_desktop.ui.dialogs.simple import blank
from earlyhelp_desktop.ui.tasks import describe
from earlyhelp_desktop.ui.widgets.common import button
from earlyhelp_desktop.ui.widgets.form import Form


class OfferDialog(FormDialog):
    save_text = "Save offer"

    def __init__(self, ctx: UiContext, asset_id: str, activity: str, parent: QWidget | None = None) -> None:
        super().__init__(ctx, f"Offer {activity}", parent=parent)
        self.asset_id = asset_id
        self.family_id: str | None = None
        f = self.form
        f.text("family", "Family reference", hint="As printed on the family's plan, for example TN-4K2P-7QX9")
        self.find_button = button("Find family", "secondary", name="findFamily")
        self.find_button.clicked.connect(self.find_family)
        f.layout.addWidget(self.find_button)
        f.choice("person_id", "Who", [], empty="Find the family first")
        f.choice("need_area", "Need it helps with (optional)", [], empty="Not recorded")
        f.date("offered_on", "Date offered")
        f.long_text("note", "Note (optional)", lines=2)
        f.set_values({"offered_on": dt.date.today()})
        ctx.call(lambda s: list(s.reference.labels("assessment_domain").items()), self._needs, owner=self)

    def _needs(self, needs: list[tuple[str, str]]) -> None:
        Form.set_options(self.form.fields["need_area"].input, needs, "Not recorded")  # type: ignore[arg-type]

    def find_family(self) -> None:
        text = self.form.value("family")

        def read(s: Services) -> Any:
            family_id = s.families.resolve(text)
            return family_id, s.record.open(family_id, audit=False).members

        def found(result: Any) -> None:
            self.family_id, members = result
            people = [(m.person.id, full_name(m.person)) for m in members]
            Form.set_options(self.form.fields["person_id"].input, people, "Select the person")  # type: ignore[arg-type]
            self.form.clear_errors()

        self.ctx.call(read, found, lambda e: self.form.show_errors({"family": describe(e)}), owner=self)

    def save_call(self, values: dict[str, Any]) -> Callable[[Services], Changes]:
        if self.family_id is None:
            raise InvalidInput(
                {"family": "Find the family first: enter its reference and choose Find family"}
            )
        if not values["person_id"]:
            raise InvalidInput({"person_id": "Select the person the activity is offered to"})
        family_id, asset_id = self.family_id, self.asset_id
        person_id, need = values["person_id"], values["need_area"]
        on, note = blank(values["offered_on"]), blank(values["note"])
        return lambda s: s.links.offer(
            family_id, person_id, asset_id, need_area=need, offered_on=on, note=note
        )
