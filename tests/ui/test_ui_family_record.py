"""A family's record: the overview, flags, people (add, change, remove, duplicates) and the tabs."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from earlyhelp_desktop.core.store.store import Workspace
from earlyhelp_desktop.ui.context import UiContext
from earlyhelp_desktop.ui.dialogs.family_details import FamilyDetailsDialog
from earlyhelp_desktop.ui.dialogs.person import PersonDialog
from earlyhelp_desktop.ui.screens.family.record import FamilyScreen
from tests.ui.uihelp import add_family, add_person, settle


def open_record(qtbot: QtBot, ctx: UiContext, family_id: str) -> FamilyScreen:
    screen = FamilyScreen(ctx)
    qtbot.addWidget(screen)
    screen.resize(1200, 700)
    screen.show()
    with qtbot.waitSignal(screen.loaded, timeout=5000):
        screen.load(family_id)
    settle(qtbot, ctx.tasks)
    return screen


def test_overview_shows_the_family_at_a_glance(qtbot: QtBot, workspace: Workspace, ctx: UiContext) -> None:
    family_id = add_family(
        workspace, "Ó Briain", "TQ1 4AB", address_line1="1 Harbour Row", town="Torquay", level_of_need=3
    )
    add_person(workspace, family_id, "Siobhán", "Ó Briain", "mother", date_of_birth="2 2 1990")
    add_person(workspace, family_id, "Zoë", "Ó Briain", "daughter", date_of_birth="3 4 2016")
    workspace.services.families.set_flag(family_id, "do_not_visit_alone")
    screen = open_record(qtbot, ctx, family_id)
    assert screen.name.text() == "Ó Briain family"
    facts = screen.facts.text()
    assert "Level of need: 3 Multiple or complex" in facts
    assert "Lead practitioner: Sunita Patel" in facts
    assert screen.overview.address.text() == "1 Harbour Row, Torquay, TQ1 4AB"
    names = [row[0] for row in screen.overview.members.texts()]
    assert names == ["Siobhán Ó Briain", "Zoë Ó Briain"]
    flags = [w.text() for w in screen.findChildren(type(screen.name)) if w.property("role") == "flag"]
    assert "Flag: Do not visit alone" in flags  # words, not colour alone


def test_adding_and_removing_a_flag(qtbot: QtBot, workspace: Workspace, ctx: UiContext) -> None:
    family_id = add_family(workspace, "Kowalski")
    screen = open_record(qtbot, ctx, family_id)
    overview = screen.overview
    overview.add_flag_button.click()
    assert overview.flag_form.error_text("flag") == "Error: Choose the flag to add"
    overview.flag_choice.setCurrentIndex(overview.flag_choice.findData("animals"))
    overview.add_flag_button.click()
    settle(qtbot, ctx.tasks)
    assert [f.code for f in workspace.services.record.open(family_id, audit=False).flags] == ["animals"]
    qtbot.waitUntil(lambda: "Flag: Animals at the property" in screen.flags_row.itemAt(0).widget().text())
    overview.findChild(type(overview.add_flag_button), "removeFlag_animals").click()
    settle(qtbot, ctx.tasks)
    assert workspace.services.record.open(family_id, audit=False).flags == []


def test_changing_family_details_and_the_confidential_address(
    qtbot: QtBot, workspace: Workspace, ctx: UiContext
) -> None:
    family_id = add_family(workspace, "Nowak", "TQ4 7GH")
    screen = open_record(qtbot, ctx, family_id)
    screen.overview.change.click()
    dialog = screen.window().findChild(FamilyDetailsDialog)
    assert dialog is not None
    settle(qtbot, ctx.tasks)
    dialog.form.set_value("confidential_address", True)
    dialog.form.set_value("level_of_need", "2")
    dialog.form.set_value("postcode", "nonsense")
    dialog.save_button.click()
    settle(qtbot, ctx.tasks)
    assert dialog.form.error_text("postcode") == "Error: Enter a full UK postcode, for example TQ1 4AB"
    assert workspace.services.record.open(family_id, audit=False).family.level_of_need is None  # unchanged
    dialog.form.set_value("postcode", "tq4 7gh")
    with qtbot.waitSignal(dialog.accepted, timeout=5000):
        dialog.save_button.click()
    settle(qtbot, ctx.tasks)
    family = workspace.services.record.open(family_id, audit=False).family
    assert (family.confidential_address, family.level_of_need) == (True, 2)
    qtbot.waitUntil(lambda: "Confidential" in screen.overview.address.text())
    assert "Level of need: 2 Additional" in screen.facts.text()


def test_adding_a_person_with_validation_next_to_each_field(
    qtbot: QtBot, workspace: Workspace, ctx: UiContext
) -> None:
    family_id = add_family(workspace, "Patel", "TQ2 5CD")
    screen = open_record(qtbot, ctx, family_id)
    screen.tabs.setCurrentWidget(screen.people)
    settle(qtbot, ctx.tasks)
    screen.people.add_button.click()
    dialog = screen.window().findChild(PersonDialog)
    assert dialog is not None
    settle(qtbot, ctx.tasks)
    f = dialog.form
    qtbot.keyClicks(f.fields["given_name"].input, "Arjun")
    date = f.fields["date_of_birth"].input
    qtbot.keyClicks(date.day, "31")  # type: ignore[attr-defined]
    qtbot.keyClicks(date.month, "2")  # type: ignore[attr-defined]
    qtbot.keyClicks(date.year, "2015")  # type: ignore[attr-defined]
    qtbot.keyClicks(f.fields["nhs_number"].input, "123")
    dialog.save_button.click()
    settle(qtbot, ctx.tasks)
    assert f.error_text("relationship") == "Error: Select how this person is related to the family"
    f.set_value("relationship", "son")
    assert f.value("is_child") is True  # chosen for you from the relationship
    dialog.save_button.click()
    settle(qtbot, ctx.tasks)
    assert f.error_text("family_name") == "Error: Enter their last name"
    assert (
        f.error_text("date_of_birth") == "Error: The date of birth must be a real date, for example 27 3 2019"
    )
    assert f.error_text("nhs_number") == "Error: Enter the 10-digit NHS number, for example 943 476 5919"
    assert list(f.summary.messages) == ["family_name", "date_of_birth", "nhs_number"]
    # The summary links to each field.
    f.summary.findChildren(type(dialog.save_button))[1].click()
    assert f.fields["date_of_birth"].input.day.hasFocus()  # type: ignore[attr-defined]
    assert workspace.services.record.open(family_id, audit=False).members == []

    qtbot.keyClicks(f.fields["family_name"].input, "Patel")
    date.day.setText("28")  # type: ignore[attr-defined]
    f.set_value("nhs_number", "943 476 5919")
    f.set_value("language", "Gujarati")
    f.set_value("interpreter_needed", True)
    with qtbot.waitSignal(dialog.accepted, timeout=5000):
        qtbot.keyClick(dialog, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    settle(qtbot, ctx.tasks)
    [member] = workspace.services.record.open(family_id, audit=False).members
    p = member.person
    assert (p.given_name, p.date_of_birth, p.nhs_number, p.language) == (
        "Arjun",
        dt.date(2015, 2, 28),
        "9434765919",
        "Gujarati",
    )
    assert member.membership.relationship == "son" and member.membership.is_child
    qtbot.waitUntil(lambda: screen.people.model.rowCount() == 1)
    assert screen.people.model.texts()[0][6] == "Interpreter needed (Gujarati)"


def test_an_unborn_baby_has_a_due_date(qtbot: QtBot, workspace: Workspace, ctx: UiContext) -> None:
    family_id = add_family(workspace, "Green")
    screen = open_record(qtbot, ctx, family_id)
    dialog = PersonDialog(ctx, family_id, "Green", parent=screen)
    dialog.show()
    settle(qtbot, ctx.tasks)
    f = dialog.form
    f.set_value("given_name", "Baby")
    f.set_value("family_name", "Green")
    f.set_value("relationship", "unborn")
    assert f.value("unborn") is True
    assert f.fields["due_date"].box.isVisibleTo(dialog) and not f.fields["date_of_birth"].box.isVisibleTo(
        dialog
    )
    due = dt.date.today() + dt.timedelta(days=60)
    f.set_value("due_date", due)
    with qtbot.waitSignal(dialog.accepted, timeout=5000):
        dialog.save_button.click()
    settle(qtbot, ctx.tasks)
    [member] = workspace.services.record.open(family_id, audit=False).members
    assert (member.person.due_date, member.person.date_of_birth) == (due, None)
    screen.tabs.setCurrentWidget(screen.people)
    qtbot.waitUntil(lambda: screen.people.model.rowCount() == 1)
    assert screen.people.model.texts()[0][1].startswith("Due ")


def test_a_likely_duplicate_person_can_join_this_household_instead(
    qtbot: QtBot, workspace: Workspace, ctx: UiContext
) -> None:
    mums = add_family(workspace, "Hughes", "TQ5 8JK")
    child = add_person(workspace, mums, "Jack", "Hughes", "son", date_of_birth="1 6 2018")
    dads = add_family(workspace, "Hughes (dad)", "TQ6 9LM")
    screen = open_record(qtbot, ctx, dads)
    dialog = PersonDialog(ctx, dads, "Hughes (dad)", parent=screen)
    dialog.show()
    settle(qtbot, ctx.tasks)
    f = dialog.form
    f.set_value("given_name", "Jack")
    f.set_value("family_name", "Hughes")
    f.set_value("date_of_birth", dt.date(2018, 6, 1))
    f.set_value("relationship", "son")
    f.set_value("lives_in_household", False)
    dialog.save_button.click()
    settle(qtbot, ctx.tasks)
    assert (
        "may be someone already on this laptop: Jack Hughes in the Hughes family" in dialog.duplicates.text()
    )
    with qtbot.waitSignal(dialog.accepted, timeout=5000):
        dialog.findChild(type(dialog.save_button), "joinExisting").click()
    settle(qtbot, ctx.tasks)
    [member] = workspace.services.record.open(dads, audit=False).members
    assert member.person.id == child  # one person, two households
    assert member.membership.lives_in_household is False


def test_removing_someone_from_the_household_asks_first(
    qtbot: QtBot, workspace: Workspace, ctx: UiContext
) -> None:
    family_id = add_family(workspace, "Evans")
    add_person(workspace, family_id, "Dai", "Evans", "father")
    screen = open_record(qtbot, ctx, family_id)
    people = screen.people
    screen.tabs.setCurrentWidget(people)
    people.table.selectRow(0)
    people.remove_button.click()
    assert "Remove Dai Evans from this household?" in people.confirm.text()
    people.confirm_no.click()
    assert len(workspace.services.record.open(family_id, audit=False).members) == 1
    people.remove_button.click()
    people.confirm_yes.click()
    settle(qtbot, ctx.tasks)
    assert workspace.services.record.open(family_id, audit=False).members == []
    qtbot.waitUntil(lambda: people.model.rowCount() == 0)


def test_changing_a_person_keeps_what_was_not_touched(
    qtbot: QtBot, workspace: Workspace, ctx: UiContext
) -> None:
    family_id = add_family(workspace, "Lewis")
    add_person(workspace, family_id, "Mair", "Lewis", "mother", date_of_birth="5 5 1985", school=None)
    screen = open_record(qtbot, ctx, family_id)
    screen.tabs.setCurrentWidget(screen.people)
    member = screen.people.model.row(0)
    assert member is not None
    dialog = PersonDialog(ctx, family_id, "Lewis", member, parent=screen)
    dialog.show()
    settle(qtbot, ctx.tasks)
    assert not dialog.form.dirty
    assert dialog.form.value("relationship") == "mother"
    dialog.form.set_value("preferred_name", "Mari")
    dialog.form.set_value("must_not_know_whereabouts", False)
    dialog.form.set_value("parental_responsibility", True)
    with qtbot.waitSignal(dialog.accepted, timeout=5000):
        dialog.save_button.click()
    settle(qtbot, ctx.tasks)
    [m] = workspace.services.record.open(family_id, audit=False).members
    assert (m.person.preferred_name, m.person.date_of_birth, m.membership.parental_responsibility) == (
        "Mari",
        dt.date(1985, 5, 5),
        True,
    )


def test_every_tab_shows_without_error_on_an_empty_record(
    qtbot: QtBot, workspace: Workspace, ctx: UiContext
) -> None:
    family_id = add_family(workspace, "Quiet")
    screen = open_record(qtbot, ctx, family_id)
    for index in range(screen.tabs.count()):
        screen.tabs.setCurrentIndex(index)
        qtbot.wait(5)
    assert screen.assessment.status.text() == "No assessment yet in this episode."
    assert screen.plan.words.text() == "No plan yet. Write it with the family, in their words."
    assert screen.message.text() == ""


def test_activities_tab_shows_links_and_records_the_next_step(
    qtbot: QtBot, workspace: Workspace, ctx: UiContext
) -> None:
    from earlyhelp_desktop.ui.dialogs.simple import SimpleDialog
    from tests.ui.uihelp import open_dialog, save_dialog

    family_id = add_family(workspace, "Begum", "TQ1 2AB")
    sana = add_person(workspace, family_id, "Sana", "Begum", "mother")
    asset = workspace.services.directory.add(
        organisation="South Devon Mind", activity="Wellbeing Café", category_code="mental_wellbeing"
    ).id
    workspace.services.links.offer(family_id, sana, asset)
    screen = open_record(qtbot, ctx, family_id)
    tab = screen.activities
    screen.tabs.setCurrentWidget(tab)
    qtbot.waitUntil(lambda: tab.model.rowCount() == 1, timeout=5000)
    assert tab.model.texts()[0][:3] == ["Sana Begum", "Wellbeing Café (South Devon Mind)", "Offered"]
    tab.view.selectRow(0)
    tab.next_button.click()
    dialog = open_dialog(qtbot, screen, SimpleDialog, ctx.tasks)
    dialog.form.set_values({"status": "referred"}, clean=False)
    save_dialog(qtbot, dialog, ctx.tasks)
    qtbot.waitUntil(lambda: tab.model.texts()[0][2] == "Referred", timeout=5000)
    [link] = workspace.services.links.for_family(family_id)
    assert link.link.snomed_code == "871731000000106"  # referral to a social prescribing service
