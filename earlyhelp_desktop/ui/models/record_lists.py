"""The lists inside a family's record: agreement, sharing, professionals, plan, reviews, contacts."""

from __future__ import annotations

import datetime as dt
from typing import Any

from earlyhelp_desktop.core.store.models import (
    Agreement,
    Contact,
    PlanAction,
    PlanOutcome,
    Professional,
    Review,
    SharingPermission,
    TafMember,
)
from earlyhelp_desktop.ui.models.table import Column, RowTableModel

ACCESS = {"everything": "May see everything", "plan": "The plan only", "nothing": "Nothing"}
ACTION_STATUS = {
    "not_started": "Not started",
    "in_progress": "In progress",
    "done": "Done",
    "dropped": "Dropped",
}
DECISIONS = {"continue": "Continue", "step_up": "Step up", "step_down": "Step down", "close": "Close"}


def day(value: dt.date | dt.datetime | None) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        local = value.astimezone()
        return f"{local.day} {local:%b %Y %H:%M}"
    return f"{value.day} {value:%b %Y}"


def yes(value: bool) -> str:
    return "Yes" if value else "No"


def first_line(text: str | None, limit: int = 120) -> str:
    line = (text or "").strip().splitlines()[0] if (text or "").strip() else ""
    return line if len(line) <= limit else line[: limit - 1] + "…"


class AgreementsModel(RowTableModel[Agreement]):
    def __init__(self, names: dict[str, str] | None = None) -> None:
        super().__init__(
            columns=(
                Column[Agreement]("Person", lambda a: self.names.get(a.person_id, "Someone no longer here")),
                Column[Agreement](
                    "Agrees to early help", lambda a: "Withdrawn" if a.withdrawn_on else yes(a.agreed)
                ),
                Column[Agreement]("Since", lambda a: day(a.withdrawn_on or a.agreed_on)),
                Column[Agreement]("How", lambda a: (a.method or "").capitalize()),
                Column[Agreement]("Note", lambda a: first_line(a.note)),
            )
        )
        self.names: dict[str, str] = dict(names or {})


class SharingModel(RowTableModel[SharingPermission]):
    def __init__(self, agencies: dict[str, str] | None = None) -> None:
        super().__init__(
            columns=(
                Column[SharingPermission]("Agency", lambda s: self.agencies.get(s.agency, s.agency)),
                Column[SharingPermission](
                    "May see",
                    lambda s: "Must not see anything" if s.must_not_see else ACCESS.get(s.access, s.access),
                ),
                Column[SharingPermission]("Gets a copy", lambda s: yes(s.gets_copy and not s.must_not_see)),
                Column[SharingPermission]("Note", lambda s: first_line(s.note)),
            )
        )
        self.agencies: dict[str, str] = dict(agencies or {})


class ProfessionalsModel(RowTableModel[Professional]):
    def __init__(self, agencies: dict[str, str] | None = None) -> None:
        super().__init__(
            columns=(
                Column[Professional]("Agency", lambda p: self.agencies.get(p.agency, p.agency)),
                Column[Professional]("Name", lambda p: p.name),
                Column[Professional]("Role", lambda p: p.role or ""),
                Column[Professional]("Phone", lambda p: p.phone or ""),
                Column[Professional]("Email", lambda p: p.email or ""),
            )
        )
        self.agencies: dict[str, str] = dict(agencies or {})


class OutcomesModel(RowTableModel[PlanOutcome]):
    def __init__(self, categories: dict[str, str] | None = None) -> None:
        super().__init__(
            columns=(
                Column[PlanOutcome]("What we want to happen", lambda o: o.text, lambda o: o.text),
                Column[PlanOutcome](
                    "Headline outcomes",
                    lambda o: ", ".join(self.categories.get(c, c) for c in o.categories or []),
                ),
                Column[PlanOutcome]("Status", lambda o: o.status.capitalize()),
            )
        )
        self.categories: dict[str, str] = dict(categories or {})


class ActionsModel(RowTableModel[PlanAction]):
    COLUMNS = (
        Column[PlanAction]("What needs to happen", lambda a: a.text, lambda a: a.text),
        Column[PlanAction]("Who", lambda a: a.owner),
        Column[PlanAction]("By when", lambda a: day(a.due_on)),
        Column[PlanAction]("Status", lambda a: ACTION_STATUS.get(a.status, a.status)),
    )


class TafModel(RowTableModel[TafMember]):
    COLUMNS = (
        Column[TafMember]("Name", lambda t: t.name),
        Column[TafMember]("Role", lambda t: t.role or ""),
        Column[TafMember]("Agency", lambda t: t.agency or ""),
        Column[TafMember]("Contact", lambda t: " · ".join(p for p in (t.phone, t.email) if p)),
    )


class ReviewsModel(RowTableModel[Review]):
    COLUMNS = (
        Column[Review]("Held on", lambda r: day(r.held_on)),
        Column[Review]("Who came", lambda r: ", ".join(r.attendees or [])),
        Column[Review]("Decision", lambda r: DECISIONS.get(r.decision, r.decision)),
        Column[Review]("Next review", lambda r: day(r.next_review_on)),
    )


class ContactsModel(RowTableModel[Contact]):
    def __init__(self, kinds: dict[str, str] | None = None, staff: dict[str, str] | None = None) -> None:
        super().__init__(
            columns=(
                Column[Contact]("When", lambda c: day(c.occurred_at)),
                Column[Contact]("Kind", lambda c: self.kinds.get(c.kind, c.kind.capitalize())),
                Column[Contact]("Where", lambda c: c.venue_text or ""),
                Column[Contact](
                    "Minutes", lambda c: "" if c.duration_minutes is None else str(c.duration_minutes)
                ),
                Column[Contact]("Note", lambda c: first_line(c.note), lambda c: c.note),
            )
        )
        self.kinds: dict[str, str] = dict(kinds or {})
        self.staff: dict[str, str] = dict(staff or {})


def as_rows(values: Any) -> list[Any]:
    return list(values or [])
