"""Small adapters over services that other branches are still writing.

The app must run before they land: reference lists fall back to the lists shipped with the first
migration, drafts to memory (for this run only), and sync says "not set up for sync". Each adapter is
the one place to change when the real service arrives. Every method here runs on the database worker.
"""

from __future__ import annotations

import datetime as dt
import importlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from earlyhelp_desktop.core.store.store import Store, Workspace

# -- reference lists ---------------------------------------------------------------------------------


def reference_list(ws: Workspace, list_name: str) -> list[tuple[str, str]]:
    """(code, label) pairs of a configurable list, in display order."""
    service = getattr(ws.services, "reference", None)
    if service is not None and hasattr(service, "items"):
        return [(item.code, item.label) for item in service.items(list_name)]
    from earlyhelp_desktop.core.store.migrations.seed_0001 import LISTS

    return [(code, label) for code, label, _extra in LISTS.get(list_name, [])]


def reference_extra(ws: Workspace, list_name: str, code: str) -> dict[str, Any]:
    service = getattr(ws.services, "reference", None)
    if service is not None and hasattr(service, "items"):
        for item in service.items(list_name):
            if item.code == code:
                return dict(getattr(item, "extra", None) or {})
        return {}
    from earlyhelp_desktop.core.store.migrations.seed_0001 import LISTS

    for c, _label, extra in LISTS.get(list_name, []):
        if c == code:
            return dict(extra or {})
    return {}


# -- drafts ------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class DraftInfo:
    key: str
    payload: dict[str, Any]
    updated_at: dt.datetime


class Drafts:
    """Unsaved form edits of the person who unlocked. Kept in the encrypted store by the drafts
    service; until that service exists, kept in memory for this run of the app only."""

    def __init__(self, memory: dict[tuple[str, str], DraftInfo]) -> None:
        self._memory = memory

    @staticmethod
    def _service(ws: Workspace) -> Any:
        return getattr(ws.services, "drafts", None)

    def save(self, ws: Workspace, key: str, payload: dict[str, Any]) -> None:
        service = self._service(ws)
        if service is not None:
            service.save(key, payload)
            return
        self._memory[(ws.user.user_id, key)] = DraftInfo(key, dict(payload), dt.datetime.now(dt.UTC))

    def load(self, ws: Workspace, key: str) -> DraftInfo | None:
        service = self._service(ws)
        if service is not None:
            found = service.load(key)
            if found is None:
                return None
            if isinstance(found, dict):
                return DraftInfo(key, found, dt.datetime.now(dt.UTC))
            return DraftInfo(key, dict(found.payload), found.updated_at)
        return self._memory.get((ws.user.user_id, key))

    def discard(self, ws: Workspace, key: str) -> None:
        service = self._service(ws)
        if service is not None:
            service.discard(key)
            return
        self._memory.pop((ws.user.user_id, key), None)

    def keys(self, ws: Workspace) -> list[str]:
        service = self._service(ws)
        if service is not None:
            return [d if isinstance(d, str) else d.key for d in service.list()]
        return sorted(k for (user, k) in self._memory if user == ws.user.user_id)


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

    def run(self, ws: Workspace, progress: Progress, cancelled: Callable[[], bool]) -> SyncOutcome:
        if self._module is None:
            return SyncOutcome("failed", message="This laptop is not set up for sync.")
        report = self._module.Replicator(ws).run(progress=progress, cancelled=cancelled)
        return SyncOutcome(
            report.status,
            report.pushed,
            report.pulled,
            report.conflicts,
            report.held,
            report.message or "",
        )

    def enrol(self, directory: Any, server_url: str, code: str, username: str, password: str) -> Workspace:
        if self._module is None:
            from earlyhelp_desktop.core.errors import EarlyHelpError

            raise EarlyHelpError("This version of the app cannot enrol with a server yet.")
        ws: Workspace = self._module.enrol(directory, server_url, code, username, password)
        return ws

    def can_log_in_online(self) -> bool:
        return self._module is not None and hasattr(self._module, "online_login")

    def online_login(self, store: Store, username: str, password: str) -> Workspace:
        ws: Workspace = self._module.online_login(store, username, password)
        return ws

    def conflicts(self, ws: Workspace) -> list[Any]:
        service = getattr(ws.services, "conflicts", None)
        return list(service.list()) if service is not None else []

    def resolve(self, ws: Workspace, conflict_id: str, keep_version: str) -> Any:
        return ws.services.conflicts.resolve(conflict_id, keep_version)  # type: ignore[attr-defined]
