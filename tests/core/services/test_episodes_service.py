"""Episodes: a re-referral opens a new episode only when none is open; the history shows them all."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from earlyhelp_desktop.core.errors import InvalidInput, NotPermitted, WrongState
from earlyhelp_desktop.core.store.models import Episode, Family

YESTERDAY = dt.date.today() - dt.timedelta(days=1)


def _close_everything(ws, family_id):
    """Closes the family's open episode directly (the closure service is tested on its own)."""
    with ws.write() as session:
        for e in session.scalars(select(Episode).where(Episode.family_id == family_id)):
            e.opened_on = dt.date.today() - dt.timedelta(days=400)
            e.status, e.closed_on = "closed", dt.date.today() - dt.timedelta(days=30)
        session.get(Family, family_id).status = "closed"


def test_a_second_episode_is_refused_while_one_is_open(worker, household, unchanged):
    with unchanged(worker), pytest.raises(WrongState, match="already has an open episode"):
        worker.services.episodes.open(household.family_id, request_reason="School worried again")


def test_a_re_referral_opens_a_new_episode_and_reopens_the_family(worker, household, outbox):
    _close_everything(worker, household.family_id)
    probe = outbox(worker)
    result = worker.services.episodes.open(
        household.family_id,
        request_reason="School worried about attendance again",
        request_source="School",
        opened_on=YESTERDAY.strftime("%d %m %Y"),
    )
    assert result.families == {household.family_id}
    assert probe.shape()[0][:2] == ("episode", "insert")
    family_op = probe.ops()[1]
    assert (family_op.table, family_op.kind, family_op.keys) == ("family", "update", {"status"})
    assert family_op.value("status") == "open"
    assert len(family_op.base("status")) == 1  # it names the version it replaces
    assert probe.audits() == [("create", "episode")]

    history = worker.services.episodes.history(household.family_id)
    assert [h.episode.opened_on for h in history] == [YESTERDAY, dt.date.today() - dt.timedelta(days=400)]
    assert [h.is_open for h in history] == [True, False]
    assert history[0].episode.request_source == "School"
    current = worker.services.episodes.current(household.family_id)
    assert current is not None and current.id == result.id


def test_episode_input_is_checked(worker, household, unchanged):
    _close_everything(worker, household.family_id)
    with unchanged(worker), pytest.raises(InvalidInput) as error:
        worker.services.episodes.open(household.family_id, opened_on="31 2 2025")
    assert error.value.errors == {
        "opened_on": "The date support was asked for must be a real date, for example 27 3 2019"
    }
    tomorrow = dt.date.today() + dt.timedelta(days=1)
    with unchanged(worker), pytest.raises(InvalidInput, match="today or in the past"):
        worker.services.episodes.open(household.family_id, opened_on=tomorrow)


def test_community_connectors_do_not_open_episodes(connector, household, unchanged):
    with unchanged(connector), pytest.raises(NotPermitted, match="supervisor or family worker"):
        connector.services.episodes.open(household.family_id)


def test_history_shows_what_each_episode_holds(worker, household):
    (line,) = worker.services.episodes.history(household.family_id)
    assert (line.assessment_status, line.has_plan, line.reviews, line.closure_reason) == (
        None,
        False,
        0,
        None,
    )


def test_history_shows_the_assessment_status(worker, household):
    worker.services.assessments.start(household.episode_id, reason="Attendance")
    (line,) = worker.services.episodes.history(household.family_id)
    assert line.assessment_status == "draft"
