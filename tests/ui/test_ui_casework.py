"""A family worker's day through the record's editors: agreement, the assessment to sign-off, the plan,
a contact, a review, and closing the episode; each step checked on screen and in the store."""

from __future__ import annotations

import datetime as dt

from pytestqt.qtbot import QtBot

from earlyhelp_desktop.core.store.store import Store, Workspace
from earlyhelp_desktop.ui.adapters import Drafts, SyncEngine
from earlyhelp_desktop.ui.context import UiContext
from earlyhelp_desktop.ui.dialogs.simple import SimpleDialog
from earlyhelp_desktop.ui.screens.family.record import FamilyScreen
from earlyhelp_desktop.ui.screens.sign_off import SignOffQueueWidget
from tests.ui.uihelp import add_family, add_person, open_dialog, save_dialog, settle


def open_record(qtbot: QtBot, ctx: UiContext, family_id: str) -> FamilyScreen:
    screen = FamilyScreen(ctx)
    qtbot.addWidget(screen)
    screen.resize(1366, 768)
    screen.show()
    with qtbot.waitSignal(screen.loaded, timeout=5000):
        screen.load(family_id)
    settle(qtbot, ctx.tasks)
    return screen


def reload(qtbot: QtBot, screen: FamilyScreen) -> None:
    with qtbot.waitSignal(screen.loaded, timeout=5000):
        pass
    settle(qtbot, screen.ctx.tasks)


def sign_off_as_colleague(qtbot: QtBot, workspace: Workspace, ctx: UiContext, done: str) -> None:
    """Another supervisor signs off the first thing in their queue."""
    workspace.services.users.add("m.jones", "Mair Jones", "supervisor", "another password")
    colleague = Store(workspace.store.directory).unlock("m.jones", "another password")
    try:
        queue = SignOffQueueWidget(UiContext(colleague, ctx.tasks, Drafts(), SyncEngine()))
        qtbot.addWidget(queue)
        settle(qtbot, ctx.tasks)
        queue.view.selectRow(0)
        queue.sign_button.click()
        settle(qtbot, ctx.tasks)
        assert queue.message.text().startswith(f"Done: {done}")
    finally:
        ctx.tasks.run_now(colleague.lock)


def family(ws: Workspace) -> tuple[str, str, str]:
    family_id = add_family(ws, "Kowalski", "TQ3 6EF", level_of_need=3)
    mum = add_person(ws, family_id, "Agnieszka", "Kowalski", "mother", date_of_birth="4 5 1988")
    son = add_person(ws, family_id, "Tomasz", "Kowalski", "son", date_of_birth="9 9 2015")
    return family_id, mum, son


def test_agreement_and_sharing(qtbot: QtBot, workspace: Workspace, ctx: UiContext) -> None:
    family_id, mum, _son = family(workspace)
    screen = open_record(qtbot, ctx, family_id)
    tab = screen.agreement
    screen.tabs.setCurrentWidget(tab)
    settle(qtbot, ctx.tasks)
    assert [row[1] for row in tab.lines.texts()] == ["Not recorded yet"]  # the son is too young to agree
    tab.agree_button.click()
    dialog = open_dialog(qtbot, screen, SimpleDialog, ctx.tasks)
    dialog.form.set_values({"person_id": mum, "agreed": "yes"}, clean=False)
    dialog.save_button.click()
    settle(qtbot, ctx.tasks)
    assert dialog.form.error_text("method") == "Error: Select how they agreed"
    dialog.form.set_value("method", "verbal")
    save_dialog(qtbot, dialog, ctx.tasks)
    episode_id = tab.episode_id
    assert episode_id and workspace.services.consent.agreement_in_force(episode_id)
    qtbot.waitUntil(lambda: tab.lines.texts()[0][1] == "Agrees")

    tab.share_button.click()
    dialog = open_dialog(qtbot, screen, SimpleDialog, ctx.tasks)
    dialog.form.set_values({"agency": "police", "access": "everything", "must_not_see": True}, clean=False)
    dialog.save_button.click()
    settle(qtbot, ctx.tasks)
    assert "choose Nothing" in dialog.form.error_text("access")
    dialog.form.set_value("access", "nothing")
    save_dialog(qtbot, dialog, ctx.tasks)
    [row] = workspace.services.consent.sharing(family_id)
    assert (row.agency, row.access, row.must_not_see) == ("police", "nothing", True)
    qtbot.waitUntil(lambda: tab.sharing.rowCount() == 1)
    assert tab.sharing.texts()[0][1] == "Must not see anything"


def test_an_assessment_from_start_to_sign_off(qtbot: QtBot, workspace: Workspace, ctx: UiContext) -> None:
    family_id, _mum, son = family(workspace)
    screen = open_record(qtbot, ctx, family_id)
    tab = screen.assessment
    screen.tabs.setCurrentWidget(tab)
    settle(qtbot, ctx.tasks)
    assert tab.status.text() == "No assessment yet in this episode."
    tab.start_button.click()
    dialog = open_dialog(qtbot, screen, SimpleDialog, ctx.tasks)
    dialog.form.set_value("reason", "School worried about attendance")
    save_dialog(qtbot, dialog, ctx.tasks)
    qtbot.waitUntil(lambda: tab.view_ is not None and tab.editor.isVisible(), timeout=5000)
    assert tab.status.text().startswith("Early Help Assessment · Draft")
    assessment_id = tab.view_.assessment.id  # type: ignore[union-attr]

    # Yes to significant harm brings the front door's number and steps at once.
    tab.harm_yes.click()
    settle(qtbot, ctx.tasks)
    qtbot.waitUntil(lambda: "Phone 0300 000 0000" in tab.front_door.text(), timeout=5000)
    tab.front_door_button.click()
    dialog = open_dialog(qtbot, screen, SimpleDialog, ctx.tasks)
    dialog.form.set_value("note", "Spoke to J Duty at MASH: no further action, carry on with early help")
    save_dialog(qtbot, dialog, ctx.tasks)
    qtbot.waitUntil(lambda: "You contacted the front door" in tab.front_door.text(), timeout=5000)

    f = tab.form
    f.set_values(
        {
            "family_view": "Mum wants Tomasz settled",
            "worried_about": "Missed school",
            "working_well": "Close family",
            "needs_to_happen": "A morning routine",
            "analysis": "Needs are additional",
            "worry_worker": 6,
            "level_of_need": "2",
        },
        clean=False,
    )
    assert f.dirty
    tab.save_button.click()
    settle(qtbot, ctx.tasks)
    assert tab.message.text() == "Done: Assessment saved."
    a = workspace.services.assessments.view(assessment_id).assessment
    assert (a.family_view, a.level_of_need, a.worry_scales) == ("Mum wants Tomasz settled", 2, {"worker": 6})

    tab.submit_button.click()
    settle(qtbot, ctx.tasks)
    assert "Score each area" in tab.check.text() and "Record the voice of Tomasz" in tab.check.text()

    # One area scored through the screen, the rest as if done earlier; the child's voice through the screen.
    tab.domains_view.selectRow(0)
    tab.score_button.click()
    dialog = open_dialog(qtbot, screen, SimpleDialog, ctx.tasks)
    dialog.form.set_values({"strengths": "Healthy", "score": 4, "family_score": 5}, clean=False)
    save_dialog(qtbot, dialog, ctx.tasks)
    for line in workspace.services.assessments.view(assessment_id).domains[1:]:
        workspace.services.assessments.set_domain(assessment_id, line.code, no_issues=True)
    tab.voices_view.selectRow(0)
    tab.voice_button.click()
    dialog = open_dialog(qtbot, screen, SimpleDialog, ctx.tasks)
    dialog.form.set_value("wants", "To go to football club")
    save_dialog(qtbot, dialog, ctx.tasks)
    [voice] = workspace.services.assessments.view(assessment_id).voices
    assert (
        voice.person_id == son and voice.voice is not None and voice.voice.wants == "To go to football club"
    )

    tab.submit_button.click()
    settle(qtbot, ctx.tasks)
    assert tab.check.text() == "Done: Everything is answered."
    tab.yes.click()
    settle(qtbot, ctx.tasks)
    assert workspace.services.assessments.view(assessment_id).assessment.status == "submitted"
    qtbot.waitUntil(lambda: "Waiting for sign-off" in tab.status.text(), timeout=5000)
    assert not tab.save_button.isVisible()  # nothing can be changed while it waits

    mine = SignOffQueueWidget(ctx)
    qtbot.addWidget(mine)
    settle(qtbot, ctx.tasks)
    assert mine.model.texts()[0][:3] == [
        "Assessment",
        f"Kowalski ({screen.record.family.reference})",
        "Sunita Patel (you)",
    ]  # type: ignore[union-attr]
    mine.view.selectRow(0)
    mine.sign_button.click()
    settle(qtbot, ctx.tasks)
    assert "another supervisor must sign it off" in mine.message.text()

    sign_off_as_colleague(qtbot, workspace, ctx, "Assessment signed off.")
    assert workspace.services.assessments.view(assessment_id).assessment.status == "signed_off"
    assert workspace.services.record.open(family_id, audit=False).family.level_of_need == 2


def test_plan_contact_review_and_closure(qtbot: QtBot, workspace: Workspace, ctx: UiContext) -> None:
    family_id, _mum, _son = family(workspace)
    screen = open_record(qtbot, ctx, family_id)
    plan = screen.plan
    screen.tabs.setCurrentWidget(plan)
    settle(qtbot, ctx.tasks)
    review_on = dt.date.today() + dt.timedelta(days=42)
    plan.write_button.click()
    dialog = open_dialog(qtbot, screen, SimpleDialog, ctx.tasks)
    dialog.form.set_values({"about_us": "We are the Kowalskis", "review_on": review_on}, clean=False)
    save_dialog(qtbot, dialog, ctx.tasks)
    qtbot.waitUntil(lambda: plan.plan_id is not None, timeout=5000)
    plan.add_outcome.click()
    dialog = open_dialog(qtbot, screen, SimpleDialog, ctx.tasks)
    dialog.form.set_values(
        {"text": "Tomasz goes to school every day", "categories": ["education"]}, clean=False
    )
    save_dialog(qtbot, dialog, ctx.tasks)
    plan.add_action.click()
    dialog = open_dialog(qtbot, screen, SimpleDialog, ctx.tasks)
    dialog.form.set_values({"text": "Walk to school together", "owner": "Mum"}, clean=False)
    save_dialog(qtbot, dialog, ctx.tasks)
    qtbot.waitUntil(lambda: plan.action_list.rowCount() == 1 and plan.outcomes.rowCount() == 1)
    assert plan.outcomes.texts()[0][:2] == ["Tomasz goes to school every day", "Getting a good education"]
    assert plan.action_list.texts()[0][:2] == ["Walk to school together", "Mum"]

    contacts = screen.contacts
    screen.tabs.setCurrentWidget(contacts)
    settle(qtbot, ctx.tasks)
    contacts.add_button.click()
    dialog = open_dialog(qtbot, screen, SimpleDialog, ctx.tasks)
    dialog.form.set_values(
        {
            "kind": "visit",
            "occurred_on": dt.date.today() - dt.timedelta(days=1),  # yesterday: 10:30 is past at any hour
            "time": "10:30",
            "duration_minutes": "45",
            "note": "Home visit: talked through mornings",
        },
        clean=False,
    )
    save_dialog(qtbot, dialog, ctx.tasks)
    qtbot.waitUntil(lambda: contacts.model.rowCount() == 1, timeout=5000)
    assert contacts.model.texts()[0][3:] == ["45", "Sunita Patel", "Home visit: talked through mornings"]

    reviews = screen.reviews
    screen.tabs.setCurrentWidget(reviews)
    settle(qtbot, ctx.tasks)
    reviews.add_button.click()
    dialog = open_dialog(qtbot, screen, SimpleDialog, ctx.tasks)
    dialog.form.set_values(
        {
            "attendees": "Mum, Tomasz",
            "progress_0": "better",
            "worker_0": 6,
            "family_0": 8,
            "decision": "close",
        },
        clean=False,
    )
    save_dialog(qtbot, dialog, ctx.tasks)
    assert "submit the closure" in reviews.message.text()
    qtbot.waitUntil(lambda: reviews.progress.rowCount() == 1, timeout=5000)
    assert reviews.progress.texts()[0][1:4] == ["Better", "6 out of 10", "8 out of 10"]  # side by side

    steps = screen.steps
    screen.tabs.setCurrentWidget(steps)
    settle(qtbot, ctx.tasks)
    steps.close_button.click()
    dialog = open_dialog(qtbot, screen, SimpleDialog, ctx.tasks)
    dialog.form.set_values(
        {"reason_code": "needs_met", "moving_on_note": "Tomasz is back at school"}, clean=False
    )
    save_dialog(qtbot, dialog, ctx.tasks)
    qtbot.waitUntil(lambda: steps.closure.text().startswith("Waiting for sign-off"), timeout=5000)
    steps.sign_close.click()
    settle(qtbot, ctx.tasks)
    assert "another supervisor" in steps.message.text()  # nobody signs off their own closure
    sign_off_as_colleague(qtbot, workspace, ctx, "Closure signed off.")
    record = workspace.services.record.open(family_id, audit=False)
    assert record.current is None and record.family.status == "closed"
    screen.reload()  # a colleague's change is seen when the record is next read
    qtbot.waitUntil(lambda: steps.reopen_button.isVisible(), timeout=5000)
    assert steps.closure.text().startswith("This family has no open episode. Last closed")


def test_closing_records_final_scores_starting_from_the_assessment(
    qtbot: QtBot, workspace: Workspace, ctx: UiContext
) -> None:
    family_id, _mum, _son = family(workspace)
    episode = workspace.services.episodes.current(family_id)
    assert episode is not None
    assessment_id = workspace.services.assessments.start(episode.id, reason="Mornings").id
    workspace.services.assessments.set_domain(assessment_id, "education", score=2, family_score=3)
    workspace.services.assessments.set_domain(assessment_id, "housing", no_issues=True)
    screen = open_record(qtbot, ctx, family_id)
    steps = screen.steps
    screen.tabs.setCurrentWidget(steps)
    settle(qtbot, ctx.tasks)
    steps.close_button.click()
    dialog = open_dialog(qtbot, screen, SimpleDialog, ctx.tasks)
    values = dialog.form.values()
    assert values["final_scores.worker.education"] == 2  # starts from the assessment's scores
    assert values["final_scores.family.education"] == 3
    assert not any("housing" in name for name in values)  # an area with no issues is not scored again
    dialog.form.set_values({"reason_code": "needs_met", "final_scores.worker.education": 4}, clean=False)
    save_dialog(qtbot, dialog, ctx.tasks)
    closure = workspace.services.record.open(family_id, audit=False).current.closure  # type: ignore[union-attr]
    assert closure is not None
    assert closure.final_scores == {"worker": {"education": 4}, "family": {"education": 3}}
