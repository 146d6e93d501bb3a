"""The plan: the family's words, outcomes tagged to needs and categories, actions, TAF members."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from earlyhelp_desktop.core.errors import InvalidInput, NotPermitted, WrongState
from earlyhelp_desktop.core.store.models import Episode
from tests.core.services.helpers import make_plan


def test_a_plan_is_written_with_the_family(worker, household, outbox):
    probe = outbox(worker)
    ids = make_plan(worker, household)
    assert [s[:2] for s in probe.shape()] == [
        ("plan", "insert"),
        ("plan_outcome", "insert"),
        ("plan_outcome", "insert"),
        ("plan_action", "insert"),
        ("plan_action", "insert"),
        ("taf_member", "insert"),
    ]
    outcome_op = probe.ops()[1]
    assert outcome_op.value("needs") == ["education"] and outcome_op.value("categories") == ["education"]
    view = worker.services.plans.view(ids["plan"])
    assert [o.text for o in view.outcomes] == [
        "We want Siân to get to school on time every day.",
        "We want to stop worrying about money.",
    ]
    assert [a.text for a in view.actions_for(ids["school"])] == ["Make a morning checklist"]
    assert view.taf[0].agency == "Torbay Primary School"
    assert view.warnings == ()
    assert worker.services.plans.for_episode(household.episode_id).id == ids["plan"]


def test_one_plan_per_episode(worker, household, unchanged):
    make_plan(worker, household)
    with unchanged(worker), pytest.raises(WrongState, match="already has a plan"):
        worker.services.plans.create(household.episode_id)


def test_a_plan_without_a_review_date_is_warned(worker, household):
    result = worker.services.plans.create(household.episode_id, about_us="Us")
    assert result.warnings == ("Set a date for the next review.",)


def test_more_than_eight_actions_warns_but_saves(worker, household, outbox):
    ids = make_plan(worker, household)
    plans = worker.services.plans
    for n in range(6):
        assert plans.add_action(ids["plan"], f"Step {n}", "Zoë").warnings == ()
    probe = outbox(worker)
    result = plans.add_action(ids["plan"], "One more thing", "Zoë")
    assert result.warnings[0].startswith("This plan has 9 actions. Plans work best with about 8 or fewer")
    assert probe.shape()[0][:2] == ("plan_action", "insert")


def test_editing_writes_only_the_changed_fields(worker, household, outbox):
    ids = make_plan(worker, household)
    plans = worker.services.plans
    view = plans.view(ids["plan"])
    action = view.actions[0]
    probe = outbox(worker)
    plans.update_action(action.id, status="done", text=action.text)
    plans.update_outcome(ids["school"], status="achieved", categories=["education", "early_years"])
    plans.update(ids["plan"], going_well="Siân is on time most days now.")
    assert probe.shape() == [
        ("plan_action", "update", frozenset({"status"})),
        ("plan_outcome", "update", frozenset({"status", "categories"})),
        ("plan", "update", frozenset({"going_well"})),
    ]
    assert probe.audits() == [("update", "plan_action"), ("update", "plan_outcome"), ("update", "plan")]


def test_removing_an_outcome_removes_its_actions(worker, household, outbox):
    ids = make_plan(worker, household)
    probe = outbox(worker)
    result = worker.services.plans.remove_outcome(ids["money"])
    assert result.warnings == ("1 action(s) under it were removed too.",)
    assert sorted(s[:2] for s in probe.shape()) == [("plan_action", "delete"), ("plan_outcome", "delete")]
    view = worker.services.plans.view(ids["plan"])
    assert len(view.outcomes) == 1 and len(view.actions) == 1


def test_taf_members_are_kept_up_to_date(worker, household, outbox):
    ids = make_plan(worker, household)
    plans = worker.services.plans
    member = plans.view(ids["plan"]).taf[0]
    probe = outbox(worker)
    plans.update_taf_member(member.id, phone="01803 555 010")
    plans.remove_taf_member(member.id)
    assert [s[:2] for s in probe.shape()] == [("taf_member", "update"), ("taf_member", "delete")]
    assert plans.view(ids["plan"]).taf == []


def test_plan_input_is_checked(worker, household, unchanged):
    ids = make_plan(worker, household)
    plans = worker.services.plans
    with unchanged(worker), pytest.raises(InvalidInput) as error:
        plans.add_outcome(ids["plan"], "  ", needs=["astrology"], categories=["fame"])
    assert error.value.errors == {
        "text": "Enter the outcome in the family's words",
        "needs": "Select needs from the list ('astrology' is not one)",
        "categories": "Select headline outcome categories from the list ('fame' is not one)",
    }
    with unchanged(worker), pytest.raises(InvalidInput) as error:
        plans.add_action(ids["plan"], "", "", due_on="30 2 2026", status="someday")
    assert error.value.errors == {
        "text": "Enter what needs to happen",
        "owner": "Enter who will do it, for example Mum or Ms Hart at school",
        "due_on": "The date it should be done by must be a real date, for example 27 3 2019",
        "status": "Select where this action is from: not_started, in_progress, done, dropped",
    }
    with unchanged(worker), pytest.raises(InvalidInput, match="outcome of this plan"):
        plans.add_action(ids["plan"], "Call school", "Zoë", outcome_id="elsewhere")
    with unchanged(worker), pytest.raises(InvalidInput, match="not part of the plan"):
        plans.update(ids["plan"], status="ended")
    with unchanged(worker), pytest.raises(InvalidInput) as error:
        plans.add_taf_member(ids["plan"], "", email="nope")
    assert set(error.value.errors) == {"name", "email"}


def test_a_closed_episode_s_plan_cannot_change(worker, household, unchanged):
    ids = make_plan(worker, household)
    with worker.write() as session:
        session.scalars(select(Episode)).one().status = "closed"
    with unchanged(worker), pytest.raises(WrongState, match="episode of early help is closed"):
        worker.services.plans.update(ids["plan"], about_us="Later")


def test_connectors_read_but_do_not_write_plans(connector, worker, household, unchanged):
    ids = make_plan(worker, household)
    assert connector.services.plans.view(ids["plan"]).plan.review_on > dt.date.today()
    with unchanged(connector), pytest.raises(NotPermitted):
        connector.services.plans.add_action(ids["plan"], "Join the choir", "Zoë")
