"""The audit trail for supervisors: who viewed, changed, printed, exported or synced what, and when.

Audit events are written by every service in the same transaction as what they record; this service
only reads them, filtered by family, person, action, record type and dates, a page at a time.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, func, select

from earlyhelp_desktop.core.services import validate as v
from earlyhelp_desktop.core.services.base import Service
from earlyhelp_desktop.core.store.models import AuditEvent, Family, Staff

PAGE = 100


@dataclass(frozen=True, slots=True)
class AuditFilter:
    family_id: str | None = None
    user_id: str | None = None
    action: str | None = None  # view, create, update, delete, print, export, sign_off...
    table: str | None = None
    since: str | dt.date | None = None  # a day, inclusive (local time)
    until: str | dt.date | None = None  # a day, inclusive (local time)


@dataclass(frozen=True, slots=True)
class AuditRow:
    at: dt.datetime
    user_id: str
    user_name: str | None
    device_id: str
    action: str
    table: str | None
    row_id: str | None
    family_id: str | None
    family_reference: str | None
    detail: dict[str, Any] | None


@dataclass(frozen=True, slots=True)
class AuditPage:
    rows: list[AuditRow]
    total: int
    offset: int
    limit: int

    @property
    def has_more(self) -> bool:
        return self.offset + len(self.rows) < self.total


def _day_start(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time()).astimezone().astimezone(dt.UTC)


class AuditService(Service):
    def query(self, flt: AuditFilter = AuditFilter(), *, offset: int = 0, limit: int = PAGE) -> AuditPage:
        """Events matching the filter, newest first (supervisors only)."""
        self.require("supervisor")
        errors = v.Errors()
        since = v.date(flt.since, "since", "the first day", errors)
        until = v.date(flt.until, "until", "the last day", errors)
        if since and until and until < since:
            errors.add("until", "The last day must be on or after the first day")
        if offset < 0 or not 1 <= limit <= 1000:
            errors.add("limit", "Ask for 1 to 1000 events at a time")
        errors.raise_if_any()
        conditions: list[ColumnElement[bool]] = []
        if flt.family_id:
            conditions.append(
                AuditEvent.family_id.in_(self.ws.services.families.family_ids_for_merge(flt.family_id))
            )
        if flt.user_id:
            conditions.append(AuditEvent.user_id == flt.user_id)
        if flt.action:
            conditions.append(AuditEvent.action == flt.action)
        if flt.table:
            conditions.append(AuditEvent.table_name == flt.table)
        if since:
            conditions.append(AuditEvent.at >= _day_start(since))
        if until:
            conditions.append(AuditEvent.at < _day_start(until + dt.timedelta(days=1)))
        with self.ws.read() as session:
            total = session.scalar(select(func.count()).select_from(AuditEvent).where(*conditions)) or 0
            rows = session.execute(
                select(AuditEvent, Staff.full_name, Family.reference)
                .outerjoin(Staff, Staff.id == AuditEvent.user_id)
                .outerjoin(Family, Family.id == AuditEvent.family_id)
                .where(*conditions)
                .order_by(AuditEvent.at.desc(), AuditEvent.id)
                .offset(offset)
                .limit(limit)
            ).all()
        return AuditPage(
            [
                AuditRow(
                    e.at,
                    e.user_id,
                    name,
                    e.device_id,
                    e.action,
                    e.table_name,
                    e.row_id,
                    e.family_id,
                    ref,
                    e.detail,
                )
                for e, name, ref in rows
            ],
            total,
            offset,
            limit,
        )

    def actions(self) -> list[str]:
        """The kinds of event recorded so far (for the filter's list)."""
        self.require("supervisor")
        with self.ws.read() as session:
            return list(session.scalars(select(AuditEvent.action).distinct().order_by(AuditEvent.action)))
