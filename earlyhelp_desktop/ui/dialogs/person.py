"""Add or change a person in a household: who they are, how they belong to this household, and the
facts that keep them safe (an interpreter; must not know the family's whereabouts)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QWidget

from earlyhelp_desktop.core.errors import InvalidInput
from earlyhelp_desktop.core.services import Services
from earlyhelp_desktop.core.services.base import Changes
from earlyhelp_desktop.core.services.families import Duplicate
from earlyhelp_desktop.core.services.people import PERSON_FIELDS, PersonInput
from earlyhelp_desktop.core.services.record import Member
from earlyhelp_desktop.ui.adapters import reference_list
from earlyhelp_desktop.ui.context import UiContext
from earlyhelp_desktop.ui.dialogs.base import FormDialog
from earlyhelp_desktop.ui.widgets.common import Banner, button, heading

MEMBERSHIP = ("relationship", "is_child", "lives_in_household", "parental_responsibility")
CHILD_RELATIONSHIPS = {"son", "daughter", "stepson", "stepdaughter", "child", "unborn"}


class PersonDialog(FormDialog):
    """``member=None`` adds a new person to ``family_id``; otherwise changes that member."""

    def __init__(
        self,
        ctx: UiContext,
        family_id: str,
        family_name: str,
        member: Member | None = None,
        parent: QWidget | None = None,
    ) -> None:
        self.family_id = family_id
        self.member = member
        heading_text = (
            f"Add a person to the {family_name} family"
            if member is None
            else f"Change details of {member.person.given_name} {member.person.family_name}"
        )
        key = f"person:new:{family_id}" if member is None else f"person:{member.person.id}:{family_id}"
        self.save_text = "Add person" if member is None else "Save changes"
        super().__init__(ctx, heading_text, draft_key=key, parent=parent)
        self.save_button.setText(self.save_text)
        self._checked = member is not None
        f = self.form
        f.text("given_name", "First name")
        f.text("family_name", "Last name", hint="The family name")
        f.check(
            "family_name_first",
            "Their family name is written first",
            hint="For example Nguyễn Thị Hoa: the app then shows and prints the name that way.",
        )
        f.text("preferred_name", "Preferred name (optional)", hint="What they like to be called")
        self.unborn = f.check("unborn", "This baby is not born yet")
        f.date("date_of_birth", "Date of birth")
        f.date("due_date", "Due date")
        self.unborn.toggled.connect(self._unborn_toggled)
        f.layout.addWidget(heading(f"In the {family_name} household"))
        f.choice("relationship", "Relationship to the family", [])
        f.check("is_child", "A child in this household")
        f.check("lives_in_household", "Lives in this household")
        f.check("parental_responsibility", "Has parental responsibility for the children here")
        f.layout.addWidget(heading("About them"))
        f.choice("gender", "Gender", [], empty="Not recorded")
        f.choice("ethnicity", "Ethnicity", [], empty="Not recorded")
        f.text("religion", "Religion (optional)")
        f.text("language", "Main language", hint="Leave blank for English")
        f.check("interpreter_needed", "Needs an interpreter")
        f.long_text("communication_needs", "Communication needs (optional)", lines=2)
        f.long_text("disability", "Disability (optional)", lines=2)
        f.text("school", "School, nursery or college (optional)")
        f.text(
            "nhs_number", "NHS number (optional)", hint="10 digits, for example 943 476 5919", width_chars=14
        )
        f.text(
            "upn",
            "Unique pupil number (optional)",
            hint="13 characters, for example A801200001001",
            width_chars=16,
        )
        f.layout.addWidget(heading("Safety"))
        f.check(
            "must_not_know_whereabouts",
            "Must not know the family's whereabouts",
            hint="For example, someone the family needs protecting from. Nothing printed or shared for them "
            "will include the address.",
        )
        self.duplicates = Banner("warning")
        self.duplicates.setObjectName("duplicateWarning")
        self.body_layout.insertWidget(0, self.duplicates)
        f.set_values({"lives_in_household": True})
        if member is not None:
            p, m = member.person, member.membership
            f.set_values({name: getattr(p, name) for name in PERSON_FIELDS})
            f.set_values({name: getattr(m, name) for name in MEMBERSHIP})
            f.set_values({"unborn": p.due_date is not None and p.date_of_birth is None})
        self._unborn_toggled(bool(f.value("unborn")))
        f.fields["relationship"].input.currentIndexChanged.connect(self._relationship_chosen)  # type: ignore[attr-defined]
        ctx.with_ws(self._read_lists, self._lists, owner=self)
        self.restore_draft()

    @staticmethod
    def _read_lists(ws: Any) -> dict[str, list[tuple[str, str]]]:
        return {name: reference_list(ws, name) for name in ("relationship", "gender", "ethnicity")}

    def _lists(self, lists: dict[str, list[tuple[str, str]]]) -> None:
        clean = not self.form.dirty
        empties = {
            "relationship": "Select a relationship",
            "gender": "Not recorded",
            "ethnicity": "Not recorded",
        }
        for name, options in lists.items():
            combo = self.form.fields[name].input
            current = self.form.value(name)
            self.form.set_options(combo, options, empties[name])  # type: ignore[arg-type]
            if current is None and self.member is not None:
                source = self.member.membership if name == "relationship" else self.member.person
                current = getattr(source, name)
            self.form.set_value(name, current)
        if clean:
            self.form.mark_clean()

    def _unborn_toggled(self, unborn: bool) -> None:
        self.form.set_visible("due_date", unborn)
        self.form.set_visible("date_of_birth", not unborn)

    def _relationship_chosen(self) -> None:
        code = self.form.value("relationship")
        if code in CHILD_RELATIONSHIPS and not self.form.value("is_child"):
            self.form.set_value("is_child", True)
        if code == "unborn":
            self.form.set_value("unborn", True)

    # -- saving ----------------------------------------------------------------------------------

    def _person_values(self, values: dict[str, Any]) -> dict[str, Any]:
        person = {name: values[name] for name in PERSON_FIELDS}
        for name in (
            "preferred_name",
            "religion",
            "language",
            "communication_needs",
            "disability",
            "school",
            "nhs_number",
            "upn",
        ):
            person[name] = person[name] or None
        if values["unborn"]:
            person["date_of_birth"] = None
        else:
            person["due_date"] = None
        return person

    def save_call(self, values: dict[str, Any]) -> Callable[[Services], Changes]:
        if not values["relationship"]:
            raise InvalidInput({"relationship": "Select how this person is related to the family"})
        person = self._person_values(values)
        membership = {name: values[name] for name in MEMBERSHIP}
        family_id = self.family_id
        member = self.member
        if member is None:

            def add(s: Services) -> Changes:
                return s.people.add(family_id, PersonInput(**person), **membership)

            return add
        person_id = member.person.id
        before = {name: getattr(member.membership, name) for name in MEMBERSHIP}

        def update(s: Services) -> Changes:
            result = s.people.update(person_id, **person)
            changed = {k: v for k, v in membership.items() if before[k] != v}
            if changed:
                result = result | s.people.update_membership(family_id, person_id, **changed)
            return result

        return update

    def submit(self) -> None:
        """A new person is checked for likely duplicates first; an existing one can join instead."""
        self.form.clear_errors()
        values = self.form.values()
        if self._checked or not values["given_name"].strip() or not values["family_name"].strip():
            super().submit()
            return
        dob = None if values["unborn"] else values["date_of_birth"] or None

        def found(duplicates: list[Duplicate]) -> None:
            self._checked = True
            if duplicates:
                self._show_duplicates(duplicates)
            else:
                super(PersonDialog, self).submit()

        self.ctx.call(
            lambda s: s.people.likely_duplicates(values["given_name"], values["family_name"], dob),
            found,
            lambda _e: super(PersonDialog, self).submit(),  # a bad date: saving shows the message
            owner=self,
        )

    def _show_duplicates(self, duplicates: list[Duplicate]) -> None:
        first = duplicates[0]
        self.duplicates.set_text(
            f"This may be someone already on this laptop: {first.label} ({first.reason}). If it is the same "
            "person, add them to this household instead of making a second record."
        )
        join = button("Add them to this household instead", "secondary", name="joinExisting")
        join.clicked.connect(lambda: self._join(first.id))
        self.duplicates.buttons.addWidget(join)
        self.save_button.setText("Add as a new person anyway")
        join.setFocus(Qt.FocusReason.OtherFocusReason)

    def _join(self, person_id: str) -> None:
        values = self.form.values()
        if not values["relationship"]:
            self.form.show_errors({"relationship": "Select how this person is related to the family"})
            return
        family_id = self.family_id
        membership = {name: values[name] for name in MEMBERSHIP}
        self.ctx.mutate(
            lambda s: s.people.join(family_id, person_id, **membership), self._saved, self._failed, owner=self
        )
