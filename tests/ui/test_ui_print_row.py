"""Printing from a family's record: the plan first, other documents, and copies only as the family agreed."""

from __future__ import annotations

import datetime as dt

from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from earlyhelp_desktop.core.store.models import IssuedPlan
from earlyhelp_desktop.core.store.store import Workspace
from earlyhelp_desktop.ui.context import UiContext
from earlyhelp_desktop.ui.printing.preview import PdfPreviewDialog
from earlyhelp_desktop.ui.screens.family.record import FamilyScreen, review_date
from tests.family_builder import HIDDEN_AGENCY, add_family
from tests.ui.test_ui_family_record import open_record
from tests.ui.uihelp import settle


def menu_texts(screen: FamilyScreen) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for action in screen.printing.menu.actions():
        if action.menu() is not None:
            found[action.text()] = [a.text() for a in action.menu().actions() if a.isEnabled()]
        elif action.text():
            found.setdefault("", []).append(action.text())
    return found


def preview(qtbot: QtBot) -> PdfPreviewDialog:
    def visible() -> list[PdfPreviewDialog]:
        return [
            w for w in QApplication.topLevelWidgets() if isinstance(w, PdfPreviewDialog) and w.isVisible()
        ]

    qtbot.waitUntil(lambda: bool(visible()), timeout=20_000)
    dialog = visible()[-1]
    qtbot.addWidget(dialog)
    return dialog


def test_print_our_family_plan_from_the_record(qtbot: QtBot, workspace: Workspace, ctx: UiContext) -> None:
    ids = add_family(workspace)
    screen = open_record(qtbot, ctx, ids.family_id)
    assert screen.printing.plan_button.isEnabled()
    assert "Ctrl+P" in screen.printing.plan_button.toolTip()
    screen.printing.plan_button.click()
    dialog = preview(qtbot)
    assert "Our family plan" in dialog.windowTitle()
    with workspace.read() as session:
        assert session.scalars(select(IssuedPlan)).all() == []  # a preview issues nothing
    dialog.close()
    settle(qtbot, ctx.tasks)


def test_agency_copies_follow_the_sharing_permission(
    qtbot: QtBot, workspace: Workspace, ctx: UiContext
) -> None:
    ids = add_family(workspace)
    screen = open_record(qtbot, ctx, ids.family_id)
    menus = menu_texts(screen)
    assert "Our family plan in large print" in menus[""]
    assert menus["For School"] == ["Our family plan", "Assessment summary", "Review record"]  # everything
    assert menus["For GP"] == ["Our family plan"]  # the plan only
    assert not any(HIDDEN_AGENCY in name or "Housing" in name for name in menus)  # must not see / nothing
    school = next(a for a in screen.printing.menu.actions() if a.text() == "For School").menu()
    next(a for a in school.actions() if a.text() == "Assessment summary").trigger()
    dialog = preview(qtbot)
    assert dialog.note.text().startswith("Prepared for School")
    dialog.close()
    settle(qtbot, ctx.tasks)


def test_without_a_plan_the_button_says_why(qtbot: QtBot, workspace: Workspace, ctx: UiContext) -> None:
    family_id = workspace.services.families.add("Llŷr").id
    screen = open_record(qtbot, ctx, family_id)
    assert not screen.printing.plan_button.isEnabled()
    assert "no plan yet" in screen.printing.plan_button.toolTip()


def test_an_overdue_review_says_so_in_words() -> None:
    assert review_date(dt.date.today() - dt.timedelta(days=3)).endswith("(overdue)")
    assert "overdue" not in review_date(dt.date.today() + dt.timedelta(days=3))
    assert review_date(None) == "Not set"
