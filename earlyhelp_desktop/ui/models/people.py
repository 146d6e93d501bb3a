"""The people of a household, as the People list shows them."""

from __future__ import annotations

import datetime as dt

from earlyhelp_desktop.core.services.families import full_name
from earlyhelp_desktop.core.services.record import Member
from earlyhelp_desktop.ui.models.table import Column, RowTableModel


def _name(m: Member) -> str:
    name = full_name(m.person)
    preferred = m.person.preferred_name
    return f"{name} (known as {preferred})" if preferred and preferred != m.person.given_name else name


def _born(m: Member) -> str:
    p = m.person
    if p.date_of_birth:
        return f"{p.date_of_birth.day} {p.date_of_birth:%B %Y}"
    if p.due_date:
        return f"Due {p.due_date.day} {p.due_date:%B %Y}"
    return "Not known"


def _age(m: Member, today: dt.date | None = None) -> str:
    born = m.person.date_of_birth
    if born is None:
        return "Unborn" if m.person.due_date else ""
    today = today or dt.date.today()
    years = today.year - born.year - ((today.month, today.day) < (born.month, born.day))
    return f"{years}" if years >= 1 else "Under 1"


def _yes(value: bool) -> str:
    return "Yes" if value else "No"


def _notes(m: Member) -> str:
    notes = []
    p = m.person
    if p.must_not_know_whereabouts:
        notes.append("Must not know the family's whereabouts")
    if p.interpreter_needed:
        notes.append(f"Interpreter needed{f' ({p.language})' if p.language else ''}")
    elif p.language:
        notes.append(f"Speaks {p.language}")
    return "; ".join(notes)


class MembersModel(RowTableModel[Member]):
    """People in a household: name, birth or due date, age, relationship and the per-household facts."""

    def __init__(self, relationship_labels: dict[str, str] | None = None) -> None:
        def relationship(m: Member) -> str:
            code = m.membership.relationship
            return self.relationship_labels.get(code, code.replace("_", " ").capitalize())

        super().__init__(
            columns=(
                Column[Member]("Name", _name),
                Column[Member]("Born", _born),
                Column[Member]("Age", _age),
                Column[Member]("Relationship", relationship),
                Column[Member]("Lives here", lambda m: _yes(m.membership.lives_in_household)),
                Column[Member](
                    "Parental responsibility", lambda m: _yes(m.membership.parental_responsibility)
                ),
                Column[Member]("Notes", _notes),
            )
        )
        self.relationship_labels: dict[str, str] = dict(relationship_labels or {})
