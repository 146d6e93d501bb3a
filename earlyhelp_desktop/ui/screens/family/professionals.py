"""Professionals involved with the family: agency, name, role and how to reach them."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtWidgets import QTableView

from earlyhelp_desktop.core.services.record import FamilyRecord
from earlyhelp_desktop.core.store.models import Professional
from earlyhelp_desktop.ui.context import UiContext
from earlyhelp_desktop.ui.dialogs.simple import F, SimpleDialog, blank
from earlyhelp_desktop.ui.models.record_lists import ProfessionalsModel
from earlyhelp_desktop.ui.screens.family.base import RecordTab, selected_row, table
from earlyhelp_desktop.ui.widgets.common import button, heading, hint

if TYPE_CHECKING:
    from earlyhelp_desktop.ui.screens.family.record import FamilyScreen


class ProfessionalsTab(RecordTab):
    model: ProfessionalsModel
    view: QTableView

    def __init__(self, ctx: UiContext, screen: FamilyScreen) -> None:
        super().__init__(ctx, screen)
        self.body.addWidget(heading("Professionals involved"))
        self.body.addWidget(hint("Who else works with this family: GP, school, health visitor, housing..."))
        self.add_button = button("Add a professional", name="addProfessional")
        self.edit_button = button("Change details", "secondary", name="editProfessional")
        self.remove_button = button("No longer involved", "secondary", name="removeProfessional")
        self.add_button.clicked.connect(lambda: self.edit(None))
        self.edit_button.clicked.connect(lambda: self.edit(selected_row(self.view, self.model)))
        self.remove_button.clicked.connect(self.remove)
        self.buttons(self.add_button, self.edit_button, self.remove_button)
        self.model = ProfessionalsModel()
        self.view = table(self.model, "professionalsTable", "Professionals involved", 260)
        self.view.activated.connect(lambda index: self.edit(self.model.row(index.row())))
        self.body.addWidget(self.view)
        self.body.addStretch(1)

    def show_record(self, record: FamilyRecord) -> None:
        super().show_record(record)
        self.model.agencies = self.labels("agency")
        self.model.set_rows(record.professionals)
        self.edit_button.setEnabled(bool(record.professionals))
        self.remove_button.setEnabled(bool(record.professionals))

    def edit(self, row: Professional | None) -> None:
        if self.record is None:
            return
        agencies = sorted(self.labels("agency").items(), key=lambda kv: kv[1])
        fields = [
            F("choice", "agency", "Agency", options=agencies, empty="Select the agency"),
            F("text", "name", "Name"),
            F("text", "role", "Role (optional)", hint="For example, class teacher, health visitor"),
            F("text", "phone", "Phone (optional)"),
            F("text", "email", "Email (optional)"),
            F("long", "note", "Note (optional)", lines=2),
        ]
        family_id = self.family_id
        if row is None:

            def save(v: dict[str, Any]) -> Any:
                return lambda s: s.professionals.add(
                    family_id,
                    **{k: blank(x) or "" if k in ("agency", "name") else blank(x) for k, x in v.items()},
                )

            dialog = SimpleDialog(
                self.ctx,
                "Add a professional",
                fields,
                save,
                save_text="Add professional",
                draft_key=f"professional:new:{family_id}",
                parent=self.window(),
            )
        else:
            row_id = row.id
            values = {f: getattr(row, f) for f in ("agency", "name", "role", "phone", "email", "note")}

            def save(v: dict[str, Any]) -> Any:
                return lambda s: s.professionals.update(row_id, **{k: blank(x) for k, x in v.items()})

            dialog = SimpleDialog(
                self.ctx,
                f"Change details of {row.name}",
                fields,
                save,
                values=values,
                draft_key=f"professional:{row_id}",
                parent=self.window(),
            )
        dialog.open()

    def remove(self) -> None:
        row = selected_row(self.view, self.model)
        if row is None:
            return
        row_id = row.id
        self.ask(
            f"Is {row.name} no longer involved? They stay in the record's history.",
            lambda: self.change(lambda s: s.professionals.remove(row_id), f"{row.name} is no longer listed."),
        )
