"""Screenshots of every screen at 1366x768, the common council laptop, from a synthetic demo hub.

Written to a temporary folder on every run (so the screens are at least built and painted); set
``EARLYHELP_SCREENSHOTS=docs/screenshots`` to refresh the pictures the README shows.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QApplication, QWidget
from pytestqt.qtbot import QtBot

from earlyhelp_desktop.core.demo import build_demo
from earlyhelp_desktop.core.services.families import FamilyFilter
from earlyhelp_desktop.core.store.store import Store, Workspace
from earlyhelp_desktop.ui.adapters import Drafts, SyncEngine
from earlyhelp_desktop.ui.context import UiContext
from earlyhelp_desktop.ui.dialogs.new_family import NewFamilyDialog
from earlyhelp_desktop.ui.dialogs.person import PersonDialog
from earlyhelp_desktop.ui.main_window import MainWindow
from earlyhelp_desktop.ui.screens.families import FamilyListScreen
from earlyhelp_desktop.ui.screens.family.record import FamilyScreen
from earlyhelp_desktop.ui.screens.first_run import FirstRunScreen
from earlyhelp_desktop.ui.screens.unlock import UnlockScreen
from earlyhelp_desktop.ui.syncing import SyncController
from earlyhelp_desktop.ui.tasks import Tasks
from tests.conftest import CHEAP_KDF
from tests.ui.uihelp import settle

SIZE = (1366, 768)
DIALOG_SIZE = (820, 700)


@pytest.fixture
def shots(tmp_path: Path) -> Path:
    target = os.environ.get("EARLYHELP_SCREENSHOTS")
    folder = Path(target) if target else tmp_path / "screenshots"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@pytest.fixture
def demo(tmp_path: Path) -> Iterator[Workspace]:
    ws = Store.create(
        tmp_path / "demo",
        username="demo",
        full_name="Dee Demo",
        password="demo",
        role="supervisor",
        hub_name="Torbay North",
        demo=True,
        fixed_kdf=CHEAP_KDF,
    )
    build_demo(ws, families=120, seed=1, today=dt.date.today(), password="demo")
    yield ws
    if not ws.locked:
        ws.lock()


def save(qtbot: QtBot, widget: QWidget, folder: Path, name: str, size: tuple[int, int] = SIZE) -> Path:
    widget.resize(*size)
    widget.show()
    QApplication.processEvents()
    qtbot.wait(30)
    path = folder / f"{name}.png"
    assert widget.grab().save(str(path)), f"could not write {path}"
    return path


def test_screenshots_of_every_screen(qtbot: QtBot, styled_app: Any, demo: Workspace, shots: Path) -> None:
    tasks = Tasks()
    written: list[Path] = []
    try:
        # Before unlocking: the unlock screen, a wrong password, and first run on a bare laptop.
        unlock = UnlockScreen(demo.store.directory, tasks, SyncEngine(), fixed_kdf=CHEAP_KDF)
        qtbot.addWidget(unlock)
        settle(qtbot, tasks)
        unlock.choose("demo")
        written.append(save(qtbot, unlock, shots, "01-unlock"))
        first_run = FirstRunScreen(shots / "no-store", tasks, SyncEngine(), demo_dir=shots / "no-demo")
        qtbot.addWidget(first_run)
        written.append(save(qtbot, first_run, shots, "02-first-run"))
        first_run.show_create()
        first_run.submit_create()
        written.append(save(qtbot, first_run, shots, "03-first-run-create-errors"))

        ctx = UiContext(demo, tasks, Drafts(), SyncEngine())
        sync = SyncController(ctx)
        main = MainWindow(ctx, sync)
        qtbot.addWidget(main)
        settle(qtbot, tasks)
        written.append(save(qtbot, main, shots, "04-families"))
        families = main.screen_for("families")
        assert isinstance(families, FamilyListScreen)
        families.search.setText("zoe")
        settle(qtbot, tasks)
        written.append(save(qtbot, main, shots, "05-families-search-zoe"))
        main.show_screen("caseload")
        settle(qtbot, tasks)
        written.append(save(qtbot, main, shots, "06-my-caseload"))

        featured = demo.services.families.find_ids(FamilyFilter(text="Ó Briain"))[0]
        main.open_family(featured)
        record = main.screen_for("family")
        assert isinstance(record, FamilyScreen)
        qtbot.waitUntil(lambda: record.record is not None, timeout=5000)
        settle(qtbot, tasks)
        tabs = (
            "overview",
            "people",
            "agreement-sharing",
            "professionals",
            "assessment",
            "plan",
            "reviews",
            "contacts",
            "activities",
            "step-close",
        )
        for index, name in enumerate(tabs):
            record.tabs.setCurrentIndex(index)
            settle(qtbot, tasks)
            written.append(save(qtbot, main, shots, f"{7 + index:02d}-record-{name}"))

        for number, screen in (
            (17, "reviews"),
            (18, "directory"),
            (19, "links"),
            (20, "sync"),
            (21, "supervision"),
        ):
            main.show_screen(screen)
            settle(qtbot, tasks)
            written.append(save(qtbot, main, shots, f"{number}-{screen.replace('reviews', 'reviews-due')}"))

        dialog = NewFamilyDialog(ctx, parent=main)
        settle(qtbot, tasks)
        dialog.form.set_value("postcode", "not a postcode")
        dialog.submit()
        settle(qtbot, tasks)
        written.append(save(qtbot, dialog, shots, "22-new-family-errors", DIALOG_SIZE))
        dialog.form.set_values({"name": "Ó Briain", "postcode": ""}, clean=False)
        dialog.submit()
        settle(qtbot, tasks)
        written.append(save(qtbot, dialog, shots, "23-new-family-duplicate", DIALOG_SIZE))
        dialog.form.mark_clean()
        dialog.reject()

        assert record.record is not None
        member = record.record.members[0]
        person = PersonDialog(ctx, featured, record.record.family.display_name, member, parent=main)
        settle(qtbot, tasks)
        written.append(save(qtbot, person, shots, "24-change-person", DIALOG_SIZE))
        person.form.mark_clean()
        person.reject()
    finally:
        tasks.run_now(lambda: None)
        for widget in QApplication.topLevelWidgets():
            widget.close()
        tasks.shutdown()
    for path in written:
        image = QImage(str(path))
        assert (image.width(), image.height()) in (SIZE, DIALOG_SIZE), path.name
