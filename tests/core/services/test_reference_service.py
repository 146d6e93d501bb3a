"""Configurable lists, labels, the front door guidance, venues and hubs."""

from __future__ import annotations

import pytest

from earlyhelp_desktop.core.errors import InvalidInput, NotPermitted


def test_lists_come_from_configuration_in_their_order(ws):
    ref = ws.services.reference
    domains = ref.items("assessment_domain")
    assert [d.code for d in domains[:3]] == ["health", "education", "emotional_behavioural"]
    assert len(domains) == 20
    assert ref.label("closure_reason", "needs_met") == "Needs met, outcomes achieved"
    assert ref.label("closure_reason", "unknown_code") == "unknown_code"
    assert ref.level_of_need(3) == "3 Multiple or complex"
    assert ref.level_of_need(None) == "Not set"
    assert {"assessment_domain", "closure_reason", "front_door", "terms"} <= set(ref.lists())


def test_front_door_shows_the_local_number_and_steps(ws):
    door = ws.services.reference.front_door()
    assert door.phone == "0300 000 0000"
    assert door.steps[0] == "If a child is in immediate danger, call 999."


def test_a_supervisor_renames_a_term_and_every_screen_sees_it(ws, outbox):
    probe = outbox(ws)
    ws.services.reference.set_item("terms", "service_name", "Family help")
    assert ws.services.reference.term("service_name") == "Family help"
    (op,) = probe.ops()
    assert (op.table, op.kind, op.keys) == ("ref_item", "update", {"label"})
    # the seeded row's version is the base: the edit supersedes exactly what every laptop holds
    assert op.base("label")[0].startswith("0000000000000000.0000000000000000.")
    assert probe.audits() == [("update", "ref_item")]


def test_a_new_entry_is_added_at_the_end_and_retiring_keeps_old_labels(ws, outbox):
    ref = ws.services.reference
    probe = outbox(ws)
    ref.set_item("closure_reason", "deceased", "Child or parent died")
    assert ref.items("closure_reason")[-1].code == "deceased"
    assert probe.shape() == [("ref_item", "insert", probe.ops()[0].keys)]
    ref.set_item("closure_reason", "deceased", "Child or parent died", active=False)
    assert "deceased" not in [i.code for i in ref.items("closure_reason")]
    assert ref.label("closure_reason", "deceased") == "Child or parent died"


def test_only_supervisors_change_configuration(worker, unchanged):
    with unchanged(worker), pytest.raises(NotPermitted, match="Only a supervisor"):
        worker.services.reference.set_item("terms", "service_name", "Family help")


def test_configuration_input_is_checked(ws, unchanged):
    with unchanged(ws), pytest.raises(InvalidInput) as error:
        ws.services.reference.set_item("Bad List!", "", " ")
    assert error.value.errors == {
        "list_name": "Enter the list's name in lower case letters, digits and _",
        "code": "Enter a code",
        "label": "Enter the words to show",
    }


def test_venues_hubs_and_localities(ws, outbox):
    ref = ws.services.reference
    probe = outbox(ws)
    venue_id = ref.add_venue("St Mary's church hall", postcode="tq2 5ab").id
    (hall,) = ref.venues()
    assert (hall.name, hall.postcode, hall.kind, hall.hub_id) == (
        "St Mary's church hall",
        "TQ2 5AB",
        "spoke",
        ws.home_hub_id,
    )
    ref.update_venue(venue_id, active=False)
    assert ref.venues() == []
    assert len(ref.venues(include_inactive=True)) == 1
    locality_id = ref.add_locality("Torbay").id
    ref.set_hub_locality(ws.home_hub_id, locality_id)
    assert ref.hub("Torbay North").locality_id == locality_id
    assert [s[:2] for s in probe.shape()] == [
        ("venue", "insert"),
        ("venue", "update"),
        ("locality", "insert"),
        ("hub", "update"),
    ]
    with pytest.raises(InvalidInput, match="already a locality"):
        ref.add_locality(" torbay ".upper())


def test_venue_input_is_checked(ws, unchanged):
    with unchanged(ws), pytest.raises(InvalidInput) as error:
        ws.services.reference.add_venue("", kind="castle", postcode="nowhere")
    assert set(error.value.errors) == {"name", "kind", "postcode"}
