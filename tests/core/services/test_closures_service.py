"""Closure: reason, final scores, follow-up in six months, sign-off closes the episode and the family."""

from __future__ import annotations

import datetime as dt

import pytest

from earlyhelp_desktop.core.errors import InvalidInput, NotPermitted, WrongState
from earlyhelp_desktop.core.services.common import add_months
from tests.core.services.helpers import make_plan

TODAY = dt.date.today()


def test_submit_and_sign_off_closes_episode_plan_and_family(ws, worker, household, outbox, unchanged):
    make_plan(worker, household)
    probe = outbox(worker)
    closure_id = worker.services.closures.submit(
        household.episode_id,
        reason_code="needs_met",
        final_scores={"worker": {"education": 4, "income": 3}, "family": {"education": 5}},
        moving_on_note="Zoë knows how to get back in touch.",
    ).id
    (op,) = probe.ops()
    assert (op.table, op.kind) == ("closure", "insert")
    assert op.value("follow_up_on") == add_months(TODAY, 6).isoformat()
    assert op.value("final_scores") == {"worker": {"education": 4, "income": 3}, "family": {"education": 5}}
    assert probe.audits() == [("submit", "closure")]
    with unchanged(worker), pytest.raises(WrongState, match="already waiting for sign-off"):
        worker.services.closures.submit(household.episode_id, reason_code="moved_away")

    probe = outbox(ws)
    result = ws.services.closures.sign_off(closure_id)
    assert result.tables == {"closure", "episode", "plan", "family"}
    shape = sorted(probe.shape())
    assert shape == [
        ("closure", "update", frozenset({"status", "decided_by", "decided_at"})),
        ("episode", "update", frozenset({"status", "closed_on"})),
        ("family", "update", frozenset({"status"})),
        ("plan", "update", frozenset({"status"})),
    ]
    (history,) = worker.services.episodes.history(household.family_id)
    assert (history.is_open, history.closure_reason, history.closure_status) == (
        False,
        "needs_met",
        "signed_off",
    )
    # a closed episode's records no longer change
    with unchanged(worker), pytest.raises(WrongState, match="episode of early help is closed"):
        worker.services.assessments.start(household.episode_id)


def test_the_family_stays_open_while_another_episode_is_open(ws, worker, household):
    from sqlalchemy import select

    from earlyhelp_desktop.core.ids import new_id
    from earlyhelp_desktop.core.store.models import Episode, Family

    with worker.write() as session:  # an episode opened at another venue, merged in by a sync
        session.add(Episode(id=new_id(), family_id=household.family_id, opened_on=TODAY, status="open"))
    closure_id = worker.services.closures.submit(household.episode_id, reason_code="single_agency").id
    ws.services.closures.sign_off(closure_id)
    with ws.read() as session:
        assert session.scalar(select(Family.status).where(Family.id == household.family_id)) == "open"


def test_returned_closures_are_resubmitted(ws, worker, household, unchanged, outbox):
    closures = worker.services.closures
    closure_id = closures.submit(household.episode_id, reason_code="not_engaging").id
    with unchanged(ws), pytest.raises(InvalidInput, match="Enter what needs to change"):
        ws.services.closures.return_for_changes(closure_id, "")
    ws.services.closures.return_for_changes(closure_id, "Try one more home visit first.")
    closure = closures.for_episode(household.episode_id)
    assert (closure.status, closure.return_reason) == ("returned", "Try one more home visit first.")
    probe = outbox(worker)
    again = closures.submit(
        household.episode_id, reason_code="agreement_withdrawn", moving_on_note="Declined."
    )
    assert again.id == closure_id
    (op,) = probe.ops()
    assert op.kind == "update" and {"status", "reason_code", "return_reason", "moving_on_note"} <= op.keys
    with unchanged(worker), pytest.raises(NotPermitted, match="Only a supervisor"):
        closures.sign_off(closure_id)


def test_closure_input_is_checked(worker, household, unchanged):
    closures = worker.services.closures
    with unchanged(worker), pytest.raises(InvalidInput) as error:
        closures.submit(
            household.episode_id,
            reason_code="bored",
            final_scores={"worker": {"education": 9, "astrology": 3}},
            follow_up_on=TODAY - dt.timedelta(days=1),
        )
    assert error.value.errors == {
        "reason_code": "Select why the episode is closing from: needs_met, single_agency, stepped_up, "
        "agreement_withdrawn, moved_away, not_engaging",
        "follow_up_on": "The follow-up check must be after the date of closing",
        "final_scores.worker.education": "Your score for Education and learning must be from 1 to 5",
        "final_scores.worker": "Choose areas of the assessment from the list ('astrology' is not one)",
    }
    with unchanged(worker), pytest.raises(InvalidInput, match="on or after the episode opened"):
        closures.submit(household.episode_id, reason_code="needs_met", closed_on=TODAY - dt.timedelta(days=9))


def test_follow_ups_come_due(ws, worker, household):
    closure_id = worker.services.closures.submit(
        household.episode_id, reason_code="needs_met", follow_up_on=TODAY + dt.timedelta(days=3)
    ).id
    assert worker.services.closures.follow_ups_due() == []  # not signed off yet
    ws.services.closures.sign_off(closure_id)
    (due,) = worker.services.closures.follow_ups_due(within_days=7)
    assert (due.display_name, due.follow_up_on, due.lead_worker) == (
        "Ó Briain",
        TODAY + dt.timedelta(days=3),
        "Jamal Okafor",
    )
    assert worker.services.closures.follow_ups_due(within_days=1) == []
