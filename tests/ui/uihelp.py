"""Helpers for the UI tests (imported by name: pytest puts this folder on the path)."""

from __future__ import annotations

from typing import Any

from pytestqt.qtbot import QtBot

from earlyhelp_desktop.core.services.people import PersonInput
from earlyhelp_desktop.core.store.store import Workspace
from earlyhelp_desktop.ui.tasks import Tasks


def settle(qtbot: QtBot, tasks: Tasks, timeout: int = 5000) -> None:
    """Waits until every piece of background work has come back to the GUI thread."""
    qtbot.waitUntil(lambda: not tasks.busy, timeout=timeout)
    qtbot.wait(10)
    qtbot.waitUntil(lambda: not tasks.busy, timeout=timeout)


def add_family(ws: Workspace, name: str, postcode: str | None = None, **kwargs: Any) -> str:
    return ws.services.families.add(name, postcode=postcode, **kwargs).id


def add_person(
    ws: Workspace, family_id: str, given: str, family: str, relationship: str = "mother", **kwargs: Any
) -> str:
    is_child = kwargs.pop("is_child", relationship in ("son", "daughter", "child"))
    return ws.services.people.add(
        family_id, PersonInput(given, family, **kwargs), relationship=relationship, is_child=is_child
    ).id


def open_dialog(qtbot: QtBot, window: Any, cls: type, tasks: Tasks) -> Any:
    """The form dialog of that kind that is showing (closed ones are gone)."""
    qtbot.waitUntil(lambda: any(d.isVisible() for d in window.findChildren(cls)), timeout=3000)
    settle(qtbot, tasks)
    return [d for d in window.findChildren(cls) if d.isVisible()][-1]


def save_dialog(qtbot: QtBot, dialog: Any, tasks: Tasks) -> None:
    """Presses Save and waits for the dialog to close, failing with its error messages if it does not."""
    import shiboken6

    def closed() -> bool:
        return not shiboken6.isValid(dialog) or not dialog.isVisible()

    dialog.save_button.click()
    qtbot.waitUntil(lambda: closed() or dialog.form.summary.isVisible(), timeout=5000)
    assert closed(), dialog.form.summary.messages
    settle(qtbot, tasks)


def host(qtbot: QtBot) -> Any:
    """A window for dialogs to belong to (dialogs delete themselves when closed)."""
    from PySide6.QtWidgets import QWidget

    widget = QWidget()
    qtbot.addWidget(widget)
    return widget
