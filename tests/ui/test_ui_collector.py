"""Garbage made on a worker thread is collected on the GUI thread, where Qt objects may die."""

from __future__ import annotations

import threading
from typing import Any

from pytestqt.qtbot import QtBot

from earlyhelp_desktop.ui.tasks import Tasks


class Cycle:
    died_on: list[int] = []

    def __init__(self) -> None:
        self.me = self  # only the cyclic collector can free it

    def __del__(self) -> None:
        Cycle.died_on.append(threading.get_ident())


def test_cycles_made_by_a_worker_are_freed_on_the_gui_thread(
    qtbot: QtBot, tasks: Tasks, styled_app: Any
) -> None:
    gui = threading.get_ident()
    Cycle.died_on.clear()

    def work() -> None:
        for _ in range(1000):  # enough garbage to cross the first threshold here, on the worker
            Cycle()

    done: list[object] = []
    tasks.db(work, done.append)
    qtbot.waitUntil(lambda: bool(done), timeout=10_000)
    qtbot.waitUntil(lambda: bool(Cycle.died_on), timeout=10_000)
    assert set(Cycle.died_on) == {gui}  # not on the worker that made them
    qtbot.waitUntil(lambda: len(Cycle.died_on) == 1000, timeout=10_000)
    assert set(Cycle.died_on) == {gui}
