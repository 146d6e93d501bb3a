"""Contacts: the timeline of visits, calls, messages and group sessions, newest first, with
"Record a contact" and corrections that keep the original note."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from earlyhelp_desktop.core.services.contacts import TimelineEntry
from earlyhelp_desktop.core.services.record import FamilyRecord
from earlyhelp_desktop.ui.context import UiContext
from earlyhelp_desktop.ui.dialogs.simple import F, SimpleDialog, blank
from earlyhelp_desktop.ui.models.record_lists import day, first_line
from earlyhelp_desktop.ui.models.table import Column, RowTableModel
from earlyhelp_desktop.ui.screens.family.base import RecordTab, selected_row, table
from earlyhelp_desktop.ui.widgets.common import button, heading, hint, label, scaled

if TYPE_CHECKING:
    from earlyhelp_desktop.ui.screens.family.record import FamilyScreen

TIMELINE = 200


class TimelineModel(RowTableModel[TimelineEntry]):
    COLUMNS = (
        Column[TimelineEntry]("When", lambda e: day(e.contact.occurred_at)),
        Column[TimelineEntry]("Kind", lambda e: e.kind_label),
        Column[TimelineEntry]("Where", lambda e: e.venue or ""),
        Column[TimelineEntry](
            "Minutes", lambda e: "" if e.contact.duration_minutes is None else str(e.contact.duration_minutes)
        ),
        Column[TimelineEntry]("By", lambda e: e.worker or ""),
        Column[TimelineEntry](
            "Note",
            lambda e: (
                ("Corrected: " if e.corrected_by else "")
                + ("Correction: " if e.is_correction else "")
                + first_line(e.contact.note)
            ),
            lambda e: e.contact.note,
        ),
    )


def contact_fields(kinds: list[tuple[str, str]]) -> list[F]:
    return [
        F("choice", "kind", "Kind of contact", options=kinds, empty="Select the kind of contact"),
        F("date", "occurred_on", "Date"),
        F("text", "time", "Time (optional)", hint="For example, 14:30"),
        F(
            "text",
            "venue_text",
            "Where (optional)",
            hint="For example, the family's home, Torre Primary School",
        ),
        F("text", "duration_minutes", "How long, in minutes (optional)"),
        F(
            "long",
            "note",
            "Note",
            hint="What happened, in plain words. Notes cannot be deleted, only corrected.",
            lines=6,
        ),
    ]


def occurred_at(values: dict[str, Any], now: dt.datetime | None = None) -> Any:
    """The date (and optional time) as the service takes it: '27 3 2026 14:30' or just the date.

    A date alone means midday; for a contact today with no time given, that could be later than now
    (a visit logged at 9am), so today's contacts without a time are taken as now."""
    date = (values.get("occurred_on") or "").strip()
    time = (values.get("time") or "").strip()
    if date and not time:
        now = now or dt.datetime.now()
        if date.split() == [str(now.day), str(now.month), str(now.year)]:
            time = f"{now:%H:%M}"
    return f"{date} {time}".strip() or None


class ContactsTab(RecordTab):
    def __init__(self, ctx: UiContext, screen: FamilyScreen) -> None:
        super().__init__(ctx, screen)
        self.body.addWidget(heading("Contacts"))
        self.body.addWidget(hint("Visits, calls, messages and group sessions, newest first."))
        self.add_button = button("Record a contact", name="addContact")
        self.correct_button = button("Correct this note", "secondary", name="correctContact")
        self.add_button.clicked.connect(self.record_contact)
        self.correct_button.clicked.connect(self.correct)
        self.buttons(self.add_button, self.correct_button)
        self.model = TimelineModel()
        self.view = table(self.model, "contactsTable", "Contacts, newest first", 360)
        self.view.setColumnWidth(0, scaled(150))
        self.view.setColumnWidth(1, scaled(160))
        self.body.addWidget(self.view)
        self.more = label("", "hint", name="contactsMore")
        self.body.addWidget(self.more)
        self.body.addStretch(1)

    def show_record(self, record: FamilyRecord) -> None:
        super().show_record(record)
        family_id = record.family.id
        self.ctx.call(lambda s: s.contacts.timeline(family_id, limit=TIMELINE), self._timeline, owner=self)

    def _timeline(self, page: Any) -> None:
        self.model.set_rows(page.entries)
        self.correct_button.setEnabled(bool(page.entries))
        self.more.setText(f"Showing the latest {len(page.entries)} of {page.total}." if page.has_more else "")

    def _kinds(self) -> list[tuple[str, str]]:
        return list(self.labels("contact_kind").items())

    def record_contact(self) -> None:
        if self.record is None:
            return
        family_id = self.family_id

        def save(v: dict[str, Any]) -> Any:
            return lambda s: s.contacts.record(
                family_id,
                kind=v["kind"] or "",
                occurred_at=occurred_at(v),
                note=v["note"],
                duration_minutes=blank(v["duration_minutes"]),
                venue_text=blank(v["venue_text"]),
            )

        today = dt.date.today()
        SimpleDialog(
            self.ctx,
            "Record a contact",
            contact_fields(self._kinds()),
            save,
            save_text="Save contact",
            values={"occurred_on": today},
            draft_key=f"contact:new:{family_id}",
            aliases={"occurred_at": "occurred_on"},
            parent=self.window(),
        ).open()

    def correct(self) -> None:
        entry = selected_row(self.view, self.model)
        if entry is None:
            return
        c = entry.contact
        contact_id = c.id
        local = c.occurred_at.astimezone()

        def save(v: dict[str, Any]) -> Any:
            return lambda s: s.contacts.correct(
                contact_id,
                kind=v["kind"],
                occurred_at=occurred_at(v),
                note=v["note"],
                duration_minutes=blank(v["duration_minutes"]),
                venue_text=blank(v["venue_text"]),
            )

        values = {
            "kind": c.kind,
            "occurred_on": local.date(),
            "time": f"{local:%H:%M}",
            "note": c.note,
            "venue_text": c.venue_text or "",
            "duration_minutes": c.duration_minutes or "",
        }
        SimpleDialog(
            self.ctx,
            "Correct a note (the original stays on the record)",
            contact_fields(self._kinds()),
            save,
            values=values,
            save_text="Save correction",
            draft_key=f"contact:{contact_id}",
            aliases={"occurred_at": "occurred_on"},
            parent=self.window(),
        ).open()
