"""Replication between this laptop's store and its sync server (Qt-free; the UI runs it in a worker).

API for the desktop UI::

    sync_status(ws) -> SyncStatus            # enrolled?, pending, last sync, last report, open conflicts
    Replicator(ws, client=None, password=None).run(progress=None, cancelled=None) -> SyncReport
        # progress(stage, done, total) with stage "push" | "pull" | "verify"; never raises for network
        # trouble: SyncReport.status is "synced" | "partial" | "offline" | "failed", .message in plain words
    enrol(directory, server_url, code, username, password, session=None) -> Workspace
        # creates the store, or binds an existing standalone one (refused for a demo store)
    login_online(directory, server_url, username, password, session=None) -> Workspace
        # a new colleague or a changed password: escrow release, the person's slot created or re-wrapped
    ws.services.conflicts.list() -> list[ConflictView]; .resolve(conflict_id, keep_version) -> Changes

Logging out, switching user or locking never clears the outbox; every op records who made it.
"""

from earlyhelp_desktop.core.replication.engine import Replicator
from earlyhelp_desktop.core.replication.enrol import EnrolError, enrol, login_online
from earlyhelp_desktop.core.replication.status import SyncReport, SyncStatus, sync_status

__all__ = [
    "EnrolError",
    "Replicator",
    "SyncReport",
    "SyncStatus",
    "enrol",
    "login_online",
    "sync_status",
]
