"""The main window: a header, navigation, the current screen and the status bar. Layout and routing
only: each screen lives in ``ui/screens`` and is built the first time it is shown."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QCloseEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import QButtonGroup, QFrame, QMainWindow, QPushButton, QStackedWidget, QWidget

from earlyhelp_desktop.core.services.base import ROLE_LABELS
from earlyhelp_desktop.ui.context import UiContext
from earlyhelp_desktop.ui.screens.caseload import CaseloadScreen
from earlyhelp_desktop.ui.screens.directory import DirectoryScreen
from earlyhelp_desktop.ui.screens.families import FamilyListScreen
from earlyhelp_desktop.ui.screens.family.record import FamilyScreen
from earlyhelp_desktop.ui.screens.links import LinksScreen
from earlyhelp_desktop.ui.screens.reviews_due import ReviewsDueScreen
from earlyhelp_desktop.ui.screens.supervision import SupervisionScreen
from earlyhelp_desktop.ui.screens.sync import SyncScreen
from earlyhelp_desktop.ui.syncing import SyncController
from earlyhelp_desktop.ui.widgets.common import Banner, button, hbox, label, scaled, sized, vbox
from earlyhelp_desktop.ui.widgets.sync_status import SyncStatus

APP_NAME = "Early Help Desktop"


class MainWindow(QMainWindow):
    lock_requested = Signal()
    closing = Signal()

    def __init__(self, ctx: UiContext, sync: SyncController, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.sync = sync
        self.screens: dict[str, QWidget] = {}
        self.current = ""
        self._list_screen = "families"  # where "Back to the list" goes
        self._closing_for_lock = False
        demo = " (DEMO)" if ctx.demo else ""
        self.setWindowTitle(f"{APP_NAME}{demo}: {ctx.user.full_name}")
        self.setAccessibleName(APP_NAME)
        self.resize(1366, 768)

        root = QWidget()
        self.setCentralWidget(root)
        layout = vbox(root, spacing=0)
        header = QFrame()
        header.setProperty("role", "header")
        header_row = hbox(header, margins=10, spacing=12)
        app = sized(label(APP_NAME, wrap=False), 1.3)
        header_row.addWidget(app)
        header_row.addStretch(1)
        role = ROLE_LABELS.get(ctx.user.role, ctx.user.role)
        who = label(f"{ctx.user.full_name}, {role}", wrap=False, name="who")
        header_row.addWidget(who)
        self.lock_button = button("Lock", "secondary", name="lock")
        self.lock_button.setToolTip("Lock (Ctrl+L)")
        self.lock_button.clicked.connect(self.lock_requested)  # Ctrl+L anywhere: see ui/idle.py
        header_row.addWidget(self.lock_button)
        layout.addWidget(header)
        if ctx.demo:
            banner = Banner("demo", "DEMO: every family here is made up. Do not enter real people's details.")
            banner.setObjectName("demoBanner")
            layout.addWidget(banner)
        self.message = Banner("warning")
        self.message.setObjectName("windowMessage")
        dismiss = button("Dismiss", "secondary", name="dismissMessage")
        dismiss.clicked.connect(lambda: self.message.set_text(""))
        self.message.buttons.addWidget(dismiss)
        layout.addWidget(self.message)

        body = hbox(spacing=0)
        layout.addLayout(body, 1)
        nav = QFrame()
        nav.setProperty("role", "nav")
        nav.setFixedWidth(scaled(200))
        nav.setAccessibleName("Main navigation")
        self.nav_layout = vbox(nav, margins=8, spacing=4)
        body.addWidget(nav)
        self.stack = QStackedWidget()
        body.addWidget(self.stack, 1)
        self.nav_group = QButtonGroup(self)
        self.nav_group.setExclusive(True)
        self.nav_buttons: dict[str, QPushButton] = {}
        self.factories: dict[str, Callable[[], QWidget]] = {}
        self._routes(ctx)
        self.nav_layout.addStretch(1)

        status = self.statusBar()
        self.sync_status = SyncStatus(sync)
        status.addWidget(self.sync_status, 1)
        if ctx.demo:
            status.addPermanentWidget(label("DEMO", wrap=False, name="demoStatus"))

        ctx.tasks.failed.connect(self.show_message)
        ctx.message.connect(lambda text: self.message.set_text(text, "notice"))
        ctx.open_family.connect(self.open_family)
        QShortcut(QKeySequence.StandardKey.Find, self, self.find_family)
        self._counts_timer = QTimer(self)
        self._counts_timer.setSingleShot(True)
        self._counts_timer.setInterval(300)
        self._counts_timer.timeout.connect(self.refresh_counts)
        ctx.changed.connect(lambda _c: self._counts_timer.start())
        self.refresh_counts()
        self.show_screen("families" if ctx.is_supervisor else "caseload")

    # -- routes --------------------------------------------------------------------------------------

    def _routes(self, ctx: UiContext) -> None:
        routes: list[tuple[str, str, Callable[[], QWidget]]] = [
            ("caseload", "My caseload", lambda: CaseloadScreen(ctx)),
            ("families", "Families", lambda: FamilyListScreen(ctx)),
            ("reviews", "Reviews due", lambda: ReviewsDueScreen(ctx)),
            ("directory", "Directory", lambda: DirectoryScreen(ctx)),
            ("links", "Links", lambda: LinksScreen(ctx)),
            ("sync", "Sync", lambda: SyncScreen(ctx, self.sync)),
        ]
        if ctx.is_supervisor:
            routes.append(("supervision", "Supervision", lambda: SupervisionScreen(ctx)))
        for number, (name, text, factory) in enumerate(routes, start=1):
            nav = button(text, "nav", name=f"nav_{name}")
            nav.setToolTip(f"{text} (Ctrl+{number})")
            nav.setCheckable(True)
            QShortcut(QKeySequence(f"Ctrl+{number}"), self, lambda n=name: self.show_screen(n))
            nav.clicked.connect(lambda _=False, n=name: self.show_screen(n))
            self.nav_group.addButton(nav)
            self.nav_layout.addWidget(nav)
            self.nav_buttons[name] = nav
            self.factories[name] = factory
        self.factories["family"] = self._family_screen

    def _family_screen(self) -> QWidget:
        screen = FamilyScreen(self.ctx)
        screen.back_requested.connect(lambda: self.show_screen(self._list_screen))
        return screen

    def screen_for(self, name: str) -> QWidget:
        if name not in self.screens:
            widget = self.factories[name]()
            widget.setObjectName(f"screen_{name}")
            self.screens[name] = widget
            self.stack.addWidget(widget)
        return self.screens[name]

    def show_screen(self, name: str) -> QWidget:
        widget = self.screen_for(name)
        self.stack.setCurrentWidget(widget)
        if name in ("caseload", "families"):
            self._list_screen = name
        self.current = name
        focus_first = getattr(widget, "focus_first", None)
        if callable(focus_first):
            focus_first()
        nav = self.nav_buttons.get(name if name != "family" else self._list_screen)
        if nav is not None:
            nav.setChecked(True)
        return widget

    def open_family(self, family_id: str) -> None:
        screen = self.show_screen("family")
        assert isinstance(screen, FamilyScreen)
        screen.load(family_id)
        screen.focus_tabs()

    def find_family(self) -> None:
        screen = self.show_screen("families")
        assert isinstance(screen, FamilyListScreen)
        screen.focus_search()

    def refresh_counts(self) -> None:
        """Counts beside the navigation, so what is due is always in sight."""
        self.ctx.call_slow(lambda s: s.caseload.counts(), self._counts, lambda _e: None, owner=self)

    def _counts(self, counts: Any) -> None:
        shown = {
            "caseload": counts.caseload,
            "reviews": counts.reviews_due,
            "links": counts.unanswered_referrals,
            "supervision": counts.sign_off,
        }
        for name, number in shown.items():
            nav = self.nav_buttons.get(name)
            if nav is None:
                continue
            base = nav.property("base") or nav.text()
            nav.setProperty("base", base)
            nav.setText(f"{base} ({number})" if number else base)
            nav.setAccessibleName(f"{base}, {number}" if number else base)

    def show_message(self, text: str) -> None:
        self.message.set_text(text, "warning")

    # -- closing -------------------------------------------------------------------------------------

    def close_for_lock(self) -> None:
        self._closing_for_lock = True
        self.close()

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 (Qt's name)
        if not self._closing_for_lock:
            self.closing.emit()
        super().closeEvent(event)

    def focus_current(self) -> None:
        current = self.stack.currentWidget()
        if current is not None:
            current.setFocus(Qt.FocusReason.OtherFocusReason)
