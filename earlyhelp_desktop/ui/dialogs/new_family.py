"""New family: name, address, level of need and why help was asked for, with a likely-duplicate check
before anything is saved (a household met at two venues should not become two records)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QWidget

from earlyhelp_desktop.core.services import Services
from earlyhelp_desktop.core.services.base import Changes
from earlyhelp_desktop.core.services.families import Duplicate
from earlyhelp_desktop.ui.adapters import reference_list
from earlyhelp_desktop.ui.context import UiContext
from earlyhelp_desktop.ui.dialogs.base import FormDialog
from earlyhelp_desktop.ui.widgets.common import Banner, button, clear_layout, heading


class NewFamilyDialog(FormDialog):
    created = Signal(str)  # the new family's id

    save_text = "Create family"

    def __init__(self, ctx: UiContext, name: str = "", parent: QWidget | None = None) -> None:
        super().__init__(ctx, "New family", draft_key="family:new", parent=parent)
        f = self.form
        f.text("name", "Family name", hint="Usually the surname the family uses, for example Ó Briain")
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
        f.layout.addWidget(heading("About the request for help"))
        f.choice("level_of_need", "Level of need", [], empty="Not decided yet")
        f.text("request_source", "Who asked for help", hint="For example, school, health visitor, the family")
        f.long_text("request_reason", "Why help was asked for", lines=3)
        self.duplicates = Banner("warning")
        self.duplicates.setObjectName("duplicateWarning")
        self.body_layout.insertWidget(0, self.duplicates)
        self._checked_for: tuple[str, str] | None = None
        self._duplicates: list[Duplicate] = []
        f.set_value("name", name if name and not any(ch.isdigit() for ch in name) else "")
        f.mark_clean()
        ctx.with_ws(lambda ws: reference_list(ws, "level_of_need"), self._levels, owner=self)
        self.restore_draft()

    def _levels(self, levels: list[tuple[str, str]]) -> None:
        combo = self.form.fields["level_of_need"].input
        self.form.set_options(combo, [(c, f"{c} {label}") for c, label in levels], "Not decided yet")  # type: ignore[arg-type]

    # -- the duplicate check comes first -----------------------------------------------------------

    def submit(self) -> None:
        self.form.clear_errors()  # old messages go before the duplicate check answers
        values = self.form.values()
        key = (values["name"].strip().casefold(), values["postcode"].strip().upper())
        if not values["name"].strip() or self._checked_for == key:
            super().submit()
            return

        def found(duplicates: list[Duplicate]) -> None:
            self._checked_for = key
            self._duplicates = duplicates
            if not duplicates:
                super(NewFamilyDialog, self).submit()
                return
            self._show_duplicates(duplicates)

        self.ctx.call(
            lambda s: s.families.likely_duplicates(values["name"], values["postcode"] or None),
            found,
            lambda _e: super(NewFamilyDialog, self).submit(),  # a bad postcode: the save shows why
            owner=self,
        )

    def _show_duplicates(self, duplicates: list[Duplicate]) -> None:
        lines = "; ".join(f"{d.label}: {d.reason}" for d in duplicates[:5])
        more = f" and {len(duplicates) - 5} more" if len(duplicates) > 5 else ""
        self.duplicates.set_text(
            f"This family may already be on this laptop: {lines}{more}. Open it instead, "
            "or create a new family if it is a different household."
        )
        clear_layout(self.duplicates.buttons)
        first = duplicates[0]
        open_it = button(f"Open {first.label}", "secondary", name="openDuplicate")
        open_it.clicked.connect(lambda: self._open_existing(first.id))
        self.duplicates.buttons.addWidget(open_it)
        self.save_button.setText("Create a new family anyway")
        self.duplicates.setFocus()

    def _open_existing(self, family_id: str) -> None:
        self.form.mark_clean()
        self.ctx.unregister_form(self)
        self.ctx.with_ws(lambda ws: self.ctx.drafts.discard(ws, "family:new"))
        self.created.emit(family_id)
        self.done(0)

    def save_call(self, values: dict[str, Any]) -> Callable[[Services], Changes]:
        def call(s: Services) -> Changes:
            return s.families.add(
                values["name"],
                postcode=values["postcode"] or None,
                address_line1=values["address_line1"] or None,
                address_line2=values["address_line2"] or None,
                town=values["town"] or None,
                level_of_need=values["level_of_need"],
                confidential_address=bool(values["confidential_address"]),
                request_reason=values["request_reason"] or None,
                request_source=values["request_source"] or None,
            )

        return call

    def after_save(self, result: Changes) -> None:
        self.created.emit(result.id)
