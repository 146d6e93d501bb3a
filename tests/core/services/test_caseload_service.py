"""My caseload, the sign-off queue and the counts kept visible."""

from __future__ import annotations

import datetime as dt

import pytest

from earlyhelp_desktop.core.errors import NotPermitted
from tests.core.services.helpers import fill_assessment, make_asset, make_household, make_plan

TODAY = dt.date.today()


def test_my_caseload_shows_my_open_families(ws, worker, household):
    make_plan(worker, household, review_in_days=-2)
    fill_assessment(worker, household)
    worker.services.families.set_flag(household.family_id, "do_not_visit_alone")
    make_household(worker, "Llŷr")
    make_household(ws, "Nguyễn")  # the supervisor's
    rows = worker.services.caseload.mine()
    assert [r.display_name for r in rows] == ["Llŷr", "Ó Briain"]
    llyr, obriain = rows
    assert (obriain.assessment_status, obriain.has_plan, obriain.review_overdue) == ("draft", True, True)
    assert obriain.next_review == TODAY - dt.timedelta(days=2)
    assert obriain.flags == ("Do not visit alone",)
    assert (llyr.assessment_status, llyr.has_plan, llyr.next_review) == (None, False, None)
    assert [r.display_name for r in ws.services.caseload.mine()] == ["Nguyễn"]
    assert [r.display_name for r in ws.services.caseload.mine(worker.user.user_id)] == ["Llŷr", "Ó Briain"]


def test_the_sign_off_queue_holds_assessments_closures_and_steps(ws, worker, household):
    assessment_id = fill_assessment(worker, household)
    worker.services.assessments.submit(assessment_id)
    other = make_household(worker, "Llŷr")
    worker.services.closures.submit(other.episode_id, reason_code="moved_away")
    step_id = worker.services.steps.step_up(household.episode_id, reason="Worries grew").id
    own = make_household(ws, "Nguyễn")
    ws.services.steps.step_down(own.episode_id, reason="Social care closed", fgc_considered=False)

    queue = ws.services.caseload.sign_off_queue()
    assert [(q.kind, q.display_name, q.submitted_by, q.own) for q in queue.all()] == [
        ("assessment", "Ó Briain", "Jamal Okafor", False),
        ("closure", "Llŷr", "Jamal Okafor", False),
        ("step_up", "Ó Briain", "Jamal Okafor", False),
        ("step_down", "Nguyễn", "Sunita Patel", True),
    ]
    assert queue.total == 4 and queue.all()[0].days_waiting == 0
    ws.services.assessments.sign_off(assessment_id)
    ws.services.steps.sign_off(step_id)
    assert [q.kind for q in ws.services.caseload.sign_off_queue().all()] == ["closure", "step_down"]


def test_only_supervisors_see_the_queue(worker):
    with pytest.raises(NotPermitted, match="Only a supervisor"):
        worker.services.caseload.sign_off_queue()


def test_counts(ws, worker, connector, household):
    make_plan(worker, household, review_in_days=-1)
    other = make_household(worker, "Llŷr")
    make_plan(worker, other, review_in_days=5)
    link_id = connector.services.links.offer(
        household.family_id, household.mum, make_asset(connector), offered_on=TODAY - dt.timedelta(days=20)
    ).id
    connector.services.links.advance(link_id, "referred", on=TODAY - dt.timedelta(days=15))
    fill = fill_assessment(worker, other)
    worker.services.assessments.submit(fill)

    mine = worker.services.caseload.counts()
    assert (mine.caseload, mine.reviews_due, mine.reviews_overdue, mine.sign_off, mine.conflicts) == (
        2,
        2,
        1,
        0,
        0,
    )
    assert connector.services.caseload.counts().unanswered_referrals == 1
    assert ws.services.caseload.counts().sign_off == 1
