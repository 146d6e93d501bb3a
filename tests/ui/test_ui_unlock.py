"""Unlocking, wrong passwords and their back-off, reset codes, and the first-run choices."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from earlyhelp_desktop.core.store.store import Store, Workspace
from earlyhelp_desktop.ui.adapters import SyncEngine
from earlyhelp_desktop.ui.screens.first_run import FirstRunScreen
from earlyhelp_desktop.ui.screens.unlock import UnlockScreen
from earlyhelp_desktop.ui.tasks import Tasks
from tests.conftest import CHEAP_KDF, PASSWORD
from tests.ui.uihelp import settle


def unlock_screen(qtbot: QtBot, store_dir: Path, tasks: Tasks) -> UnlockScreen:
    screen = UnlockScreen(store_dir, tasks, SyncEngine(), fixed_kdf=CHEAP_KDF)
    qtbot.addWidget(screen)
    screen.show()
    settle(qtbot, tasks)
    return screen


def test_choose_your_name_type_your_password_and_unlock(
    qtbot: QtBot, workspace: Workspace, store_dir: Path, tasks: Tasks
) -> None:
    workspace.services.users.add("j.smith", "Jo Smith", "family_worker", "another password")
    workspace.lock()
    screen = unlock_screen(qtbot, store_dir, tasks)
    names = [screen.name_box.itemText(i) for i in range(screen.name_box.count())]
    assert names == ["Jo Smith (family worker)", "Sunita Patel (supervisor)"]
    screen.choose("j.smith")
    qtbot.keyClicks(screen.password, "another password")
    with qtbot.waitSignal(screen.unlocked, timeout=5000) as unlocked:
        qtbot.keyClick(screen.password, Qt.Key.Key_Return)
    ws: Any = unlocked.args[0]
    assert ws.user.full_name == "Jo Smith"
    assert screen.password.text() == ""  # the password never stays in the field
    tasks.run_now(ws.lock)


def test_wrong_password_says_so_and_the_back_off_is_counted_down(
    qtbot: QtBot, workspace: Workspace, store_dir: Path, tasks: Tasks
) -> None:
    workspace.lock()
    screen = unlock_screen(qtbot, store_dir, tasks)
    screen.choose("s.patel")
    for attempt in range(4):
        qtbot.keyClicks(screen.password, f"wrong {attempt}")
        screen.unlock_button.click()
        settle(qtbot, tasks)
    assert screen.form.error_text("password") == "Error: That password is not right for Sunita Patel."
    assert "Too many wrong passwords. You can try again in 5 seconds." == screen.message.text().removeprefix(
        "Warning: "
    )
    assert not screen.unlock_button.isEnabled()
    qtbot.wait(1100)
    assert "4 seconds" in screen.message.text()
    # Even now, nothing was disabled for good: after the wait the right password works.
    qtbot.waitUntil(lambda: screen.unlock_button.isEnabled(), timeout=7000)
    assert screen.message.text() == "You can try again now."
    qtbot.keyClicks(screen.password, PASSWORD)
    with qtbot.waitSignal(screen.unlocked, timeout=5000) as unlocked:
        screen.unlock_button.click()
    tasks.run_now(unlocked.args[0].lock)


def test_an_empty_password_is_caught_before_trying(
    qtbot: QtBot, workspace: Workspace, store_dir: Path, tasks: Tasks
) -> None:
    workspace.lock()
    screen = unlock_screen(qtbot, store_dir, tasks)
    screen.unlock_button.click()
    assert screen.form.error_text("password") == "Error: Enter your password"
    assert screen.form.summary.isVisible()


def test_forgotten_password_with_a_reset_code_from_a_supervisor(
    qtbot: QtBot, workspace: Workspace, store_dir: Path, tasks: Tasks
) -> None:
    workspace.services.users.add("j.smith", "Jo Smith", "family_worker", "first password")
    code = workspace.services.users.issue_reset_code("j.smith")
    workspace.lock()
    screen = unlock_screen(qtbot, store_dir, tasks)
    screen.choose("j.smith")
    screen.forgot.click()
    assert screen.pages.currentIndex() == 1
    form = screen.reset_form
    qtbot.keyClicks(form.fields["code"].input, "WRONG-CODE-0000")
    qtbot.keyClicks(form.fields["new_password"].input, "brand new password")
    qtbot.keyClicks(form.fields["confirm"].input, "brand new password")
    screen.reset_button.click()
    settle(qtbot, tasks)
    assert "not right or has expired" in form.error_text("code")
    form.set_value("code", code.lower())
    qtbot.keyClicks(form.fields["new_password"].input, "brand new password")
    qtbot.keyClicks(form.fields["confirm"].input, "brand new password typo")
    screen.reset_button.click()
    assert form.error_text("confirm").startswith("Error: The two passwords are not the same")
    form.set_value("confirm", "brand new password")
    with qtbot.waitSignal(screen.unlocked, timeout=5000) as unlocked:
        screen.reset_button.click()
    tasks.run_now(unlocked.args[0].lock)
    # The new password now unlocks; the code is spent.
    tasks.run_now(lambda: Store(store_dir).unlock("j.smith", "brand new password").lock())


def test_first_run_creates_a_store_whose_first_user_is_a_supervisor(
    qtbot: QtBot, tmp_path: Path, tasks: Tasks
) -> None:
    store_dir = tmp_path / "new-store"
    screen = FirstRunScreen(store_dir, tasks, SyncEngine(), demo_dir=tmp_path / "demo", fixed_kdf=CHEAP_KDF)
    qtbot.addWidget(screen)
    screen.show()
    screen.findChild(object, "chooseCreate").click()  # type: ignore[union-attr]
    form = screen.create_form
    form.set_value("full_name", "Rhiannon Ŵyn")  # QTest cannot type letters beyond Latin-1
    qtbot.keyClicks(form.fields["username"].input, "r wyn")
    qtbot.keyClicks(form.fields["hub"].input, "Torbay South")
    qtbot.keyClicks(form.fields["password"].input, "short")
    screen.findChild(object, "createStore").click()  # type: ignore[union-attr]
    assert form.error_text("username").startswith("Error: Enter a user name without spaces")
    assert form.error_text("password") == "Error: Choose a password of at least 8 characters"
    assert not store_dir.exists()
    form.set_value("username", "r.wyn")
    form.set_value("password", "a long password")
    form.set_value("confirm", "a long password")
    with qtbot.waitSignal(screen.unlocked, timeout=10000) as unlocked:
        screen.findChild(object, "createStore").click()  # type: ignore[union-attr]
    ws: Any = unlocked.args[0]
    assert (ws.user.full_name, ws.user.role, ws.demo) == ("Rhiannon Ŵyn", "supervisor", False)
    tasks.run_now(ws.lock)


def test_first_run_opens_a_demo_store_marked_as_demo(qtbot: QtBot, tmp_path: Path, tasks: Tasks) -> None:
    screen = FirstRunScreen(
        tmp_path / "store", tasks, SyncEngine(), demo_dir=tmp_path / "demo", fixed_kdf=CHEAP_KDF
    )
    qtbot.addWidget(screen)
    screen.show()
    with qtbot.waitSignal(screen.unlocked, timeout=60000) as unlocked:
        screen.findChild(object, "chooseDemo").click()  # type: ignore[union-attr]
    ws: Any = unlocked.args[0]
    assert ws.demo and ws.user.username == "demo"
    assert ws.services.families.find_ids()  # synthetic families to practise with
    tasks.run_now(ws.lock)


def test_enrolling_says_plainly_when_this_build_cannot_sync(
    qtbot: QtBot, tmp_path: Path, tasks: Tasks
) -> None:
    engine = SyncEngine()
    screen = FirstRunScreen(
        tmp_path / "store", tasks, engine, demo_dir=tmp_path / "demo", fixed_kdf=CHEAP_KDF
    )
    qtbot.addWidget(screen)
    enrol = screen.findChild(object, "chooseEnrol")
    assert enrol.isEnabled() == engine.available  # type: ignore[union-attr]


def test_words_copied_to_keep_the_start_light_match_the_core() -> None:
    from earlyhelp_desktop.core.services.base import ROLE_LABELS
    from earlyhelp_desktop.core.services.users import MIN_PASSWORD
    from earlyhelp_desktop.core.store.database import DB_FILE
    from earlyhelp_desktop.ui import shell
    from earlyhelp_desktop.ui.screens import unlock

    assert unlock.ROLE_WORDS == ROLE_LABELS
    assert unlock.MIN_PASSWORD == MIN_PASSWORD
    assert shell.DB_FILE == DB_FILE
