"""What a sync reports, and the truth for the status bar (what waits, what was last said)."""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass
from typing import Any, Literal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from earlyhelp_desktop.core.replication.device import DeviceFile
from earlyhelp_desktop.core.replication.local import LAST_REPORT, LAST_SYNCED, get_json, get_meta
from earlyhelp_desktop.core.store.models import ConflictRecord, OutboxOp
from earlyhelp_desktop.core.store.store import Workspace

Status = Literal["synced", "partial", "offline", "failed"]


@dataclass(frozen=True)
class SyncReport:
    """What one sync did, in numbers and in plain words (``message``).

    ``code`` says why a sync was not "synced" (for exit codes): "" | "held" | "kept_aside" | "refused" |
    "unverified" | "cancelled" | "unreachable" | "auth" | "protocol" | "not_permitted" | "ended" |
    "not_enrolled" | "error". ``problems`` lists ops held or kept aside and why.
    """

    status: Status
    pushed: int = 0
    pulled: int = 0
    conflicts: int = 0
    held: int = 0
    requests: int = 0
    bytes_sent: int = 0
    bytes_received: int = 0
    message: str = ""
    code: str = ""
    pending: int = 0
    problems: tuple[dict[str, str], ...] = ()

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["problems"] = list(self.problems)
        return data


@dataclass(frozen=True)
class SyncStatus:
    enrolled: bool
    server_url: str | None
    pending: int
    last_synced_at: dt.datetime | None
    last_report: SyncReport | None
    conflicts_open: int
    held: int = 0
    rejected: int = 0


def sync_status(ws: Workspace) -> SyncStatus:
    """Truth for the status bar: what waits, what was last said, what needs a supervisor."""
    device = DeviceFile.load(ws.store.directory)
    with ws.read() as session:
        waiting = counts(session)
        conflicts = session.scalar(select(func.count()).where(ConflictRecord.resolved_at.is_(None))) or 0
        last = get_json(session, LAST_REPORT, None)
        synced = get_meta(session, LAST_SYNCED)
    report = None
    if isinstance(last, dict):
        try:
            last["problems"] = tuple(last.get("problems") or ())
            report = SyncReport(**last)
        except TypeError:
            report = None
    return SyncStatus(
        enrolled=device is not None,
        server_url=device.server_url if device else None,
        pending=int(waiting.get("pending", 0)),
        last_synced_at=dt.datetime.fromisoformat(synced) if synced else None,
        last_report=report,
        conflicts_open=int(conflicts),
        held=int(waiting.get("held", 0)),
        rejected=int(waiting.get("rejected", 0)),
    )


def counts(session: Session) -> dict[str, int]:
    query = select(OutboxOp.state, func.count()).where(OutboxOp.state != "acked").group_by(OutboxOp.state)
    return {str(state): int(count) for state, count in session.execute(query).all()}
