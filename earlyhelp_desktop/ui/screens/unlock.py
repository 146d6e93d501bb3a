"""The unlock screen: choose your name, type your password, unlocked in about a second, offline.

Wrong passwords get a clear message and the back-off wait, counted down; nothing is ever disabled for
good. A forgotten password is handled with a supervisor's reset code (or an online login, once this
laptop is enrolled with a server).
"""

from __future__ import annotations

import math
import time
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QComboBox, QFrame, QLineEdit, QStackedWidget, QWidget

from earlyhelp_desktop.core.crypto.kdf import KdfParams
from earlyhelp_desktop.core.crypto.vault import SlotUser, Vault
from earlyhelp_desktop.core.errors import (
    BackoffActive,
    EarlyHelpError,
    InvalidInput,
    WrongPassword,
    wait_phrase,
)
from earlyhelp_desktop.ui.adapters import SyncEngine
from earlyhelp_desktop.ui.tasks import Tasks, describe
from earlyhelp_desktop.ui.widgets.common import (
    Banner,
    button,
    hbox,
    hint,
    label,
    scaled,
    start_page,
    title,
    vbox,
)
from earlyhelp_desktop.ui.widgets.form import Form

# The same words as core.services.base.ROLE_LABELS (a test checks): importing the services here would
# put the whole database layer between starting the app and seeing this screen.
ROLE_WORDS = {
    "supervisor": "supervisor",
    "family_worker": "family worker",
    "community_connector": "community connector",
}
MIN_PASSWORD = 8


class UnlockScreen(QWidget):
    """Emits ``unlocked(Workspace)``. Every store call runs on the database worker.

    Shown before the database layer is even imported: the names come from the key slots alone, and
    the store is opened (and its modules loaded) on the worker when someone unlocks.
    """

    unlocked = Signal(object)
    ready = Signal()  # the names are listed: someone can unlock now

    def __init__(
        self,
        directory: Path,
        tasks: Tasks,
        sync: SyncEngine,
        *,
        fixed_kdf: KdfParams | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.directory = Path(directory)
        self.fixed_kdf = fixed_kdf
        self.tasks = tasks
        self.sync = sync
        self.users: list[SlotUser] = []
        self._wait_left = 0  # whole seconds still to wait after wrong passwords
        self._deadline = 0.0
        self._busy = False
        self.setWindowTitle("Early Help Desktop: unlock")
        self.setAccessibleName("Unlock Early Help Desktop")

        outer = start_page(self)
        column = QFrame()
        column.setMaximumWidth(scaled(560))
        column.setMinimumWidth(scaled(420))
        layout = vbox(column, spacing=14)
        outer.addWidget(column, 2)
        outer.addStretch(1)

        layout.addStretch(1)
        layout.addWidget(title("Early Help Desktop"))
        self.where = hint("")
        layout.addWidget(self.where)
        self.pages = QStackedWidget()
        layout.addWidget(self.pages)
        layout.addStretch(2)

        self.pages.addWidget(self._unlock_page())
        self.pages.addWidget(self._reset_page())
        self.pages.addWidget(self._online_page())

        self._countdown = QTimer(self)
        self._countdown.setInterval(250)
        self._countdown.setTimerType(Qt.TimerType.PreciseTimer)
        self._countdown.timeout.connect(self._tick)
        self.load_users()

    # -- pages ---------------------------------------------------------------------------------------

    def _unlock_page(self) -> QWidget:
        page = QWidget()
        layout = vbox(page, spacing=12)
        layout.addWidget(
            label("Unlock to see your families. Everything on this laptop is encrypted.", "hint")
        )
        self.message = Banner("warning")
        self.message.setObjectName("unlockMessage")
        layout.addWidget(self.message)
        self.form = Form(page, layout)
        self.name_box: QComboBox = self.form.choice("user", "Your name", [], empty=None)
        self.password: QLineEdit = self.form.text("password", "Password", password=True)
        self.password.returnPressed.connect(self.submit)
        row = hbox(spacing=12)
        self.unlock_button = button("Unlock", name="unlock")
        self.unlock_button.setDefault(True)
        self.unlock_button.clicked.connect(self.submit)
        row.addWidget(self.unlock_button)
        self.status = hint("")
        self.status.setObjectName("unlockStatus")
        row.addWidget(self.status, 1)
        layout.addLayout(row)
        self.forgot = button("I have forgotten my password", "link", name="forgot")
        self.forgot.clicked.connect(self.show_reset)
        layout.addWidget(self.forgot)
        self.online = button("New to this laptop? Log in online", "link", name="online")
        self.online.clicked.connect(self.show_online)
        self.online.hide()  # only on a laptop enrolled with a sync server
        layout.addWidget(self.online)
        return page

    def _reset_page(self) -> QWidget:
        page = QWidget()
        layout = vbox(page, spacing=12)
        layout.addWidget(label("Set a new password", "heading"))
        layout.addWidget(
            hint(
                "Ask a supervisor who uses this laptop for a reset code. They make one in Supervision, "
                "and it works once, for 72 hours."
            )
        )
        self.online_link = button("Log in online instead", "link", name="onlineFromReset")
        self.online_link.clicked.connect(self.show_online)
        self.online_link.hide()
        layout.addWidget(self.online_link)
        self.reset_form = Form(page, layout)
        self.reset_user: QComboBox = self.reset_form.choice("user", "Your name", [], empty=None)
        self.reset_form.text("code", "Reset code", hint="For example, ABCD-EFGH-JKMN", width_chars=16)
        self.reset_form.text("new_password", "New password", hint="At least 8 characters", password=True)
        self.reset_form.text("confirm", "Type the new password again", password=True)
        row = hbox(spacing=12)
        self.reset_button = button("Set new password and unlock", name="resetUnlock")
        self.reset_button.clicked.connect(self.submit_reset)
        back = button("Back", "secondary", name="resetBack")
        back.clicked.connect(self.show_unlock)
        row.addWidget(self.reset_button)
        row.addWidget(back)
        row.addStretch(1)
        layout.addLayout(row)
        return page

    def _online_page(self) -> QWidget:
        page = QWidget()
        layout = vbox(page, spacing=12)
        layout.addWidget(label("Log in online", "heading"))
        layout.addWidget(
            hint(
                "For someone new to this laptop, or whose password changed on the server. This laptop must "
                "be able to reach the sync server. Your own server login opens the store."
            )
        )
        self.online_form = Form(page, layout)
        self.online_form.text("username", "Your user name", width_chars=24)
        self.online_form.text("password", "Your password", password=True)
        row = hbox(spacing=12)
        self.online_button = button("Log in online", name="loginOnline")
        self.online_button.clicked.connect(self.submit_online)
        back = button("Back", "secondary", name="onlineBack")
        back.clicked.connect(self.show_unlock)
        row.addWidget(self.online_button)
        row.addWidget(back)
        row.addStretch(1)
        layout.addLayout(row)
        return page

    def show_online(self) -> None:
        self.message.set_text("")
        self.pages.setCurrentIndex(2)
        self.online_form.focus_field("username")

    def submit_online(self) -> None:
        if self._busy:
            return
        values = self.online_form.values()
        errors = {
            k: m
            for k, m in (("username", "Enter your user name"), ("password", "Enter your password"))
            if not values[k].strip()
        }
        if errors:
            self.online_form.show_errors(errors)
            return
        self.online_form.clear_errors()
        self.online_form.set_value("password", "")
        self._set_busy(True, "")
        directory, kdf = self.directory, self.fixed_kdf

        def run() -> Any:
            return self.sync.login_online(
                directory, values["username"].strip(), values["password"], fixed_kdf=kdf
            )

        def failed(error: BaseException) -> None:
            self._set_busy(False, "")
            self.online_form.show_errors({"": describe(error)})

        self.tasks.sync(run, self._done, failed, owner=self)

    def show_reset(self) -> None:
        self.reset_user.setCurrentIndex(self.name_box.currentIndex())
        self.pages.setCurrentIndex(1)
        self.reset_form.focus_field("code")

    def show_unlock(self) -> None:
        self.reset_form.clear_errors()
        self.pages.setCurrentIndex(0)
        self.password.setFocus()

    # -- people --------------------------------------------------------------------------------------

    def _store(self) -> Any:
        from earlyhelp_desktop.core.store.store import Store  # on the worker: see the class docstring

        return Store(self.directory, fixed_kdf=self.fixed_kdf).require()

    def load_users(self) -> None:
        self.where.setText(f"Store: {self.directory}")
        vault = Vault(self.directory)
        self.tasks.db(vault.users, self._users_loaded, self._users_failed, owner=self)
        directory = self.directory
        self.tasks.sync(
            lambda: self.sync.can_log_in_online(directory), self._online_known, lambda _e: None, owner=self
        )

    def _online_known(self, online: bool) -> None:
        self.online.setVisible(online)
        self.online_link.setVisible(online)

    def _users_loaded(self, users: list[SlotUser]) -> None:
        self.users = users
        options = [(u.username, f"{u.full_name} ({ROLE_WORDS.get(u.role, u.role)})") for u in users]
        for combo in (self.name_box, self.reset_user):
            Form.set_options(combo, options, empty=None)
        self.password.setFocus()
        self.ready.emit()

    def _users_failed(self, error: BaseException) -> None:
        self.message.set_text(describe(error))
        self.unlock_button.setEnabled(False)

    def choose(self, username: str) -> None:
        index = self.name_box.findData(username)
        if index >= 0:
            self.name_box.setCurrentIndex(index)

    # -- unlocking -----------------------------------------------------------------------------------

    def submit(self) -> None:
        if self._busy or self._wait_left:
            return
        username = self.name_box.currentData()
        password = self.password.text()
        self.form.clear_errors()
        self.message.set_text("")
        if not username:
            self.form.show_errors({"user": "Choose your name"})
            return
        if not password:
            self.form.show_errors({"password": "Enter your password"})
            return
        self._set_busy(True, "Unlocking…")
        self.password.clear()
        self.tasks.db(lambda: self._store().unlock(username, password), self._done, self._failed, owner=self)

    def _done(self, ws: Any) -> None:
        self._set_busy(False, "")
        self.unlocked.emit(ws)

    def _failed(self, error: BaseException) -> None:
        self._set_busy(False, "")
        if isinstance(error, (WrongPassword, BackoffActive)):
            self.form.show_errors({"password": str(error).split(" Wait ")[0].split(" Try again")[0]})
            if error.wait_seconds:
                self._start_wait(error.wait_seconds)
        elif isinstance(error, InvalidInput):
            self.form.show_errors(error.errors)
        else:
            self.message.set_text(describe(error))
        self.password.setFocus()

    def _start_wait(self, seconds: int) -> None:
        # A deadline, not a count of ticks: timers may fire early, the store's back-off never does.
        self._deadline = time.monotonic() + seconds + 0.3
        self._wait_left = seconds
        self.unlock_button.setEnabled(False)
        self.reset_button.setEnabled(False)
        self._show_wait()
        self._countdown.start()

    def _show_wait(self) -> None:
        text = f"Too many wrong passwords. You can try again in {wait_phrase(self._wait_left)}."
        self.message.set_text(text)

    def _tick(self) -> None:
        self._wait_left = max(0, math.ceil(self._deadline - time.monotonic() - 0.3))
        if time.monotonic() < self._deadline:
            self._wait_left = max(1, self._wait_left)
            self._show_wait()
            return
        self._countdown.stop()
        self.message.set_text("You can try again now.", "notice")
        self.unlock_button.setEnabled(True)
        self.reset_button.setEnabled(True)

    def _set_busy(self, busy: bool, text: str) -> None:
        self._busy = busy
        self.status.setText(text)
        self.unlock_button.setEnabled(not busy and not self._wait_left)
        self.reset_button.setEnabled(not busy and not self._wait_left)
        self.online_button.setEnabled(not busy)

    # -- reset code ----------------------------------------------------------------------------------

    def submit_reset(self) -> None:
        if self._busy or self._wait_left:
            return
        values = self.reset_form.values()
        errors: dict[str, str] = {}
        if not values["code"].strip():
            errors["code"] = "Enter the reset code your supervisor gave you"
        if len(values["new_password"]) < MIN_PASSWORD:
            errors["new_password"] = f"Choose a password of at least {MIN_PASSWORD} characters"
        if values["new_password"] != values["confirm"]:
            errors["confirm"] = "The two passwords are not the same: type the new password again"
        if errors:
            self.reset_form.show_errors(errors)
            return
        self.reset_form.clear_errors()
        username = values["user"]
        self._set_busy(True, "")
        for name in ("new_password", "confirm"):
            self.reset_form.set_value(name, "")

        def run() -> Any:
            return self._store().unlock_with_reset_code(username, values["code"], values["new_password"])

        self.tasks.db(run, self._done, self._reset_failed, owner=self)

    def _reset_failed(self, error: BaseException) -> None:
        self._set_busy(False, "")
        if isinstance(error, EarlyHelpError) and not isinstance(error, InvalidInput):
            self.reset_form.show_errors({"code": str(error)})
            wait: Any = getattr(error, "wait_seconds", 0)
            if wait:
                self._start_wait(int(wait))
        elif isinstance(error, InvalidInput):
            self.reset_form.show_errors(error.errors)
        else:
            self.reset_form.show_errors({"": describe(error)})

    def keyPressEvent(self, event: Any) -> None:  # noqa: N802 (Qt's name)
        if event.matches(QKeySequence.StandardKey.Cancel) and self.pages.currentIndex() == 1:
            self.show_unlock()
            return
        super().keyPressEvent(event)

    def focus_password(self) -> None:
        self.password.setFocus(Qt.FocusReason.OtherFocusReason)
