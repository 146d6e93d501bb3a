"""The Sync screen with the real engine and server: status in plain words, a sync from the screen, and
a supervisor resolving a conflict side by side (skips until the sync engine is part of the build)."""

from __future__ import annotations

from typing import Any

import pytest
from pytestqt.qtbot import QtBot

replication = pytest.importorskip("earlyhelp_desktop.core.replication", reason="the sync engine is not here")

from earlyhelp_desktop.ui.adapters import Drafts, SyncEngine  # noqa: E402
from earlyhelp_desktop.ui.app import create_application  # noqa: E402
from earlyhelp_desktop.ui.context import UiContext  # noqa: E402
from earlyhelp_desktop.ui.screens.sync import SyncScreen  # noqa: E402
from earlyhelp_desktop.ui.syncing import SyncController  # noqa: E402
from earlyhelp_desktop.ui.tasks import Tasks  # noqa: E402
from tests.ui.uihelp import settle  # noqa: E402


def synced(*laptops: Any) -> None:
    for ws in laptops:
        report = replication.Replicator(ws).run()
        assert report.status == "synced", report


def test_a_supervisor_resolves_a_conflict_side_by_side(qtbot: QtBot, qapp: Any, laptop: Any) -> None:
    create_application()
    a = laptop("a")
    b = laptop("b", "j.okafor")
    family_id = a.services.families.add("Kowalski", level_of_need=2).id
    synced(a, b)
    a.services.families.update(family_id, level_of_need=3)
    b.services.families.update(family_id, level_of_need=4)
    synced(a, b)
    tasks = Tasks()
    try:
        ctx = UiContext(a, tasks, Drafts(), SyncEngine())
        controller = SyncController(ctx)
        screen = SyncScreen(ctx, controller)
        qtbot.addWidget(screen)
        screen.show()
        controller.refresh()
        settle(qtbot, tasks)
        assert screen.server.text().startswith("Server: http://127.0.0.1:")
        with qtbot.waitSignal(controller.finished, timeout=60000) as finished:
            screen.sync_button.click()
        assert finished.args[0].outcome.status == "synced"
        settle(qtbot, tasks)
        assert screen.history.texts()[0][1] == "Synced: everything was sent and received"
        qtbot.waitUntil(lambda: screen.conflicts.rowCount() == 1, timeout=5000)
        row = screen.conflicts.texts()[0]
        assert row[0] == "Kowalski"
        assert {row[2].split(",")[0], row[3].split(",")[0]} == {
            "3 Multiple or complex",
            "4 Acute or specialist",
        }
        assert "1 conflict to resolve" in controller.text()
        screen.conflicts_view.selectRow(0)
        keep = 0 if row[2].startswith("4") else 1
        screen.resolve(keep)
        settle(qtbot, tasks)
        assert screen.last.text().startswith("Done: Conflict resolved")
        assert a.services.conflicts.list() == []
        assert a.services.record.open(family_id, audit=False).family.level_of_need == 4
    finally:
        tasks.shutdown()
