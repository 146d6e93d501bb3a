"""The app from start to lock: first run or unlock, then the main window, then the privacy lock.

Locking keeps every open form's unsaved edits as drafts (inside the encrypted store), closes the
windows, disposes the engine and forgets the key on the database worker, and shows the unlock screen,
where the next person can unlock as themselves.
"""

from __future__ import annotations

import importlib
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QWidget

from earlyhelp_desktop.core.crypto.kdf import KdfParams
from earlyhelp_desktop.core.crypto.vault import Vault
from earlyhelp_desktop.ui.adapters import Drafts, SyncEngine
from earlyhelp_desktop.ui.idle import DEFAULT_MINUTES, IdleWatcher
from earlyhelp_desktop.ui.screens.unlock import UnlockScreen
from earlyhelp_desktop.ui.tasks import Tasks

if TYPE_CHECKING:
    from earlyhelp_desktop.core.store.store import Workspace
    from earlyhelp_desktop.ui.context import UiContext
    from earlyhelp_desktop.ui.main_window import MainWindow
    from earlyhelp_desktop.ui.screens.first_run import FirstRunScreen

START_SIZE = (1366, 768)
DB_FILE = "store.db"  # core.store.database.DB_FILE (a test checks), without importing the database layer
# Loaded on the database worker while the unlock screen waits for a password, so the window appears
# before the database layer, the services and the main window's screens are imported.
WARM_UP = (
    "earlyhelp_desktop.core.store.store",
    "earlyhelp_desktop.core.services.families",
    "earlyhelp_desktop.core.services.people",
    "earlyhelp_desktop.core.services.record",
    "earlyhelp_desktop.core.services.users",
    "earlyhelp_desktop.ui.main_window",
)


def warm_up() -> None:
    for name in WARM_UP:
        importlib.import_module(name)


class Shell(QObject):
    """Owns the store folder, the workers and whichever window is showing."""

    unlocked = Signal(object)  # MainWindow
    locked = Signal()

    def __init__(
        self,
        store_dir: Path,
        *,
        tasks: Tasks | None = None,
        sync: SyncEngine | None = None,
        fixed_kdf: KdfParams | None = None,
        lock_after_ms: int = DEFAULT_MINUTES * 60_000,
        demo_dir: Path | None = None,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.store_dir = Path(store_dir)
        self.demo_dir = demo_dir or self.store_dir.parent / "demo-store"
        self.fixed_kdf = fixed_kdf
        self.tasks = tasks or Tasks(self)
        self.sync_engine = sync or SyncEngine()
        self.drafts = Drafts()
        self.idle = IdleWatcher(lock_after_ms, self)
        self.idle.idle.connect(self.lock)
        self.idle.lock_key.connect(self.lock)
        self.window: QWidget | None = None
        self.main: MainWindow | None = None
        self.ctx: UiContext | None = None
        self._locking = False
        self._last_user: str | None = None

    # -- start ---------------------------------------------------------------------------------------

    def start(self) -> QWidget:
        if Vault(self.store_dir).exists() and (self.store_dir / DB_FILE).exists():
            window: QWidget = self.show_unlock()
        else:
            window = self.show_first_run()
        self.tasks.db(warm_up, None, lambda _e: None)
        return window

    def _show(self, widget: QWidget) -> QWidget:
        old = self.window
        widget.resize(*START_SIZE)
        widget.show()
        widget.raise_()
        widget.activateWindow()
        self.window = widget
        if old is not None and old is not widget:
            old.close()
            old.deleteLater()
        return widget

    def show_unlock(self) -> UnlockScreen:
        screen = UnlockScreen(self.store_dir, self.tasks, self.sync_engine, fixed_kdf=self.fixed_kdf)
        screen.unlocked.connect(self._unlocked)
        if self._last_user:
            screen.tasks.db(lambda: None, lambda _r: screen.choose(self._last_user or ""), owner=screen)
        self._show(screen)
        return screen

    def show_first_run(self) -> FirstRunScreen:
        from earlyhelp_desktop.ui.screens.first_run import FirstRunScreen

        screen = FirstRunScreen(
            self.store_dir, self.tasks, self.sync_engine, demo_dir=self.demo_dir, fixed_kdf=self.fixed_kdf
        )
        screen.unlocked.connect(self._unlocked)
        self._show(screen)
        return screen

    # -- unlocked ------------------------------------------------------------------------------------

    def _unlocked(self, ws: Workspace) -> None:
        from earlyhelp_desktop.ui.context import UiContext
        from earlyhelp_desktop.ui.main_window import MainWindow
        from earlyhelp_desktop.ui.syncing import SyncController

        self.store_dir = ws.store.directory  # enrolling or a demo store may have opened another folder
        self._last_user = ws.user.username
        ctx = UiContext(ws, self.tasks, self.drafts, self.sync_engine, self)
        ctx.lock_requested.connect(self.lock)
        sync = SyncController(ctx, ctx)
        main = MainWindow(ctx, sync)
        main.lock_requested.connect(self.lock)
        main.closing.connect(self.close_for_good)
        self.ctx, self.main = ctx, main
        self._show(main)
        sync.refresh()
        self.idle.start()
        ctx.with_ws(lambda w: self.drafts.keys(w), self._drafts_waiting, lambda _e: None, owner=main)
        self.unlocked.emit(main)

    def _drafts_waiting(self, keys: list[str]) -> None:
        if keys and self.ctx is not None:
            n = len(keys)
            self.ctx.message.emit(
                f"You have {n} form{'s' if n != 1 else ''} with changes you had not saved. "
                "They come back when you open the same form again."
            )

    # -- lock ----------------------------------------------------------------------------------------

    def _keep_drafts_and_lock(self) -> Any:
        ctx = self.ctx
        assert ctx is not None
        kept = ctx.drafts_to_keep()
        for form in ctx.open_forms():
            form.close_for_lock()
        ws, drafts, tasks = ctx.ws, self.drafts, self.tasks
        if self.main is not None:
            self.main.sync.cancel()  # a sync in flight stops at its next safe point, before the lock
        ctx.blockSignals(True)  # nothing may reach screens that are closing

        def run() -> None:
            try:
                for key, payload in kept.items():
                    drafts.save(ws, key, payload)
            finally:
                tasks.wait_for_sync()
                ws.lock()

        return run

    def lock(self) -> None:
        """Ctrl+L, the Lock button or the idle timer. Safe to call twice."""
        if self.main is None or self.ctx is None or self._locking:
            return
        self._locking = True
        self.idle.stop()
        run = self._keep_drafts_and_lock()
        main, ctx = self.main, self.ctx
        self.main, self.ctx = None, None

        def finished(_result: object = None) -> None:
            self._locking = False
            self.window = None
            self.show_unlock()
            main.close_for_lock()
            main.deleteLater()
            ctx.deleteLater()
            self.locked.emit()

        self.tasks.db(run, finished, lambda _e: finished())

    def close_for_good(self) -> None:
        """The main window was closed: keep drafts, lock, and let the app end."""
        if self.main is None or self.ctx is None:
            return
        self.idle.stop()
        run = self._keep_drafts_and_lock()
        self.main, self.ctx = None, None
        self.tasks.run_now(run)

    def shutdown(self) -> None:
        if self.main is not None:
            self.close_for_good()
        self.tasks.shutdown()
