"""``earlyhelp-desktop --smoke-test``: proves a build (PyInstaller or not) has what the app needs.

In a temporary folder it creates a store (real key derivation, SQLCipher, migrations), unlocks it
through the real unlock screen, adds a family, opens its record in the main window with the bundled
fonts, then locks. Prints "smoke test passed" and returns 0, or says what failed and returns 1.
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from PySide6.QtCore import QEventLoop, QTimer
from PySide6.QtGui import QFontDatabase


def _wait(condition: Any, seconds: float = 30.0) -> None:
    deadline = time.monotonic() + seconds
    loop = QEventLoop()
    timer = QTimer()
    timer.timeout.connect(lambda: loop.quit() if condition() or time.monotonic() > deadline else None)
    timer.start(10)
    loop.exec()
    timer.stop()
    if not condition():
        raise TimeoutError("the app did not get there in time")


def smoke_test(app: Any) -> int:
    from earlyhelp_desktop.core.store.store import Store
    from earlyhelp_desktop.ui.screens.unlock import UnlockScreen
    from earlyhelp_desktop.ui.shell import Shell

    shell: Shell | None = None
    try:
        with tempfile.TemporaryDirectory(prefix="earlyhelp-smoke-") as folder:
            store_dir = Path(folder) / "store"
            password = "smoke test password"
            ws = Store.create(store_dir, username="smoke", full_name="Smoke Test", password=password)
            ws.lock()
            shell = Shell(store_dir)
            screen = shell.start()

            assert isinstance(screen, UnlockScreen)
            _wait(lambda: screen.name_box.count() == 1)
            screen.password.setText(password)
            screen.unlock_button.click()
            _wait(lambda: shell.main is not None)
            main = shell.main
            assert main is not None
            family_id = shell.tasks.run_now(lambda: main.ctx.ws.services.families.add("Ó Briain").id)
            main.open_family(family_id)
            record: Any = main.screen_for("family")
            _wait(lambda: record.record is not None)
            assert record.name.text() == "Ó Briain family"
            assert "DejaVu Sans" in QFontDatabase.families(), "the bundled fonts are missing"
            shell.lock()
            _wait(lambda: isinstance(shell.window, UnlockScreen) and not shell.tasks.busy)
    except Exception as exc:  # noqa: BLE001 - a build check reports any failure plainly
        print(f"smoke test failed: {type(exc).__name__}: {exc}", file=sys.stderr)
        return 1
    finally:
        if shell is not None:
            shell.shutdown()
    print("smoke test passed")
    return 0
