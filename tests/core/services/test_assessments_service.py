"""The Early Help Assessment: one draft at a time, check your answers, the front door, sign-off."""

from __future__ import annotations

import datetime as dt

import pytest

from earlyhelp_desktop.core.errors import InvalidInput, NotPermitted, WrongState
from tests.core.services.helpers import fill_assessment


def test_one_assessment_in_progress_per_episode(worker, household, unchanged, outbox):
    probe = outbox(worker)
    first = worker.services.assessments.start(household.episode_id, reason="Attendance")
    (op,) = probe.ops()
    assert (op.table, op.kind, op.row_id) == ("assessment", "insert", first.id)
    assert op.value("status") == "draft" and op.value("reason") == "Attendance"
    assert probe.audits() == [("create", "assessment")]
    with unchanged(worker), pytest.raises(WrongState, match="already has an assessment in progress"):
        worker.services.assessments.start(household.episode_id)


def test_editing_sections_writes_only_what_changed(worker, household, outbox):
    assessments = worker.services.assessments
    assessment_id = assessments.start(household.episode_id).id
    probe = outbox(worker)
    assessments.update(assessment_id, family_view="Zoë says we are close.", worry_scales={"worker": 4})
    (op,) = probe.ops()
    assert (op.kind, op.keys) == ("update", {"family_view", "worry_scales"})
    assert op.value("worry_scales") == {"worker": 4}
    probe.mark()
    result = assessments.update(assessment_id, family_view="Zoë says we are close.")
    assert probe.all() == [] and result.tables == frozenset()


def test_section_input_is_checked(worker, household, unchanged):
    assessments = worker.services.assessments
    assessment_id = assessments.start(household.episode_id).id
    with unchanged(worker), pytest.raises(InvalidInput) as error:
        assessments.update(
            assessment_id, worry_scales={"child": 11, "worker": "lots"}, level_of_need=5, started_on="soon"
        )
    assert error.value.errors == {
        "worry_scales.child": "The child's worry scale must be from 0 to 10",
        "worry_scales.worker": "Your worry scale must be a number from 0 to 10",
        "level_of_need": "The level of need must be from 1 to 4",
        "started_on": "The date the assessment started must be a real date, for example 27 3 2019",
    }
    with unchanged(worker), pytest.raises(InvalidInput, match="not a section"):
        assessments.update(assessment_id, status="signed_off")


def test_domains_come_from_configuration_and_scores_are_checked(worker, household, outbox, unchanged):
    assessments = worker.services.assessments
    assessment_id = assessments.start(household.episode_id).id
    probe = outbox(worker)
    assessments.set_domain(assessment_id, "housing", strengths="Settled tenancy", needs="Damp", score=2)
    (op,) = probe.ops()
    assert (op.table, op.kind) == ("domain_entry", "insert")
    assert op.value("domain_code") == "housing" and op.value("score") == 2
    probe.mark()
    assessments.set_domain(assessment_id, "housing", strengths="Settled tenancy", needs="Damp", score=3)
    (op2,) = probe.ops()
    assert (op2.kind, op2.keys, op2.base("score")) == ("update", {"score"}, [op.version])
    with unchanged(worker), pytest.raises(InvalidInput) as error:
        assessments.set_domain(assessment_id, "astrology", score=6, no_issues=True, family_score=0)
    assert error.value.errors == {
        "score": "The score must be from 1 to 5",
        "family_score": "The family's score must be from 1 to 5",
        "domain_code": "Choose an area of the assessment from the list",
    }
    with unchanged(worker), pytest.raises(InvalidInput, match="not both"):
        assessments.set_domain(assessment_id, "health", score=3, no_issues=True)
    lines = assessments.view(assessment_id).domains
    assert len(lines) == 20 and lines[0].group_label == "Child's developmental needs"
    assert next(line for line in lines if line.code == "housing").entry.score == 3


def test_child_voice_is_for_children_who_are_born(worker, household, unchanged):
    assessments = worker.services.assessments
    assessment_id = assessments.start(household.episode_id).id
    assessments.set_child_voice(assessment_id, household.teen, wants="To walk to school with friends")
    voices = assessments.view(assessment_id).voices
    assert [(v.full_name, v.voice is not None) for v in voices] == [
        ("Oisín Ó Briain", False),
        ("Siân Ó Briain", True),
    ]
    for person in (household.mum, household.unborn):
        with unchanged(worker), pytest.raises(InvalidInput, match="child of this family who has been born"):
            assessments.set_child_voice(assessment_id, person, wants="anything")


def test_check_your_answers_lists_what_is_missing(worker, household, unchanged):
    assessments = worker.services.assessments
    assessment_id = assessments.start(household.episode_id).id
    assessments.set_domain(assessment_id, "health", score=3)
    missing = assessments.check(assessment_id)
    assert missing["reason"] == "Enter the reason for the assessment"
    assert missing["significant_harm"] == "Answer whether any child is at risk of significant harm"
    assert missing["level_of_need"] == "Select the level of need"
    assert missing["worry_scales.worker"] == "Enter your worry scale from 0 to 10"
    assert missing["domains"] == (
        "Score each area from 1 to 5, or mark it 'no issues': Education and learning, "
        "Emotional and behavioural development, Identity and 16 more"
    )
    assert missing["child_voice"] == "Record the voice of Oisín Ó Briain and Siân Ó Briain"
    with unchanged(worker), pytest.raises(InvalidInput) as error:
        assessments.submit(assessment_id)
    assert error.value.errors == missing


def test_significant_harm_routes_to_the_front_door(worker, household, outbox, unchanged):
    assessments = worker.services.assessments
    assessment_id = assessments.start(household.episode_id, reason="Bruising seen").id
    with unchanged(worker), pytest.raises(WrongState, match="Answer yes"):
        assessments.record_front_door_contact(assessment_id, "Spoke to the MASH")
    probe = outbox(worker)
    answer = assessments.answer_significant_harm(assessment_id, "yes")
    assert answer.front_door is not None and answer.front_door.phone == "0300 000 0000"
    assert "call 999" in answer.front_door.steps[0]
    assert assessments.check(assessment_id)["front_door"].startswith(
        "Record your contact with the front door"
    )
    with unchanged(worker), pytest.raises(InvalidInput) as error:
        assessments.record_front_door_contact(assessment_id, " ")
    assert error.value.errors == {
        "front_door_note": "Enter who you spoke to at the front door and what they advised"
    }
    at = dt.datetime.now().replace(hour=0, minute=5).strftime("%d %m %Y %H:%M")
    assessments.record_front_door_contact(assessment_id, "Spoke to Ama at the MASH", at=at)
    assert "front_door" not in assessments.check(assessment_id)
    recorded = assessments.view(assessment_id).assessment.front_door_contacted_at
    assert recorded.astimezone().strftime("%d %m %Y %H:%M") == at
    ops = probe.ops()
    assert [op.keys for op in ops] == [{"significant_harm"}, {"front_door_contacted_at", "front_door_note"}]
    assert probe.audits() == [("update", "assessment"), ("front_door", "assessment")]
    # no: nothing to show
    assert assessments.answer_significant_harm(assessment_id, False).front_door is None


def test_submit_sign_off_and_nothing_editable_meanwhile(ws, worker, household, outbox, unchanged):
    assessment_id = fill_assessment(worker, household)
    assessments = worker.services.assessments
    assert assessments.check(assessment_id) == {}
    probe = outbox(worker)
    assessments.submit(assessment_id)
    (op,) = probe.ops()
    assert (op.kind, op.keys) == ("update", {"status", "submitted_at", "submitted_by"})
    assert op.value("status") == "submitted"
    for attempt in (
        lambda: assessments.update(assessment_id, analysis="More"),
        lambda: assessments.set_domain(assessment_id, "health", score=1),
        lambda: assessments.set_child_voice(assessment_id, household.teen, wants="x"),
        lambda: assessments.answer_significant_harm(assessment_id, True),
        lambda: assessments.submit(assessment_id),
    ):
        with unchanged(worker), pytest.raises(WrongState, match="submitted for sign-off"):
            attempt()
    # only a supervisor signs off, and not their own submission
    with unchanged(worker), pytest.raises(NotPermitted, match="Only a supervisor"):
        assessments.sign_off(assessment_id)
    probe = outbox(ws)
    ws.services.assessments.sign_off(assessment_id)
    shape = probe.shape()
    assert shape[0] == ("assessment", "update", frozenset({"status", "decided_at", "decided_by"}))
    # the signed-off level of need becomes the family's
    assert shape[1] == ("family", "update", frozenset({"level_of_need"}))
    assert probe.ops()[1].value("level_of_need") == 3
    assert probe.audits() == [("sign_off", "assessment")]
    view = assessments.view(assessment_id)
    assert view.status_label == "Signed off" and not view.editable
    # a new assessment may start once the last is signed off
    assert assessments.start(household.episode_id).created


def test_return_with_a_reason_makes_it_editable_again(ws, worker, household, unchanged):
    assessment_id = fill_assessment(worker, household)
    worker.services.assessments.submit(assessment_id)
    with unchanged(ws), pytest.raises(InvalidInput) as error:
        ws.services.assessments.return_for_changes(assessment_id, "")
    assert error.value.errors == {"return_reason": "Enter what needs to change"}
    ws.services.assessments.return_for_changes(assessment_id, "Please add Oisín's own words.")
    view = worker.services.assessments.view(assessment_id)
    assert view.status_label == "Returned for changes" and view.editable
    assert view.assessment.return_reason == "Please add Oisín's own words."
    worker.services.assessments.set_child_voice(assessment_id, household.child, wants="More football")
    worker.services.assessments.submit(assessment_id)
    assert worker.services.assessments.view(assessment_id).assessment.return_reason is None
    ws.services.assessments.sign_off(assessment_id)
    with unchanged(ws), pytest.raises(WrongState, match="Only a submitted assessment"):
        ws.services.assessments.return_for_changes(assessment_id, "Too late")


def test_a_supervisor_cannot_sign_off_their_own_assessment(ws, unchanged):
    from tests.core.services.helpers import make_household

    household = make_household(ws)
    assessment_id = fill_assessment(ws, household)
    ws.services.assessments.submit(assessment_id)
    with unchanged(ws), pytest.raises(NotPermitted, match="another supervisor"):
        ws.services.assessments.sign_off(assessment_id)


def test_connectors_do_not_write_assessments(connector, household, unchanged):
    with unchanged(connector), pytest.raises(NotPermitted):
        connector.services.assessments.start(household.episode_id)
