"""End to end through the desktop app: enrol a laptop with the real sync server on 127.0.0.1, create a
family with two people, record agreement, write and submit an assessment, write a plan, log a contact,
sync from the status bar; then a second laptop enrols, pulls and shows the same family."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

pytest.importorskip("earlyhelp_desktop.core.replication", reason="the sync engine is not part of this build")

from earlyhelp_desktop.core.services.families import FamilyFilter  # noqa: E402
from earlyhelp_desktop.ui.app import create_application  # noqa: E402
from earlyhelp_desktop.ui.dialogs.new_family import NewFamilyDialog  # noqa: E402
from earlyhelp_desktop.ui.dialogs.person import PersonDialog  # noqa: E402
from earlyhelp_desktop.ui.dialogs.simple import SimpleDialog  # noqa: E402
from earlyhelp_desktop.ui.main_window import MainWindow  # noqa: E402
from earlyhelp_desktop.ui.screens.families import FamilyListScreen  # noqa: E402
from earlyhelp_desktop.ui.screens.family.record import FamilyScreen  # noqa: E402
from earlyhelp_desktop.ui.screens.first_run import FirstRunScreen  # noqa: E402
from earlyhelp_desktop.ui.shell import Shell  # noqa: E402
from tests.conftest import CHEAP_KDF, PASSWORD  # noqa: E402
from tests.ui.uihelp import open_dialog, save_dialog, settle  # noqa: E402


@pytest.fixture
def shells(qapp: Any) -> Iterator[list[Shell]]:
    create_application()
    made: list[Shell] = []
    yield made
    for shell in made:
        shell.shutdown()
    for widget in QApplication.topLevelWidgets():
        widget.close()


def enrol_through_the_window(
    qtbot: QtBot, shells: list[Shell], folder: Path, server: Any, user: str
) -> MainWindow:
    shell = Shell(folder, fixed_kdf=CHEAP_KDF)
    shells.append(shell)
    first = shell.start()
    assert isinstance(first, FirstRunScreen)
    settle(qtbot, shell.tasks)
    first.findChild(object, "chooseEnrol").click()  # type: ignore[union-attr]
    first.enrol_form.set_values(
        {"server_url": server.url, "code": server.code(), "username": user, "password": PASSWORD}, clean=False
    )
    with qtbot.waitSignal(shell.unlocked, timeout=30000) as unlocked:
        first.findChild(object, "enrol").click()  # type: ignore[union-attr]
    main: MainWindow = unlocked.args[0]
    settle(qtbot, shell.tasks)
    return main


def test_a_day_in_the_app_reaches_a_second_laptop(
    qtbot: QtBot, tmp_path: Path, sync_server: Any, shells: list[Shell]
) -> None:
    main = enrol_through_the_window(qtbot, shells, tmp_path / "laptop-a", sync_server, "s.patel")
    ctx, tasks = main.ctx, main.ctx.tasks
    qtbot.waitUntil(lambda: "Synced" in main.sync_status.label.text(), timeout=10000)  # enrolment pulled

    # A new family with two people.
    families = main.show_screen("families")
    assert isinstance(families, FamilyListScreen)
    families.new_button.click()
    dialog = open_dialog(qtbot, main, NewFamilyDialog, tasks)
    dialog.form.set_values({"name": "Wiśniewski", "postcode": "TQ2 7AA"}, clean=False)
    save_dialog(qtbot, dialog, tasks)
    record = main.screen_for("family")
    assert isinstance(record, FamilyScreen)
    qtbot.waitUntil(lambda: record.name.text() == "Wiśniewski family", timeout=5000)
    family_id = record.family_id
    assert family_id is not None
    record.tabs.setCurrentWidget(record.people)
    settle(qtbot, tasks)
    for given, relationship, born in (
        ("Katarzyna", "mother", dt.date(1987, 6, 1)),
        ("Ola", "daughter", dt.date(2016, 2, 3)),
    ):
        record.people.add_button.click()
        person = open_dialog(qtbot, main, PersonDialog, tasks)
        person.form.set_values(
            {
                "given_name": given,
                "family_name": "Wiśniewski",
                "relationship": relationship,
                "date_of_birth": born,
            },
            clean=False,
        )
        save_dialog(qtbot, person, tasks)
    qtbot.waitUntil(lambda: record.people.model.rowCount() == 2, timeout=5000)
    mum = next(m.person.id for m in record.people.model.rows() if m.person.given_name == "Katarzyna")

    # Agreement.
    record.tabs.setCurrentWidget(record.agreement)
    settle(qtbot, tasks)
    record.agreement.agree_button.click()
    agree = open_dialog(qtbot, main, SimpleDialog, tasks)
    agree.form.set_values({"person_id": mum, "agreed": "yes", "method": "written"}, clean=False)
    save_dialog(qtbot, agree, tasks)

    # The assessment, written and submitted for sign-off.
    tab = record.assessment
    record.tabs.setCurrentWidget(tab)
    settle(qtbot, tasks)
    tab.start_button.click()
    start = open_dialog(qtbot, main, SimpleDialog, tasks)
    start.form.set_value("reason", "Health visitor asked for help with sleep and money")
    save_dialog(qtbot, start, tasks)
    qtbot.waitUntil(lambda: tab.view_ is not None, timeout=5000)
    assessment_id = tab.view_.assessment.id  # type: ignore[union-attr]
    tab.harm_no.click()
    settle(qtbot, tasks)
    tab.form.set_values(
        {
            "family_view": "Tired",
            "worried_about": "Debt",
            "working_well": "Family nearby",
            "needs_to_happen": "Money advice",
            "analysis": "Additional needs",
            "worry_worker": 7,
            "level_of_need": "2",
        },
        clean=False,
    )
    tab.save_button.click()
    settle(qtbot, tasks)
    for line in ctx.ws.services.assessments.view(assessment_id).domains:  # scored earlier with the family
        tasks.run_now(
            lambda code=line.code: ctx.ws.services.assessments.set_domain(assessment_id, code, score=3)
        )
    qtbot.waitUntil(lambda: tab.voices.rowCount() == 1, timeout=5000)
    tab.voices_view.selectRow(0)
    tab.voice_button.click()
    voice = open_dialog(qtbot, main, SimpleDialog, tasks)
    voice.form.set_value("wants", "Mum to be less tired")
    save_dialog(qtbot, voice, tasks)
    tab.submit_button.click()
    settle(qtbot, tasks)
    tab.yes.click()
    settle(qtbot, tasks)

    # The plan and a contact.
    record.tabs.setCurrentWidget(record.plan)
    settle(qtbot, tasks)
    record.plan.write_button.click()
    plan = open_dialog(qtbot, main, SimpleDialog, tasks)
    plan.form.set_values(
        {"about_us": "We are the Wiśniewskis", "review_on": dt.date.today() + dt.timedelta(42)}, clean=False
    )
    save_dialog(qtbot, plan, tasks)
    qtbot.waitUntil(lambda: record.plan.plan_id is not None, timeout=5000)
    record.plan.add_outcome.click()
    outcome = open_dialog(qtbot, main, SimpleDialog, tasks)
    outcome.form.set_values({"text": "We sleep through the night", "categories": ["health"]}, clean=False)
    save_dialog(qtbot, outcome, tasks)
    record.tabs.setCurrentWidget(record.contacts)
    settle(qtbot, tasks)
    record.contacts.add_button.click()
    contact = open_dialog(qtbot, main, SimpleDialog, tasks)
    contact.form.set_values({"kind": "visit", "note": "First home visit"}, clean=False)
    save_dialog(qtbot, contact, tasks)

    # Changes wait until the status bar says Synced, and only then.
    qtbot.waitUntil(lambda: "waiting to sync" in main.sync_status.label.text(), timeout=10000)
    with qtbot.waitSignal(main.sync.finished, timeout=60000) as finished:
        main.sync_status.sync_button.click()
    assert finished.args[0].outcome.status == "synced", finished.args[0].outcome.message
    qtbot.waitUntil(lambda: main.sync_status.label.text().startswith("Synced at"), timeout=10000)

    # A second laptop enrols, pulls, and shows the same family.
    other = enrol_through_the_window(qtbot, shells, tmp_path / "laptop-b", sync_server, "j.okafor")
    found = other.show_screen("families")
    assert isinstance(found, FamilyListScreen)
    found.search.setText("wisniewski")
    settle(qtbot, other.ctx.tasks)
    qtbot.waitUntil(lambda: found.model.rowCount() == 1, timeout=10000)
    assert found.model.index(0, 0).data() == "Wiśniewski"
    found.table.selectRow(0)
    found.open_button.click()
    shown = other.screen_for("family")
    assert isinstance(shown, FamilyScreen)
    qtbot.waitUntil(lambda: shown.record is not None and shown.record.family.id == family_id, timeout=10000)
    theirs = shown.record
    assert theirs is not None
    assert sorted(m.person.given_name for m in theirs.members) == ["Katarzyna", "Ola"]
    current = theirs.current
    assert current is not None and current.plan is not None and current.assessment is not None
    assert current.assessment.status == "submitted"
    assert [o.text for o in theirs.outcomes] == ["We sleep through the night"]
    assert [c.note for c in theirs.contacts] == ["First home visit"]
    assert [a.agreed for a in theirs.agreements] == [True]
    assert other.ctx.ws.services.families.find_ids(FamilyFilter(text="Ola")) == [family_id]
