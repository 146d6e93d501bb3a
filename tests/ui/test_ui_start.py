"""The installed entry point starts: the smoke test a build is checked with, and --report-start."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from earlyhelp_desktop.core.store.store import Workspace

ENV = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}


def test_the_smoke_test_makes_unlocks_and_fills_a_store_through_the_real_window() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "earlyhelp_desktop.ui", "--smoke-test"],
        capture_output=True,
        text=True,
        env=ENV,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "smoke test passed"


def test_start_shows_the_unlock_window_with_the_names(workspace: Workspace, store_dir: Path) -> None:
    workspace.lock()
    result = subprocess.run(
        [sys.executable, "-m", "earlyhelp_desktop.ui", "--store", str(store_dir), "--report-start"],
        capture_output=True,
        text=True,
        env=ENV,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("shown ")
