"""Small adapters between the screens and the core: reference lists, drafts, and the sync engine.

Sync comes from another branch: until ``core.replication`` is part of the app, the adapter says "not
set up for sync" and the app runs without it. Every method here runs on a worker, never the GUI.
"""

from __future__ import annotations

import datetime as dt
import importlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from earlyhelp_desktop.core.store.store import Workspace

# -- reference lists ---------------------------------------------------------------------------------


def reference_list(ws: Workspace, list_name: str) -> list[tuple[str, str]]:
    """(code, label) pairs of a configurable list, in display order (runs on the database worker)."""
    return [(item.code, item.label) for item in ws.services.reference.items(list_name)]


# -- drafts ------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class DraftInfo:
    key: str
    payload: dict[str, Any]
    updated_at: dt.datetime


class Drafts:
    """Unsaved form edits of the person who unlocked, kept in the encrypted store (drafts service).
    Every method runs on the database worker."""

    def save(self, ws: Workspace, key: str, payload: dict[str, Any]) -> None:
        ws.services.drafts.save(key, payload)

    def load(self, ws: Workspace, key: str) -> DraftInfo | None:
        found = ws.services.drafts.load(key)
        return None if found is None else DraftInfo(found.key, dict(found.payload), found.updated_at)

    def discard(self, ws: Workspace, key: str) -> None:
        ws.services.drafts.discard(key)

    def keys(self, ws: Workspace) -> list[str]:
        return [d.key for d in ws.services.drafts.keys()]


# -- sync --------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class SyncView:
    """What the status bar shows. ``available`` is False until the sync engine is part of the app."""

    available: bool
    enrolled: bool
    server_url: str | None = None
    pending: int | None = None
    last_synced_at: dt.datetime | None = None
    last_status: str | None = None  # synced | partial | offline | failed
    last_message: str | None = None
    conflicts_open: int = 0


@dataclass(frozen=True, slots=True)
class SyncOutcome:
    status: str  # synced | partial | offline | failed | cancelled
    pushed: int = 0
    pulled: int = 0
    conflicts: int = 0
    held: int = 0
    message: str = ""
    code: str = ""  # why not synced: "auth" means the online session ended (ask for the password)


Progress = Callable[[str, int, int], None]


def _replication() -> Any:
    try:
        return importlib.import_module("earlyhelp_desktop.core.replication")
    except ImportError:
        return None


class SyncEngine:
    """The sync engine as the UI sees it (``core.replication`` from the sync branch)."""

    def __init__(self) -> None:
        self._loaded = False
        self._replication: Any = None

    @property
    def _module(self) -> Any:
        if not self._loaded:  # on first use, not at start: it pulls in the network stack
            self._replication = _replication()
            self._loaded = True
        return self._replication

    @property
    def available(self) -> bool:
        return self._module is not None

    def status(self, ws: Workspace) -> SyncView:
        if self._module is None:
            return SyncView(available=False, enrolled=False)
        s = self._module.sync_status(ws)
        report = s.last_report
        return SyncView(
            available=True,
            enrolled=bool(s.enrolled),
            server_url=s.server_url,
            pending=s.pending,
            last_synced_at=s.last_synced_at,
            last_status=getattr(report, "status", None),
            last_message=getattr(report, "message", None),
            conflicts_open=int(s.conflicts_open or 0),
        )

    def run(
        self,
        ws: Workspace,
        progress: Progress,
        cancelled: Callable[[], bool],
        password: str | None = None,
    ) -> SyncOutcome:
        """One sync. ``password`` lets the engine log in again when the online session has ended."""
        if self._module is None:
            return SyncOutcome("failed", message="This laptop is not set up for sync.")
        report = self._module.Replicator(ws, password=password).run(progress=progress, cancelled=cancelled)
        return SyncOutcome(
            report.status,
            report.pushed,
            report.pulled,
            report.conflicts,
            report.held,
            report.message or "",
            getattr(report, "code", "") or "",
        )

    def enrol(
        self, directory: Any, server_url: str, code: str, username: str, password: str, **options: Any
    ) -> Workspace:
        """Enrols this laptop with a one-time code and the person's own login (creates the store)."""
        if self._module is None:
            from earlyhelp_desktop.core.errors import EarlyHelpError

            raise EarlyHelpError("This version of the app cannot enrol with a server yet.")
        ws: Workspace = self._module.enrol(directory, server_url, code, username, password, **options)
        return ws

    def can_log_in_online(self, directory: Any) -> bool:
        """An enrolled laptop lets a person log in online (a new colleague, a changed password)."""
        if self._module is None or not hasattr(self._module, "login_online"):
            return False
        device = importlib.import_module("earlyhelp_desktop.core.replication.device")
        return device.DeviceFile.load(directory) is not None

    def login_online(self, directory: Any, username: str, password: str, **options: Any) -> Workspace:
        ws: Workspace = self._module.login_online(directory, None, username, password, **options)
        return ws

    def conflicts(self, ws: Workspace) -> list[Any]:
        service = getattr(ws.services, "conflicts", None)
        return list(service.list()) if service is not None else []

    def resolve(self, ws: Workspace, conflict_id: str, keep_version: str) -> Any:
        return ws.services.conflicts.resolve(conflict_id, keep_version)
