"""Professionals involved with a family."""

from __future__ import annotations

import pytest

from earlyhelp_desktop.core.errors import InvalidInput, NotFound, NotPermitted


def test_add_update_and_remove_a_professional(worker, household, outbox):
    pros = worker.services.professionals
    probe = outbox(worker)
    pro_id = pros.add(
        household.family_id,
        agency="Torbay Primary School",
        name="Ms Priya Hart",
        role="Attendance officer",
        phone="01803 200 300",
        email="p.hart@example.org",
    ).id
    (insert,) = probe.ops()
    assert (insert.table, insert.kind) == ("professional", "insert")
    assert insert.value("agency") == "Torbay Primary School"
    probe.mark()
    pros.update(pro_id, phone="01803 200 301", role="Deputy head")
    (update,) = probe.ops()
    assert (update.kind, update.keys) == ("update", {"phone", "role"})
    assert update.base("phone") == [insert.version]
    assert probe.audits() == [("update", "professional")]
    assert [p.name for p in pros.for_family(household.family_id)] == ["Ms Priya Hart"]
    pros.remove(pro_id)
    assert pros.for_family(household.family_id) == []
    assert probe.ops()[-1].kind == "delete"
    with pytest.raises(NotFound):
        pros.update(pro_id, role="Head")


def test_professional_details_are_checked(worker, household, unchanged):
    with unchanged(worker), pytest.raises(InvalidInput) as error:
        worker.services.professionals.add(
            household.family_id, agency=" ", name="", phone="call me", email="not-an-address"
        )
    assert error.value.errors == {
        "agency": "Enter their agency, for example Torbay Primary School",
        "name": "Enter their name",
        "phone": "Enter a phone number, like 01632 960 001 or 07700 900 982",
        "email": "Enter an email address in the correct format, like name@example.com",
    }


def test_connectors_cannot_change_professionals(connector, household, unchanged):
    with unchanged(connector), pytest.raises(NotPermitted):
        connector.services.professionals.add(household.family_id, agency="GP", name="Dr Reed")
