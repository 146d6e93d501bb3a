"""Social-prescribing links: their life, events per step, SNOMED codes, unanswered referrals, ONS4."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from earlyhelp_desktop.core.errors import InvalidInput, WrongState
from earlyhelp_desktop.core.services.links import SNOMED_DECLINED, SNOMED_REFERRED
from earlyhelp_desktop.core.store.models import SocialLink
from tests.core.services.helpers import make_asset

TODAY = dt.date.today()


def test_a_link_goes_from_offer_to_completion(connector, household, outbox):
    links = connector.services.links
    asset_id = make_asset(connector)
    probe = outbox(connector)
    link_id = links.offer(
        household.family_id, household.mum, asset_id, offered_on=TODAY - dt.timedelta(days=20)
    ).id
    assert [s[:2] for s in probe.shape()] == [("social_link", "insert"), ("link_event", "insert")]
    assert probe.ops()[0].value("need_area") == "mental_wellbeing"  # the activity's category by default

    probe.mark()
    links.advance(link_id, "referred", on=TODAY - dt.timedelta(days=18))
    event_op, link_op = sorted(probe.ops(), key=lambda op: op.table)
    assert (link_op.kind, link_op.keys) == ("update", {"status", "referred_on", "snomed_code"})
    assert link_op.value("snomed_code") == SNOMED_REFERRED
    assert (event_op.table, event_op.kind, event_op.value("status")) == ("link_event", "insert", "referred")

    links.advance(link_id, "accepted", on=TODAY - dt.timedelta(days=10))
    links.advance(link_id, "attended", on=TODAY - dt.timedelta(days=7))
    links.advance(link_id, "completed", outcome="Zoë goes every week and has made friends there.")
    assert [e.status for e in links.events(link_id)] == [
        "offered",
        "referred",
        "accepted",
        "attended",
        "completed",
    ]
    (view,) = links.for_family(household.family_id)
    assert (view.status_label, view.activity, view.person_name, view.connector) == (
        "Completed",
        "Wellbeing Café",
        "Zoë Ó Briain",
        "Łukasz Wójcik",
    )
    assert (view.link.responded_on, view.link.attended_on, view.link.ended_on) == (
        TODAY - dt.timedelta(days=10),
        TODAY - dt.timedelta(days=7),
        TODAY,
    )
    assert links.next_steps(link_id) == ()


def test_steps_out_of_order_are_refused_with_what_can_happen_next(connector, household, unchanged):
    links = connector.services.links
    link_id = links.offer(household.family_id, household.mum, make_asset(connector)).id
    with unchanged(connector), pytest.raises(WrongState) as error:
        links.advance(link_id, "completed")
    assert str(error.value) == (
        "A link that is offered cannot become completed; "
        "next it can be: referred, accepted, declined, stopped."
    )
    links.advance(link_id, "declined", note="Zoë would rather not go to groups yet.")
    with connector.read() as session:
        assert session.get(SocialLink, link_id).snomed_code == SNOMED_DECLINED
    with unchanged(connector), pytest.raises(WrongState, match="nothing more can happen"):
        links.advance(link_id, "accepted")


def test_signposting_only_entries_are_not_referred(connector, household, unchanged):
    links = connector.services.links
    pantry = make_asset(connector, "Community Pantry", category_code="food", takes_referrals=False)
    link_id = links.offer(household.family_id, household.mum, pantry).id
    assert links.next_steps(link_id) == ("accepted", "declined", "stopped")
    with unchanged(connector), pytest.raises(WrongState, match="signposting only"):
        links.advance(link_id, "referred")
    links.advance(link_id, "accepted")  # signposted: Zoë decided to go


def test_link_input_is_checked(connector, household, unchanged):
    links = connector.services.links
    asset_id = make_asset(connector)
    with unchanged(connector), pytest.raises(InvalidInput) as error:
        links.offer(
            household.family_id, household.mum, asset_id, need_area="astrology", offered_on="tomorrow"
        )
    assert set(error.value.errors) == {"need_area", "offered_on"}
    with unchanged(connector), pytest.raises(InvalidInput, match="belongs to this family"):
        links.offer(household.family_id, "stranger", asset_id)
    connector.services.directory.retire(asset_id)
    with unchanged(connector), pytest.raises(InvalidInput, match="still running"):
        links.offer(household.family_id, household.mum, asset_id)
    other = make_asset(connector)
    link_id = links.offer(household.family_id, household.mum, other).id
    with unchanged(connector), pytest.raises(InvalidInput, match="on or after"):
        links.advance(link_id, "referred", on=TODAY - dt.timedelta(days=3))


def test_referrals_unanswered_after_14_days_are_flagged(connector, worker, household):
    links = connector.services.links
    asset_id = make_asset(connector)
    old = links.offer(
        household.family_id, household.mum, asset_id, offered_on=TODAY - dt.timedelta(days=30)
    ).id
    links.advance(old, "referred", on=TODAY - dt.timedelta(days=15))
    recent = links.offer(
        household.family_id, household.teen, asset_id, offered_on=TODAY - dt.timedelta(days=5)
    ).id
    links.advance(recent, "referred", on=TODAY - dt.timedelta(days=4))
    (flagged,) = links.unanswered()
    assert (flagged.link.id, flagged.days_waiting) == (old, 15)
    assert links.unanswered(connector_id=worker.user.user_id) == []
    assert [v.link.id for v in links.find(status="referred")] == [recent, old]
    links.advance(old, "accepted")
    assert links.unanswered() == []


def test_wellbeing_before_and_after(connector, household):
    links = connector.services.links
    link_id = links.offer(household.family_id, household.mum, make_asset(connector)).id
    links.record_wellbeing(link_id, "before", {"satisfied": 4, "worthwhile": 5, "happy": 3, "anxious": 8})
    assert links.wellbeing(link_id).difference is None
    links.record_wellbeing(link_id, "after", {"satisfied": 7, "worthwhile": 7, "happy": 6, "anxious": 4})
    change = links.wellbeing(link_id)
    assert (change.before.mean, change.after.mean, change.difference) == (3.5, 6.5, 3.0)
    assert change.item_difference("anxious") == 4  # less anxious is better
    with connector.read() as session:
        person = session.scalar(select(SocialLink.person_id).where(SocialLink.id == link_id))
    assert change.after.measure.person_id == person and change.after.measure.context == "link_after"
    with pytest.raises(InvalidInput, match="before or after"):
        links.record_wellbeing(link_id, "during", {})
