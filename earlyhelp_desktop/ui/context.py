"""What every screen is given: the unlocked workspace (used only on the database worker), the workers,
drafts, the sync engine, and signals that say what changed. Passed into constructors: no globals."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Protocol

import shiboken6
from PySide6.QtCore import QObject, Signal

from earlyhelp_desktop.core.services import Services
from earlyhelp_desktop.core.services.base import Changes
from earlyhelp_desktop.core.store.store import CurrentUser, Workspace
from earlyhelp_desktop.ui.adapters import Drafts, SyncEngine
from earlyhelp_desktop.ui.tasks import Failed, Job, Tasks, describe


class FormHost(Protocol):
    """A form that can hand over its unsaved edits (a dialog, an editor tab)."""

    def draft_key(self) -> str | None: ...

    def draft_payload(self) -> dict[str, Any] | None: ...

    def close_for_lock(self) -> None: ...


class UiContext(QObject):
    """One unlocked session of the app, from unlock to lock."""

    changed = Signal(object)  # Changes: lists and records refresh what it names
    open_family = Signal(str)  # a family id: the main window routes to its record
    message = Signal(str)  # a calm notice for the window's message area
    lock_requested = Signal()

    def __init__(
        self,
        ws: Workspace,
        tasks: Tasks,
        drafts: Drafts,
        sync: SyncEngine,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.ws = ws
        self.tasks = tasks
        self.drafts = drafts
        self.sync = sync
        self.user: CurrentUser = ws.user
        self.demo = ws.demo
        self._forms: list[FormHost] = []

    # -- open forms (their unsaved edits become drafts when the app locks) ----------------------------

    def register_form(self, form: FormHost) -> None:
        self._forms.append(form)

    def unregister_form(self, form: FormHost) -> None:
        if form in self._forms:
            self._forms.remove(form)

    def open_forms(self) -> list[FormHost]:
        return list(self._forms)

    def drafts_to_keep(self) -> dict[str, dict[str, Any]]:
        """The unsaved edits of every open form, by draft key (read on the GUI thread)."""
        kept: dict[str, dict[str, Any]] = {}
        for form in self._forms:
            if not shiboken6.isValid(form):
                continue
            key, payload = form.draft_key(), form.draft_payload()
            if key and payload is not None:
                kept[key] = payload
        return kept

    @property
    def is_supervisor(self) -> bool:
        return self.user.is_supervisor

    def call(
        self,
        fn: Callable[[Services], Any],
        on_done: Callable[[Any], None] | None = None,
        on_error: Failed | None = None,
        *,
        owner: QObject | None = None,
    ) -> Job:
        """Runs ``fn(ws.services)`` on the database worker; the result comes back on the GUI thread."""
        services = self.ws.services
        return self.tasks.db(lambda: fn(services), on_done, on_error, owner=owner)

    def call_slow(
        self,
        fn: Callable[[Services], Any],
        on_done: Callable[[Any], None] | None = None,
        on_error: Failed | None = None,
        *,
        owner: QObject | None = None,
    ) -> Job:
        """A slow read nobody waits on (counts): on the second worker, so typing never waits for it."""
        services = self.ws.services
        return self.tasks.slow(lambda: fn(services), on_done, on_error, owner=owner)

    def with_ws(
        self,
        fn: Callable[[Workspace], Any],
        on_done: Callable[[Any], None] | None = None,
        on_error: Failed | None = None,
        *,
        owner: QObject | None = None,
    ) -> Job:
        ws = self.ws
        return self.tasks.db(lambda: fn(ws), on_done, on_error, owner=owner)

    def mutate(
        self,
        fn: Callable[[Services], Changes],
        on_done: Callable[[Changes], None] | None = None,
        on_error: Failed | None = None,
        *,
        owner: QObject | None = None,
    ) -> Job:
        """A change: on success every screen hears ``changed`` before ``on_done`` runs."""

        def alive() -> bool:
            return owner is None or shiboken6.isValid(owner)

        def done(result: Changes) -> None:
            self.changed.emit(result)  # even if the form that asked has gone
            if on_done is not None and alive():
                on_done(result)

        def failed(error: BaseException) -> None:
            if not alive():
                return
            if on_error is not None:
                on_error(error)
            else:
                self.tasks.failed.emit(describe(error))

        return self.call(fn, done, failed)
