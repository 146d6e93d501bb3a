"""The main window's other screens, one at a time: caseload, reviews due, the directory and links, and
the record's professionals and contact corrections."""

from __future__ import annotations

import datetime as dt

from pytestqt.qtbot import QtBot

from earlyhelp_desktop.core.store.store import Workspace
from earlyhelp_desktop.ui.context import UiContext
from earlyhelp_desktop.ui.dialogs.offer import OfferDialog
from earlyhelp_desktop.ui.dialogs.simple import SimpleDialog
from earlyhelp_desktop.ui.screens.caseload import CaseloadScreen
from earlyhelp_desktop.ui.screens.directory import DirectoryScreen
from earlyhelp_desktop.ui.screens.family.record import FamilyScreen
from earlyhelp_desktop.ui.screens.links import LinksScreen
from earlyhelp_desktop.ui.screens.reviews_due import ReviewsDueScreen
from tests.ui.uihelp import add_family, add_person, host, open_dialog, save_dialog, settle


def with_plan(ws: Workspace, name: str, review_on: dt.date) -> str:
    family_id = add_family(ws, name, level_of_need=2)
    episode = ws.services.episodes.current(family_id)
    assert episode is not None
    ws.services.plans.create(episode.id, about_us="Us", review_on=review_on)
    return family_id


def test_caseload_shows_reviews_and_what_needs_doing(
    qtbot: QtBot, workspace: Workspace, ctx: UiContext
) -> None:
    overdue = with_plan(workspace, "Late", dt.date.today() - dt.timedelta(days=3))
    with_plan(workspace, "Later", dt.date.today() + dt.timedelta(days=30))
    workspace.services.families.set_flag(overdue, "animals")
    screen = CaseloadScreen(ctx)
    qtbot.addWidget(screen)
    settle(qtbot, ctx.tasks)
    rows = screen.model.texts()
    assert [r[0] for r in rows] == ["Late", "Later"]
    assert (
        rows[0][3].endswith("(overdue)") and rows[0][5] == "Yes" and rows[0][6] == "Animals at the property"
    )
    assert screen.counts.text().startswith("2 families · 1 review due in the next 14 days (1 overdue)")
    with qtbot.waitSignal(ctx.open_family) as opened:
        screen.open_button.click()
    assert opened.args == [overdue]


def test_reviews_due_lists_the_longest_overdue_first(
    qtbot: QtBot, workspace: Workspace, ctx: UiContext
) -> None:
    with_plan(workspace, "Soon", dt.date.today() + dt.timedelta(days=5))
    with_plan(workspace, "Very late", dt.date.today() - dt.timedelta(days=20))
    with_plan(workspace, "Not yet", dt.date.today() + dt.timedelta(days=60))
    screen = ReviewsDueScreen(ctx)
    qtbot.addWidget(screen)
    settle(qtbot, ctx.tasks)
    rows = screen.model.texts()
    assert [(r[2], r[1]) for r in rows] == [("Very late", "Overdue by 20 days"), ("Soon", "Due")]
    assert screen.count.text() == "2 reviews due, 1 overdue"


def test_plans_for_the_listed_reviews_print_in_one_go(
    qtbot: QtBot, workspace: Workspace, ctx: UiContext
) -> None:
    from earlyhelp_desktop.ui.printing.batch import BatchPrintDialog

    with_plan(workspace, "Soon", dt.date.today() + dt.timedelta(days=2))
    with_plan(workspace, "Far off", dt.date.today() + dt.timedelta(days=60))
    window = host(qtbot)
    screen = ReviewsDueScreen(ctx, parent=window)
    window.show()
    settle(qtbot, ctx.tasks)
    assert screen.print_button.isEnabled()
    screen.print_button.click()
    qtbot.waitUntil(lambda: any(d.isVisible() for d in window.findChildren(BatchPrintDialog)), timeout=5000)
    dialog = next(d for d in window.findChildren(BatchPrintDialog) if d.isVisible())
    assert dialog._count == 1  # noqa: SLF001 - only the family listed, not the one reviewed in 60 days
    assert "the 1 review due or overdue" in dialog.windowTitle() + " ".join(
        w.text() for w in dialog.findChildren(type(screen.count))
    )
    dialog.close()


def test_directory_search_add_and_offer(qtbot: QtBot, workspace: Workspace, ctx: UiContext) -> None:
    family_id = add_family(workspace, "Begum", "TQ1 2AB")
    person = add_person(workspace, family_id, "Sana", "Begum", "mother")
    window = host(qtbot)
    screen = DirectoryScreen(ctx, parent=window)
    window.show()
    settle(qtbot, ctx.tasks)
    assert screen.add_button.isVisible()  # supervisors (and connectors) keep the directory
    screen.add_button.click()
    dialog = open_dialog(qtbot, window, SimpleDialog, ctx.tasks)
    dialog.form.set_values(
        {
            "organisation": "Torre Church",
            "activity": "Café Stay and Play",
            "category_code": "baby_toddler",
            "email": "not an email",
        },
        clean=False,
    )
    dialog.save_button.click()
    settle(qtbot, ctx.tasks)
    assert dialog.form.error_text("email").startswith("Error: ")
    dialog.form.set_value("email", "")
    save_dialog(qtbot, dialog, ctx.tasks)
    qtbot.keyClicks(screen.search, "cafe")  # finds Café
    settle(qtbot, ctx.tasks)
    assert [r[0] for r in screen.model.texts()] == ["Café Stay and Play"]
    assert screen.model.texts()[0][2] == "Baby and toddler groups"

    screen.view.selectRow(0)
    screen.offer_button.click()
    offer = open_dialog(qtbot, window, OfferDialog, ctx.tasks)
    offer.save_button.click()
    assert offer.form.error_text("family").startswith("Error: Find the family first")
    reference = workspace.services.families.summaries([family_id])[0].reference
    offer.form.set_value("family", reference.lower())
    offer.find_button.click()
    settle(qtbot, ctx.tasks)
    offer.form.set_value("person_id", person)
    save_dialog(qtbot, offer, ctx.tasks)
    [link] = workspace.services.links.for_family(family_id)
    assert (link.person_name, link.activity, link.link.status) == (
        "Sana Begum",
        "Café Stay and Play",
        "offered",
    )


def test_links_move_on_a_step_at_a_time(qtbot: QtBot, workspace: Workspace, ctx: UiContext) -> None:
    family_id = add_family(workspace, "Silva")
    person = add_person(workspace, family_id, "João", "Silva", "father")
    asset = workspace.services.directory.add(
        organisation="Food Club", activity="Cook and eat", category_code="food"
    ).id
    workspace.services.links.offer(family_id, person, asset)
    window = host(qtbot)
    screen = LinksScreen(ctx, parent=window)
    window.show()
    settle(qtbot, ctx.tasks)
    assert screen.model.texts()[0][:4] == [
        "João Silva",
        workspace.services.families.summaries([family_id])[0].reference,
        "Cook and eat (Food Club)",
        "Offered",
    ]
    screen.view.selectRow(0)
    screen.next_button.click()
    dialog = open_dialog(qtbot, window, SimpleDialog, ctx.tasks)
    options = [
        dialog.form.fields["status"].input.itemText(i)  # type: ignore[attr-defined]
        for i in range(dialog.form.fields["status"].input.count())
    ]  # type: ignore[attr-defined]
    assert options[1:] == ["Referred", "Accepted", "Declined", "Stopped"]
    dialog.form.set_value("status", "referred")
    save_dialog(qtbot, dialog, ctx.tasks)
    qtbot.waitUntil(lambda: screen.model.texts()[0][3] == "Referred", timeout=5000)
    assert screen.model.texts()[0][5] == "Waiting 0 days"


def test_professionals_and_a_corrected_contact(qtbot: QtBot, workspace: Workspace, ctx: UiContext) -> None:
    family_id = add_family(workspace, "Evans")
    workspace.services.contacts.record(family_id, kind="call", occurred_at="1 3 2026 9:15", note="Rang Mum")
    screen = FamilyScreen(ctx)
    qtbot.addWidget(screen)
    screen.show()
    with qtbot.waitSignal(screen.loaded, timeout=5000):
        screen.load(family_id)
    settle(qtbot, ctx.tasks)
    tab = screen.professionals
    screen.tabs.setCurrentWidget(tab)
    tab.add_button.click()
    dialog = open_dialog(qtbot, screen, SimpleDialog, ctx.tasks)
    dialog.form.set_values({"agency": "gp", "name": "Dr Rhys Owen", "phone": "01803 000000"}, clean=False)
    save_dialog(qtbot, dialog, ctx.tasks)
    qtbot.waitUntil(lambda: tab.model.rowCount() == 1, timeout=5000)
    assert tab.model.texts()[0][:2] == ["GP", "Dr Rhys Owen"]

    contacts = screen.contacts
    screen.tabs.setCurrentWidget(contacts)
    qtbot.waitUntil(lambda: contacts.model.rowCount() == 1, timeout=5000)
    contacts.view.selectRow(0)
    contacts.correct_button.click()
    dialog = open_dialog(qtbot, screen, SimpleDialog, ctx.tasks)
    assert dialog.form.value("time") == "09:15" and dialog.form.value("note") == "Rang Mum"
    dialog.form.set_value("note", "Rang Mum and Dad")
    save_dialog(qtbot, dialog, ctx.tasks)
    qtbot.waitUntil(lambda: contacts.model.rowCount() == 2, timeout=5000)
    notes = sorted(r[5] for r in contacts.model.texts())
    assert notes == ["Corrected: Rang Mum", "Correction: Rang Mum and Dad"]  # the original stays


def test_supervision_shows_each_practitioners_caseload(
    qtbot: QtBot, workspace: Workspace, ctx: UiContext
) -> None:
    from earlyhelp_desktop.ui.screens.supervision import SupervisionScreen

    workspace.services.users.add("j.smith", "Jo Smith", "family_worker", "another password")
    late = with_plan(workspace, "Late", dt.date.today() - dt.timedelta(days=2))
    workspace.services.families.update(late, lead_worker_id=workspace.services.users.list()[0].user_id)
    screen = SupervisionScreen(ctx)
    qtbot.addWidget(screen)
    settle(qtbot, ctx.tasks)
    screen.tabs.setCurrentWidget(screen.caseloads)
    rows = {r[0]: r for r in screen.caseloads.model.texts()}
    assert rows["Jo Smith"][2:5] == ["1", "1", "1"]  # one family, its review due and overdue
    assert rows["Sunita Patel"][2] == "0"
    assert screen.caseloads.status.text() == "1 review overdue across the hub."
