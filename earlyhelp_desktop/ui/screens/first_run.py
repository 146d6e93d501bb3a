"""First run on a laptop with no store: create one, enrol with a server, or open a demo store."""

from __future__ import annotations

import importlib
from pathlib import Path
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QStackedWidget, QWidget

from earlyhelp_desktop.core.crypto.kdf import KdfParams
from earlyhelp_desktop.core.errors import InvalidInput
from earlyhelp_desktop.core.services.users import check_password, check_username
from earlyhelp_desktop.core.store.store import Store, Workspace
from earlyhelp_desktop.ui.adapters import SyncEngine
from earlyhelp_desktop.ui.tasks import Tasks, describe
from earlyhelp_desktop.ui.widgets.common import (
    Banner,
    button,
    hbox,
    heading,
    hint,
    label,
    scaled,
    start_page,
    title,
    vbox,
)
from earlyhelp_desktop.ui.widgets.form import Form

DEMO_FAMILIES = 200
DEMO_PASSWORD = "demo"


def build_demo_store(
    directory: Path, fixed_kdf: KdfParams | None, families: int = DEMO_FAMILIES
) -> Workspace:
    """A store of synthetic families (never real people), user 'demo', password 'demo'."""
    store = Store(directory, fixed_kdf=fixed_kdf)
    if store.exists():
        return store.unlock("demo", DEMO_PASSWORD)
    ws = Store.create(
        directory,
        username="demo",
        full_name="Dee Demo",
        password=DEMO_PASSWORD,
        role="supervisor",
        hub_name="Torbay North",
        demo=True,
        fixed_kdf=fixed_kdf,
    )
    try:
        demo = importlib.import_module("earlyhelp_desktop.core.demo")
    except ImportError:
        return ws  # the demo generator is not part of this build: an empty demo store
    try:
        demo.build_demo(ws, families=families, seed=1, password=DEMO_PASSWORD)
    except TypeError:
        demo.build_demo(ws, families=families, seed=1)
    return ws


class FirstRunScreen(QWidget):
    """Emits ``unlocked(Workspace)`` once a store exists and is open."""

    unlocked = Signal(object)

    def __init__(
        self,
        store_dir: Path,
        tasks: Tasks,
        sync: SyncEngine,
        *,
        demo_dir: Path,
        fixed_kdf: KdfParams | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.store_dir = store_dir
        self.demo_dir = demo_dir
        self.tasks = tasks
        self.sync = sync
        self.fixed_kdf = fixed_kdf
        self._busy = False
        self.setWindowTitle("Early Help Desktop: set up this laptop")
        self.setAccessibleName("Set up this laptop")
        outer = start_page(self)
        column = QWidget()
        column.setMinimumWidth(scaled(520))
        column.setMaximumWidth(scaled(680))
        layout = vbox(column, spacing=14)
        outer.addWidget(column, 3)
        outer.addStretch(1)
        layout.addWidget(title("Set up Early Help Desktop on this laptop"))
        self.message = Banner("warning")
        self.message.setObjectName("firstRunMessage")
        layout.addWidget(self.message)
        self.pages = QStackedWidget()
        layout.addWidget(self.pages, 1)
        self.pages.addWidget(self._choices())
        self.pages.addWidget(self._create_page())
        self.pages.addWidget(self._enrol_page())

    # -- pages ---------------------------------------------------------------------------------------

    def _choices(self) -> QWidget:
        page = QWidget()
        layout = vbox(page, spacing=10)
        layout.addWidget(hint(f"There is no store on this laptop yet ({self.store_dir})."))
        for name, text, detail, action in (
            (
                "chooseEnrol",
                "Enrol this laptop with your organisation's server",
                "You need the server address, a one-time code from your administrator, and your own login.",
                self.show_enrol,
            ),
            (
                "chooseCreate",
                "Create a new store on this laptop",
                "For a team that does not use a server. You become its first supervisor.",
                self.show_create,
            ),
            (
                "chooseDemo",
                "Open a demo store",
                "Made-up families to practise with. Log in as 'demo' with the password 'demo'. "
                "Marked DEMO everywhere.",
                self.open_demo,
            ),
        ):
            choice = button(text, "secondary", name=name)
            choice.clicked.connect(action)
            layout.addWidget(choice)
            layout.addWidget(hint(detail))
            layout.addSpacing(6)
        if not self.sync.available:
            layout.addWidget(hint("This version of the app cannot enrol with a server yet."))
            page.findChild(QWidget, "chooseEnrol").setEnabled(False)  # type: ignore[union-attr]
        self.progress = label("", "hint")
        self.progress.setObjectName("firstRunProgress")
        layout.addWidget(self.progress)
        layout.addStretch(1)
        return page

    def _create_page(self) -> QWidget:
        page = QWidget()
        layout = vbox(page, spacing=12)
        layout.addWidget(heading("Create a new store"))
        layout.addWidget(hint("You will be the store's first supervisor. You can add colleagues later."))
        self.create_form = Form(page, layout)
        self.create_form.text("full_name", "Your full name")
        self.create_form.text(
            "username", "Your user name", hint="Without spaces, for example s.patel", width_chars=24
        )
        self.create_form.text("hub", "Your hub", hint="For example, Torbay North")
        self.create_form.text("password", "Choose a password", hint="At least 8 characters", password=True)
        self.create_form.text("confirm", "Type the password again", password=True)
        layout.addLayout(self._buttons("Create the store", self.submit_create, "createStore"))
        layout.addStretch(1)
        return page

    def _enrol_page(self) -> QWidget:
        page = QWidget()
        layout = vbox(page, spacing=12)
        layout.addWidget(heading("Enrol this laptop"))
        layout.addWidget(hint("Your administrator gives you the server address and a one-time code."))
        self.enrol_form = Form(page, layout)
        self.enrol_form.text(
            "server_url", "Server address", hint="For example, https://earlyhelp.example.gov.uk"
        )
        self.enrol_form.text("code", "One-time code", width_chars=20)
        self.enrol_form.text("username", "Your user name", width_chars=24)
        self.enrol_form.text("password", "Your password", password=True)
        layout.addLayout(self._buttons("Enrol and unlock", self.submit_enrol, "enrol"))
        layout.addStretch(1)
        return page

    def _buttons(self, text: str, action: Any, name: str) -> Any:
        row = hbox(spacing=12)
        go = button(text, name=name)
        go.clicked.connect(action)
        back = button("Back", "secondary", name=f"{name}Back")
        back.clicked.connect(self.show_choices)
        row.addWidget(go)
        row.addWidget(back)
        row.addStretch(1)
        return row

    def show_choices(self) -> None:
        self.message.set_text("")
        self.pages.setCurrentIndex(0)

    def show_create(self) -> None:
        self.message.set_text("")
        self.pages.setCurrentIndex(1)
        self.create_form.focus_field("full_name")

    def show_enrol(self) -> None:
        self.message.set_text("")
        self.pages.setCurrentIndex(2)
        self.enrol_form.focus_field("server_url")

    # -- actions -------------------------------------------------------------------------------------

    def submit_create(self) -> None:
        if self._busy:
            return
        v = self.create_form.values()
        errors: dict[str, str] = {}
        if not v["full_name"].strip():
            errors["full_name"] = "Enter your full name"
        try:
            check_username(v["username"])
        except InvalidInput:
            errors["username"] = "Enter a user name without spaces, for example s.patel"
        if not v["hub"].strip():
            errors["hub"] = "Enter the name of your hub, for example Torbay North"
        try:
            check_password(v["password"])
        except InvalidInput as exc:
            errors["password"] = exc.errors["password"]
        if v["password"] != v["confirm"]:
            errors["confirm"] = "The two passwords are not the same: type the password again"
        if errors:
            self.create_form.show_errors(errors)
            return
        self.create_form.clear_errors()

        def run() -> Workspace:
            return Store.create(
                self.store_dir,
                username=v["username"].strip(),
                full_name=v["full_name"].strip(),
                password=v["password"],
                role="supervisor",
                hub_name=" ".join(v["hub"].split()),
                fixed_kdf=self.fixed_kdf,
            )

        self._run(run, "Creating your store…")

    def submit_enrol(self) -> None:
        if self._busy:
            return
        v = self.enrol_form.values()
        errors = {
            k: m
            for k, m in (
                ("server_url", "Enter the server address your administrator gave you"),
                ("code", "Enter the one-time code"),
                ("username", "Enter your user name"),
                ("password", "Enter your password"),
            )
            if not str(v[k]).strip()
        }
        if errors:
            self.enrol_form.show_errors(errors)
            return
        self.enrol_form.clear_errors()
        kdf = self.fixed_kdf
        self._run(
            lambda: self.sync.enrol(
                self.store_dir,
                v["server_url"].strip(),
                v["code"].strip(),
                v["username"].strip(),
                v["password"],
                fixed_kdf=kdf,
            ),
            "Enrolling this laptop…",
        )

    def open_demo(self) -> None:
        if self._busy:
            return
        self._run(lambda: build_demo_store(self.demo_dir, self.fixed_kdf), "Making the demo families…")

    def _run(self, fn: Any, text: str) -> None:
        self._busy = True
        self.message.set_text("")
        self.progress.setText(text)
        self.message.set_text(text, "notice")
        self.tasks.db(fn, self._done, self._failed, owner=self)

    def _done(self, ws: Workspace) -> None:
        self._busy = False
        self.message.set_text("")
        self.progress.setText("")
        self.unlocked.emit(ws)

    def _failed(self, error: BaseException) -> None:
        self._busy = False
        self.progress.setText("")
        form = {1: self.create_form, 2: self.enrol_form}.get(self.pages.currentIndex())
        if isinstance(error, InvalidInput) and form is not None:
            self.message.set_text("")
            form.show_errors(error.errors)
            return
        self.message.set_text(describe(error), "warning")
