"""Case notes are append-only; a correction is a new note; the timeline is paged, newest first."""

from __future__ import annotations

import datetime as dt

import pytest

from earlyhelp_desktop.core.errors import InvalidInput, NotPermitted, WrongState


def _at(days_ago: int) -> dt.datetime:
    """A whole minute ``days_ago`` days before an hour ago (always in the past)."""
    moment = dt.datetime.now(dt.UTC) - dt.timedelta(days=days_ago, hours=1)
    return moment.replace(second=0, microsecond=0)


def test_a_contact_is_recorded_in_the_open_episode(ws, worker, household, outbox):
    venue_id = ws.services.reference.add_venue("Ellacombe Church Hall").id
    probe = outbox(worker)
    contact_id = worker.services.contacts.record(
        household.family_id,
        kind="visit",
        occurred_at=_at(1),
        note="Home visit. Zoë says mornings are easier since the new routine.",
        duration_minutes="45",
        venue_id=venue_id,
        person_ids=[household.mum, household.teen],
    ).id
    (op,) = probe.ops()
    assert (op.table, op.kind, op.row_id) == ("contact", "insert", contact_id)
    assert op.value("episode_id") == household.episode_id
    assert op.value("worker_id") == worker.user.user_id and op.value("duration_minutes") == 45
    assert probe.audits() == [("create", "contact")]
    (entry,) = worker.services.contacts.timeline(household.family_id).entries
    assert (entry.kind_label, entry.worker, entry.venue) == (
        "Home or venue visit",
        "Jamal Okafor",
        "Ellacombe Church Hall",
    )


def test_a_correction_is_a_new_note_and_the_original_stays(ws, worker, household, outbox, unchanged):
    contacts = worker.services.contacts
    first = contacts.record(
        household.family_id, kind="call", occurred_at=_at(2), note="Called Zoë about the rent arrears."
    ).id
    probe = outbox(worker)
    fixed = contacts.correct(first, note="Called Zoë about the council tax arrears.").id
    (op,) = probe.ops()
    assert (op.table, op.kind, op.value("amends_id")) == ("contact", "insert", first)
    assert op.value("kind") == "call" and op.value("occurred_at") == _at(2).isoformat(timespec="microseconds")
    assert probe.audits() == [("correct", "contact")]
    entries = {e.contact.id: e for e in contacts.timeline(household.family_id).entries}
    assert entries[first].corrected_by == fixed and entries[fixed].is_correction
    assert entries[first].contact.note == "Called Zoë about the rent arrears."
    with unchanged(worker), pytest.raises(WrongState, match="already been corrected"):
        contacts.correct(first, note="Again")
    # a supervisor may correct anyone's note; a colleague may not
    ws.services.contacts.correct(fixed, duration_minutes=10)
    with unchanged(worker), pytest.raises(NotPermitted, match="person who wrote a note"):
        contacts.correct(ws.services.contacts.timeline(household.family_id).entries[0].contact.id, note="x")


def test_the_timeline_is_paged_newest_first(worker, household):
    contacts = worker.services.contacts
    for day in range(7):
        contacts.record(household.family_id, kind="message", occurred_at=_at(day), note=f"Text {day}")
    page = contacts.timeline(household.family_id, limit=3)
    assert [e.contact.note for e in page.entries] == ["Text 0", "Text 1", "Text 2"]
    assert (page.total, page.has_more) == (7, True)
    last = contacts.timeline(household.family_id, offset=6, limit=3)
    assert [e.contact.note for e in last.entries] == ["Text 6"] and not last.has_more


def test_contact_input_is_checked(worker, household, unchanged):
    contacts = worker.services.contacts
    with unchanged(worker), pytest.raises(InvalidInput) as error:
        contacts.record(
            household.family_id,
            kind="telepathy",
            occurred_at=dt.datetime.now(dt.UTC) + dt.timedelta(days=1),
            note=" ",
            duration_minutes="an hour",
        )
    assert error.value.errors == {
        "kind": "Select the kind of contact from: visit, call, message, group, other",
        "occurred_at": "When it happened must be now or in the past",
        "note": "Enter what happened",
        "duration_minutes": "How long it took in minutes must be a whole number, like 30",
    }
    with unchanged(worker), pytest.raises(InvalidInput) as error:
        contacts.record(household.family_id, kind="visit", occurred_at="31 4 2025 25:00", note="x")
    assert error.value.errors == {
        "occurred_at": "When it happened must be a real date and time, for example 27 3 2019 14:30"
    }
    with unchanged(worker), pytest.raises(InvalidInput, match="belong to this family"):
        contacts.record(
            household.family_id, kind="visit", occurred_at=_at(0), note="x", person_ids=["stranger"]
        )
    with unchanged(worker), pytest.raises(InvalidInput, match="Choose a venue"):
        contacts.record(household.family_id, kind="visit", occurred_at=_at(0), note="x", venue_id="nowhere")


def test_typed_dates_and_times_are_local(worker, household):
    worker.services.contacts.record(
        household.family_id, kind="group", occurred_at="3 2 2025 14:30", note="Group"
    )
    (entry,) = worker.services.contacts.timeline(household.family_id).entries
    assert entry.contact.occurred_at.astimezone().strftime("%d %m %Y %H:%M") == "03 02 2025 14:30"


def test_connectors_record_contacts_at_drop_ins(connector, household):
    connector.services.contacts.record(
        household.family_id, kind="group", occurred_at=_at(0), note="Zoë came to the Wellbeing Café."
    )
    assert connector.services.contacts.timeline(household.family_id).total == 1
