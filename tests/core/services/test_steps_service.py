"""Step up to the front door, step down with a Family Group Conference considered, sign-off."""

from __future__ import annotations

import datetime as dt

import pytest

from earlyhelp_desktop.core.errors import InvalidInput, NotPermitted, WrongState


def test_a_step_up_is_signed_off_and_decided(ws, worker, household, outbox, unchanged):
    steps = worker.services.steps
    probe = outbox(worker)
    step_id = steps.step_up(household.episode_id, reason="Bruising seen on Oisín; worries grew.").id
    (op,) = probe.ops()
    assert (op.table, op.kind) == ("step_change", "insert")
    assert (op.value("direction"), op.value("decision"), op.value("signed_off_by")) == ("up", "pending", None)
    assert [w.step.id for w in ws.services.steps.waiting_sign_off()] == [step_id]
    with unchanged(worker), pytest.raises(WrongState, match="already waiting"):
        steps.step_up(household.episode_id, reason="Again")
    with unchanged(worker), pytest.raises(NotPermitted, match="Only a supervisor"):
        steps.sign_off(step_id)

    probe = outbox(ws)
    ws.services.steps.sign_off(step_id)
    (signed,) = probe.ops()
    assert (signed.keys, signed.value("signed_off_by"), signed.base("signed_off_by")) == (
        {"signed_off_by"},
        ws.user.user_id,
        [op.version],
    )
    assert ws.services.steps.waiting_sign_off() == []
    with unchanged(ws), pytest.raises(WrongState, match="already been signed off"):
        ws.services.steps.sign_off(step_id)

    result = steps.record_decision(step_id, "accepted", mash_reference="MASH-48213")
    assert result.warnings == ("Next: submit the closure with the reason 'Stepped up to social care'.",)
    (step,) = steps.for_episode(household.episode_id)
    assert (step.decision, step.decided_on, step.mash_reference) == (
        "accepted",
        dt.date.today(),
        "MASH-48213",
    )
    with unchanged(worker), pytest.raises(WrongState, match="already recorded"):
        steps.record_decision(step_id, "declined")


def test_a_step_down_asks_about_a_family_group_conference(worker, household, unchanged):
    steps = worker.services.steps
    with unchanged(worker), pytest.raises(InvalidInput) as error:
        steps.step_down(household.episode_id, reason=" ", fgc_considered=None)
    assert error.value.errors == {
        "reason": "Enter why the family is stepping down",
        "fgc_considered": "Select yes if a Family Group Conference was considered, or no if not",
    }
    steps.step_down(
        household.episode_id, reason="Social care closed; early help continues.", fgc_considered="yes"
    )
    (step,) = steps.for_episode(household.episode_id)
    assert (step.direction, step.fgc_considered) == ("down", True)


def test_decisions_are_checked(worker, household, unchanged):
    steps = worker.services.steps
    step_id = steps.step_up(household.episode_id, reason="Worries grew", requested_on=dt.date.today()).id
    with unchanged(worker), pytest.raises(InvalidInput) as error:
        steps.record_decision(step_id, "maybe")
    assert error.value.errors == {"decision": "Select accepted or declined from: accepted, declined"}
    with unchanged(worker), pytest.raises(InvalidInput, match="on or after the request"):
        steps.record_decision(step_id, "declined", decided_on=dt.date.today() - dt.timedelta(days=2))


def test_a_supervisor_does_not_sign_off_their_own_step(ws, unchanged):
    from tests.core.services.helpers import make_household

    household = make_household(ws)
    step_id = ws.services.steps.step_up(household.episode_id, reason="Worries grew").id
    with unchanged(ws), pytest.raises(NotPermitted, match="another supervisor"):
        ws.services.steps.sign_off(step_id)


def test_connectors_do_not_step_families_up(connector, household, unchanged):
    with unchanged(connector), pytest.raises(NotPermitted):
        connector.services.steps.step_up(household.episode_id, reason="Worried")
