"""Reviews: progress per outcome, scores, decision, the next date; reviews due and overdue."""

from __future__ import annotations

import datetime as dt

import pytest

from earlyhelp_desktop.core.errors import InvalidInput, NotPermitted, WrongState
from earlyhelp_desktop.core.services.reviews import ProgressInput
from tests.core.services.helpers import make_household, make_plan

TODAY = dt.date.today()


def _review(ws, household, ids, **overrides):
    values = {
        "held_on": TODAY,
        "attendees": ["Zoë Ó Briain", "Jamal Okafor", "Priya Hart (school)"],
        "progress": [
            ProgressInput(ids["school"], "better", worker_score=7, family_score=8),
            ProgressInput(ids["money"], "same", worker_score=4, family_score=3, note="Arrears steady"),
        ],
        "decision": "continue",
        "next_review_on": TODAY + dt.timedelta(weeks=8),
        "notes": "Mornings calmer.",
        "family_comments": "It feels more manageable.",
    }
    values.update(overrides)
    return ws.services.reviews.record(household.episode_id, **values)


def test_a_review_records_progress_and_sets_the_next_date(worker, household, outbox):
    ids = make_plan(worker, household)
    probe = outbox(worker)
    result = _review(worker, household, ids)
    shape = probe.shape()
    assert shape[0][:2] == ("review", "insert")
    assert sorted(s[:2] for s in shape[1:3]) == [("review_progress", "insert")] * 2
    assert shape[3] == ("plan", "update", frozenset({"review_on"}))
    assert probe.ops()[3].value("review_on") == (TODAY + dt.timedelta(weeks=8)).isoformat()
    assert probe.audits() == [("create", "review")]
    assert result.warnings == ()
    (record,) = worker.services.reviews.for_episode(household.episode_id)
    assert record.review.attendees == ["Zoë Ó Briain", "Jamal Okafor", "Priya Hart (school)"]
    assert sorted((p.progress, p.worker_score, p.family_score) for p in record.progress) == [
        ("better", 7, 8),
        ("same", 4, 3),
    ]
    assert worker.services.reviews.next_review(household.episode_id) == TODAY + dt.timedelta(weeks=8)


def test_deciding_to_close_says_what_comes_next(worker, household):
    ids = make_plan(worker, household)
    result = _review(worker, household, ids, decision="close", next_review_on=None)
    assert result.warnings == ("Next: submit the closure for a supervisor's sign-off.",)
    assert worker.services.reviews.next_review(household.episode_id) is None


def test_review_input_is_checked(worker, household, unchanged):
    ids = make_plan(worker, household)
    with unchanged(worker), pytest.raises(InvalidInput) as error:
        _review(
            worker,
            household,
            ids,
            held_on=TODAY + dt.timedelta(days=3),
            attendees=[" "],
            progress=[ProgressInput(ids["school"], "brilliant", worker_score=11)],
            next_review_on=None,
        )
    assert error.value.errors == {
        "held_on": "The date of the review must be today or in the past",
        "attendees": "Enter who came to the review",
        "next_review_on": "Enter the date of the next review, for example in 6 weeks",
        "progress.0.progress": "Select better, the same or worse from: better, same, worse",
        "progress.0.worker_score": "Your score must be from 0 to 10",
        "progress": "Say whether things are better, the same or worse for "
        "“We want to stop worrying about money.”",
    }
    with unchanged(worker), pytest.raises(InvalidInput, match="after this one"):
        _review(worker, household, ids, next_review_on=TODAY)
    with unchanged(worker), pytest.raises(InvalidInput, match="only for outcomes of this family's plan"):
        _review(
            worker,
            household,
            ids,
            progress=[
                ProgressInput(ids["school"], "better"),
                ProgressInput(ids["money"], "same"),
                ProgressInput("another-plan's-outcome", "worse"),
            ],
        )


def test_no_review_without_a_plan(worker, household, unchanged):
    with unchanged(worker), pytest.raises(WrongState, match="Write the plan"):
        worker.services.reviews.record(
            household.episode_id, held_on=TODAY, attendees=["Zoë"], progress=[], decision="close"
        )


def test_reviews_due_and_overdue(ws, worker, household):
    reviews = worker.services.reviews
    late = make_plan(worker, household, review_in_days=-3)
    other = make_household(worker, "Llŷr")
    other_ids = make_plan(worker, other, review_in_days=10)
    far = make_household(worker, "Wójcik")
    make_plan(worker, far, review_in_days=60)
    mine = make_household(ws, "Nguyễn")  # the supervisor's own case, due tomorrow
    make_plan(ws, mine, review_in_days=1)

    due = reviews.due(within_days=14)
    assert [d.display_name for d in due] == ["Ó Briain", "Nguyễn", "Llŷr"]
    assert (due[0].overdue, due[0].days_overdue) == (True, 3)
    assert due[0].lead_worker == "Jamal Okafor" and due[1].lead_worker == "Sunita Patel"
    assert [d.display_name for d in reviews.overdue()] == ["Ó Briain"]
    assert [d.display_name for d in reviews.due(worker_id=ws.user.user_id)] == ["Nguyễn"]

    # once reviewed, the next date comes from the review, not the plan
    _review(worker, household, late, next_review_on=TODAY + dt.timedelta(weeks=8))
    assert reviews.overdue() == []
    # a review that decides to close leaves nothing due
    _review(worker, other, other_ids, decision="close", next_review_on=None)
    assert [d.display_name for d in reviews.due(within_days=14)] == ["Nguyễn"]


def test_connectors_do_not_record_reviews(connector, worker, household, unchanged):
    ids = make_plan(worker, household)
    with unchanged(connector), pytest.raises(NotPermitted):
        _review(connector, household, ids)


def test_the_sql_and_python_forms_of_the_next_review_rule_agree(worker, household):
    """next_review_expression (composed into other queries) and next_reviews (long lists) are one rule."""
    from sqlalchemy import select

    from earlyhelp_desktop.core.services.reviews import next_review_expression, next_reviews
    from earlyhelp_desktop.core.store.models import Episode

    make_plan(worker, household, review_in_days=5)
    unplanned = make_household(worker, "Llŷr")
    reviewed = make_household(worker, "Wójcik")
    reviewed_ids = make_plan(worker, reviewed, review_in_days=-1)
    _review(worker, reviewed, reviewed_ids, next_review_on=TODAY + dt.timedelta(weeks=9))
    closing = make_household(worker, "Nguyễn")
    closing_ids = make_plan(worker, closing, review_in_days=3)
    _review(worker, closing, closing_ids, decision="close", next_review_on=None)
    episodes = [household.episode_id, unplanned.episode_id, reviewed.episode_id, closing.episode_id]
    with worker.read() as session:
        in_sql = dict(
            session.execute(
                select(Episode.id, next_review_expression()).where(Episode.id.in_(episodes))
            ).all()
        )
        in_python = next_reviews(session, episodes)
    assert in_python == {
        household.episode_id: TODAY + dt.timedelta(days=5),
        unplanned.episode_id: None,
        reviewed.episode_id: TODAY + dt.timedelta(weeks=9),
        closing.episode_id: None,
    }
    assert in_sql == in_python
