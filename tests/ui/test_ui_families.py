"""The families list: filtering as you type, filters, opening, and creating a family."""

from __future__ import annotations

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from earlyhelp_desktop.core.services.families import FamilyFilter
from earlyhelp_desktop.core.store.store import Workspace
from earlyhelp_desktop.ui.context import UiContext
from earlyhelp_desktop.ui.dialogs.new_family import NewFamilyDialog
from earlyhelp_desktop.ui.screens.families import FamilyListScreen
from tests.ui.uihelp import add_family, add_person, host, settle


def shown_names(screen: FamilyListScreen) -> list[str]:
    model = screen.model
    return [model.index(r, 0).data() for r in range(model.rowCount())]


def test_typing_filters_the_list_and_zoe_finds_zoe_with_diaeresis(
    qtbot: QtBot, workspace: Workspace, ctx: UiContext
) -> None:
    oconnor = add_family(workspace, "O'Connor", "TQ1 4AB")
    add_person(workspace, oconnor, "Zoë", "O'Connor", "daughter", date_of_birth="3 4 2016")
    add_family(workspace, "Smith", "TQ2 5CD")
    add_family(workspace, "Kowalski", "TQ3 6EF")
    screen = FamilyListScreen(ctx)
    qtbot.addWidget(screen)
    settle(qtbot, ctx.tasks)
    assert sorted(shown_names(screen)) == ["Kowalski", "O'Connor", "Smith"]
    assert screen.count.text() == "3 families"

    screen.search.setFocus()
    qtbot.keyClicks(screen.search, "Zoe")
    settle(qtbot, ctx.tasks)
    assert shown_names(screen) == ["O'Connor"]
    assert screen.count.text() == "1 family found"
    assert "Zoë (" in screen.model.index(0, 2).data()  # the people column names the child with her age

    screen.search.clear()
    qtbot.keyClicks(screen.search, "tq2")
    settle(qtbot, ctx.tasks)
    assert shown_names(screen) == ["Smith"]

    screen.search.clear()
    qtbot.keyClicks(screen.search, "Nobody")
    settle(qtbot, ctx.tasks)
    assert shown_names(screen) == []
    assert screen.count.text() == "0 families found"


def test_filters_by_level_status_and_worker(qtbot: QtBot, workspace: Workspace, ctx: UiContext) -> None:
    add_family(workspace, "Ahmed", level_of_need=3)
    closed = add_family(workspace, "Brown", level_of_need=2)
    workspace.services.families.update(closed, status="closed")
    screen = FamilyListScreen(ctx)
    qtbot.addWidget(screen)
    settle(qtbot, ctx.tasks)
    screen.level.setCurrentIndex(screen.level.findData("3"))
    settle(qtbot, ctx.tasks)
    assert shown_names(screen) == ["Ahmed"]
    assert screen.model.index(0, 4).data() == "3 Multiple or complex"
    screen.level.setCurrentIndex(0)
    screen.status.setCurrentIndex(screen.status.findData("closed"))
    settle(qtbot, ctx.tasks)
    assert shown_names(screen) == ["Brown"]
    screen.status.setCurrentIndex(0)
    screen.worker.setCurrentIndex(screen.worker.findData(workspace.user.user_id))
    settle(qtbot, ctx.tasks)
    assert sorted(shown_names(screen)) == ["Ahmed", "Brown"]


def test_caseload_shows_only_my_open_families(qtbot: QtBot, workspace: Workspace, ctx: UiContext) -> None:
    add_family(workspace, "Mine")
    closed = add_family(workspace, "Finished")
    workspace.services.families.update(closed, status="closed")
    screen = FamilyListScreen(ctx, mine=True)
    qtbot.addWidget(screen)
    settle(qtbot, ctx.tasks)
    assert shown_names(screen) == ["Mine"]
    assert not screen.worker.isVisibleTo(screen)


def test_enter_on_a_single_result_opens_the_family(
    qtbot: QtBot, workspace: Workspace, ctx: UiContext
) -> None:
    family_id = add_family(workspace, "Nowak", "TQ4 7GH")
    add_family(workspace, "Jones")
    screen = FamilyListScreen(ctx)
    qtbot.addWidget(screen)
    settle(qtbot, ctx.tasks)
    qtbot.keyClicks(screen.search, "nowak")
    settle(qtbot, ctx.tasks)
    with qtbot.waitSignal(ctx.open_family) as opened:
        qtbot.keyClick(screen.search, Qt.Key.Key_Return)
    assert opened.args == [family_id]


def test_new_family_is_saved_with_ctrl_s_and_opened(
    qtbot: QtBot, workspace: Workspace, ctx: UiContext
) -> None:
    window = host(qtbot)
    dialog = NewFamilyDialog(ctx, parent=window)
    dialog.show()
    settle(qtbot, ctx.tasks)
    qtbot.keyClicks(dialog.form.fields["name"].input, "Ó Briain")
    qtbot.keyClicks(dialog.form.fields["postcode"].input, "tq1 4ab")
    dialog.form.fields["level_of_need"].input.setCurrentIndex(2)  # type: ignore[attr-defined]
    with qtbot.waitSignal(dialog.created, timeout=5000) as created:
        qtbot.keyClick(dialog, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    settle(qtbot, ctx.tasks)
    [summary] = workspace.services.families.summaries([created.args[0]])
    assert (summary.display_name, summary.postcode, summary.level_of_need) == ("Ó Briain", "TQ1 4AB", 2)


def test_new_family_shows_errors_next_to_fields_and_saves_nothing(
    qtbot: QtBot, workspace: Workspace, ctx: UiContext
) -> None:
    window = host(qtbot)
    dialog = NewFamilyDialog(ctx, parent=window)
    dialog.show()
    qtbot.keyClicks(dialog.form.fields["postcode"].input, "not a postcode")
    dialog.save_button.click()
    settle(qtbot, ctx.tasks)
    assert dialog.form.error_text("name") == "Error: Enter the family's name"
    assert dialog.form.error_text("postcode") == "Error: Enter a full UK postcode, for example TQ1 4AB"
    assert dialog.form.summary.isVisible()
    assert list(dialog.form.summary.messages) == ["name", "postcode"]
    assert workspace.services.families.find_ids(FamilyFilter()) == []


def test_new_family_warns_of_a_likely_duplicate_before_saving(
    qtbot: QtBot, workspace: Workspace, ctx: UiContext
) -> None:
    existing = add_family(workspace, "Smith", "TQ2 5CD")
    window = host(qtbot)
    dialog = NewFamilyDialog(ctx, parent=window)
    dialog.show()
    qtbot.keyClicks(dialog.form.fields["name"].input, "smith")
    qtbot.keyClicks(dialog.form.fields["postcode"].input, "TQ2 5CD")
    dialog.save_button.click()
    settle(qtbot, ctx.tasks)
    assert dialog.duplicates.isVisible()
    assert "may already be on this laptop" in dialog.duplicates.text()
    assert workspace.services.families.find_ids(FamilyFilter()) == [existing]  # nothing saved yet
    assert dialog.save_button.text() == "Create a new family anyway"
    with qtbot.waitSignal(dialog.created, timeout=5000):
        dialog.save_button.click()
    assert len(workspace.services.families.find_ids(FamilyFilter())) == 2


def test_cancel_with_changes_asks_before_discarding(
    qtbot: QtBot, workspace: Workspace, ctx: UiContext
) -> None:
    window = host(qtbot)
    dialog = NewFamilyDialog(ctx, parent=window)
    dialog.show()
    qtbot.keyClicks(dialog.form.fields["name"].input, "Patel")
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    assert dialog.isVisible()
    assert "not saved" in dialog.confirm.text()
    dialog.keep_editing.click()
    assert dialog.isVisible() and dialog.form.value("name") == "Patel"
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    dialog.discard_button.click()
    assert not dialog.isVisible()
