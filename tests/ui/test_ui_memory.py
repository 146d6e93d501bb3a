"""Memory freed by background work goes back to the operating system once the app is idle."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from earlyhelp_desktop.ui.tasks import Tasks


def resident_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise AssertionError("no VmRSS")


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="glibc's malloc_trim: Linux only")
def test_memory_freed_by_a_job_is_given_back_when_the_app_goes_idle(qtbot: QtBot, tasks: Tasks) -> None:
    kept: list[bytearray] = []

    def churn() -> float:
        # what opening many families does: lots of blocks, most dropped, a few kept, holes in the heap
        blocks = [bytearray(3000) for _ in range(60_000)]
        kept.extend(blocks[::60])
        del blocks
        return resident_mb()

    results: list[float] = []
    tasks.db(churn, results.append)
    qtbot.waitUntil(lambda: bool(results) and not tasks.busy, timeout=10_000)
    high = results[0]
    qtbot.waitUntil(lambda: resident_mb() < high - 100, timeout=5_000)  # ~180 MB were freed by the job
    assert len(kept) == 1000
