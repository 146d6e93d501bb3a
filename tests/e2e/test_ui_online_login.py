"""A colleague new to an enrolled laptop logs in online from the unlock screen (real server, 127.0.0.1)."""

from __future__ import annotations

from typing import Any

import pytest
from pytestqt.qtbot import QtBot

pytest.importorskip("earlyhelp_desktop.core.replication", reason="the sync engine is not part of this build")

from earlyhelp_desktop.core.crypto.vault import Vault  # noqa: E402
from earlyhelp_desktop.ui.adapters import SyncEngine  # noqa: E402
from earlyhelp_desktop.ui.app import create_application  # noqa: E402
from earlyhelp_desktop.ui.screens.unlock import UnlockScreen  # noqa: E402
from earlyhelp_desktop.ui.tasks import Tasks  # noqa: E402
from tests.conftest import CHEAP_KDF, PASSWORD  # noqa: E402
from tests.ui.uihelp import settle  # noqa: E402


def test_a_new_colleague_logs_in_online(qtbot: QtBot, qapp: Any, laptop: Any) -> None:
    create_application()
    ws = laptop("shared")
    directory = ws.store.directory
    ws.lock()
    tasks = Tasks()
    try:
        screen = UnlockScreen(directory, tasks, SyncEngine(), fixed_kdf=CHEAP_KDF)
        qtbot.addWidget(screen)
        screen.show()
        settle(qtbot, tasks)
        assert [screen.name_box.itemText(i) for i in range(screen.name_box.count())] == [
            "Sunita Patel (supervisor)"
        ]
        qtbot.waitUntil(screen.online.isVisible, timeout=5000)  # only on an enrolled laptop
        screen.online.click()
        form = screen.online_form
        form.set_value("username", "j.okafor")
        form.set_value("password", "not the password")
        screen.online_button.click()
        settle(qtbot, tasks, timeout=30000)
        assert form.summary.isVisible()  # a wrong password says so, and changes nothing
        form.set_value("password", PASSWORD)
        with qtbot.waitSignal(screen.unlocked, timeout=30000) as unlocked:
            screen.online_button.click()
        colleague = unlocked.args[0]
        assert colleague.user.username == "j.okafor"
        tasks.run_now(colleague.lock)
        names = [u.username for u in Vault(directory).users()]
        assert sorted(names) == ["j.okafor", "s.patel"]  # next time, offline, with the same password
    finally:
        tasks.shutdown()
