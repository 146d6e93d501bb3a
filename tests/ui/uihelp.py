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
