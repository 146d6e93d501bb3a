"""Change a family's details: name, address (and whether it is confidential), level of need, lead."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtWidgets import QWidget

from earlyhelp_desktop.core.errors import InvalidInput
from earlyhelp_desktop.core.services import Services
from earlyhelp_desktop.core.services.base import Changes
from earlyhelp_desktop.core.store.models import Family
from earlyhelp_desktop.ui.adapters import reference_list
from earlyhelp_desktop.ui.context import UiContext
from earlyhelp_desktop.ui.dialogs.base import FormDialog
from earlyhelp_desktop.ui.widgets.common import heading

FIELDS = (
    "display_name",
    "address_line1",
    "address_line2",
    "town",
    "postcode",
    "confidential_address",
    "level_of_need",
    "lead_worker_id",
)


class FamilyDetailsDialog(FormDialog):
    save_text = "Save changes"

    def __init__(self, ctx: UiContext, family: Family, parent: QWidget | None = None) -> None:
        super().__init__(
            ctx,
            f"Change details of the {family.display_name} family",
            draft_key=f"family:{family.id}",
            parent=parent,
        )
        self.family = family
        f = self.form
        f.text("display_name", "Family name")
        f.layout.addWidget(heading("Address"))
        f.text("address_line1", "Address line 1")
        f.text("address_line2", "Address line 2 (optional)")
        f.text("town", "Town or city", width_chars=24)
        f.text("postcode", "Postcode", hint="For example, TQ1 4AB", width_chars=10)
        f.check(
            "confidential_address",
            "The address is confidential",
            hint="It is kept off printed plans and away from anyone outside the team around the family.",
        )
        f.layout.addWidget(heading("Support"))
        f.choice("level_of_need", "Level of need", [], empty="Not decided yet")
        f.choice("lead_worker_id", "Lead practitioner", [], empty="No lead practitioner")
        self._before = {name: getattr(family, name) for name in FIELDS}
        f.set_values(self._before)
        ctx.call(self._read, self._lists, owner=self)
        self.restore_draft()

    def _read(self, services: Services) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
        levels = reference_list(self.ctx.ws, "level_of_need")
        staff = [(s.user_id, s.full_name) for s in services.users.list()]
        return levels, staff

    def _lists(self, lists: tuple[list[tuple[str, str]], list[tuple[str, str]]]) -> None:
        levels, staff = lists
        clean = not self.form.dirty
        level, lead = self.form.value("level_of_need"), self.form.value("lead_worker_id")
        self.form.set_options(
            self.form.fields["level_of_need"].input,  # type: ignore[arg-type]
            [(c, f"{c} {label}") for c, label in levels],
            "Not decided yet",
        )
        self.form.set_options(self.form.fields["lead_worker_id"].input, staff, "No lead practitioner")  # type: ignore[arg-type]
        level = level if level is not None else self._before["level_of_need"]
        self.form.set_value("level_of_need", None if level is None else str(level))
        self.form.set_value("lead_worker_id", lead or self._before["lead_worker_id"])
        if clean:
            self.form.mark_clean()

    def save_call(self, values: dict[str, Any]) -> Callable[[Services], Changes]:
        changed: dict[str, Any] = {}
        for name in FIELDS:
            value = values[name]
            before = self._before[name]
            if name == "level_of_need":
                value = int(value) if value else None
            elif isinstance(value, str):
                value = value.strip() or None
            if value != before:
                changed[name] = value
        if "display_name" in changed and not changed["display_name"]:
            raise InvalidInput({"display_name": "Enter the family's name"})
        family_id = self.family.id

        def call(s: Services) -> Changes:
            if not changed:
                from earlyhelp_desktop.core.services.base import changes

                return changes((), [family_id])
            return s.families.update(family_id, **changed)

        return call
