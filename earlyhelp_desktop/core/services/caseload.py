"""My caseload and supervision: who I am working with, what waits for sign-off, what is overdue.

These are the counts the app keeps visible ("3 reviews overdue", "2 to sign off") and the lists behind
them. Each is a few indexed queries, cheap enough to refresh after every change.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Literal

from sqlalchemy import exists, func, select

from earlyhelp_desktop.core.services.base import Service, today
from earlyhelp_desktop.core.services.reviews import next_reviews
from earlyhelp_desktop.core.store.models import (
    Assessment,
    Closure,
    ConflictRecord,
    Episode,
    Family,
    FamilyFlag,
    Plan,
    Staff,
)

DUE_WITHIN_DAYS = 14
QueueKind = Literal["assessment", "closure", "step_up", "step_down"]


@dataclass(frozen=True, slots=True)
class CaseloadRow:
    """One family on a worker's caseload."""

    family_id: str
    reference: str
    display_name: str
    level_of_need: int | None
    episode_id: str | None
    opened_on: dt.date | None
    next_review: dt.date | None
    assessment_status: str | None
    has_plan: bool
    flags: tuple[str, ...] = ()

    @property
    def review_overdue(self) -> bool:
        return self.next_review is not None and self.next_review < today()


@dataclass(frozen=True, slots=True)
class QueueItem:
    """Something waiting for a supervisor's sign-off."""

    kind: QueueKind
    row_id: str
    family_id: str
    reference: str
    display_name: str
    waiting_since: dt.date
    submitted_by: str | None  # a name
    own: bool  # submitted by the person looking: someone else must sign it off

    @property
    def days_waiting(self) -> int:
        return (today() - self.waiting_since).days


@dataclass(frozen=True, slots=True)
class SignOffQueue:
    assessments: list[QueueItem] = field(default_factory=list)
    closures: list[QueueItem] = field(default_factory=list)
    steps: list[QueueItem] = field(default_factory=list)

    @property
    def total(self) -> int:
        return len(self.assessments) + len(self.closures) + len(self.steps)

    def all(self) -> list[QueueItem]:
        """Everything, longest waiting first."""
        return sorted([*self.assessments, *self.closures, *self.steps], key=lambda q: q.waiting_since)


@dataclass(frozen=True, slots=True)
class Counts:
    caseload: int
    reviews_due: int  # within 14 days, overdue included
    reviews_overdue: int
    unanswered_referrals: int
    follow_ups_due: int
    sign_off: int  # supervisors only (0 for others)
    conflicts: int  # unresolved sync conflicts (supervisors only)


class CaseloadService(Service):
    def mine(self, worker_id: str | None = None) -> list[CaseloadRow]:
        """Open families where this worker (by default the person acting) is the lead practitioner."""
        worker = worker_id or self.user_id
        latest_assessment = (
            select(Assessment.status)
            .where(Assessment.episode_id == Episode.id, Assessment.deleted.is_(False))
            .order_by(Assessment.started_on.desc(), Assessment.created_at.desc())
            .limit(1)
            .scalar_subquery()
        )
        has_plan = exists().where(Plan.episode_id == Episode.id, Plan.deleted.is_(False))
        query = (
            select(
                Family.id,
                Family.reference,
                Family.display_name,
                Family.level_of_need,
                Episode.id,
                Episode.opened_on,
                latest_assessment,
                has_plan,
            )
            .outerjoin(
                Episode,
                (Episode.family_id == Family.id) & (Episode.status == "open") & Episode.deleted.is_(False),
            )
            .where(
                Family.lead_worker_id == worker,
                Family.status == "open",
                Family.deleted.is_(False),
                Family.merged_into_id.is_(None),
            )
            .order_by(Family.display_name, Family.reference)
        )
        with self.ws.read() as session:
            rows = session.execute(query).all()
            dates = next_reviews(session, [r[4] for r in rows if r[4] is not None])
            flags: dict[str, list[str]] = {}
            for family_id, label in session.execute(
                select(FamilyFlag.family_id, FamilyFlag.label).where(
                    FamilyFlag.family_id.in_([r[0] for r in rows]), FamilyFlag.deleted.is_(False)
                )
            ).all():
                flags.setdefault(family_id, []).append(label)
        return [
            CaseloadRow(
                r[0],
                r[1],
                r[2],
                r[3],
                r[4],
                r[5],
                dates.get(r[4]) if r[4] is not None else None,
                r[6],
                bool(r[7]) if r[4] is not None else False,
                tuple(sorted(flags.get(r[0], ()))),
            )
            for r in rows
        ]

    def sign_off_queue(self) -> SignOffQueue:
        """Submitted assessments, submitted closures and step changes not yet signed off (supervisors)."""
        self.require("supervisor")
        with self.ws.read() as session:
            names = dict(session.execute(select(Staff.id, Staff.full_name)).all())
            live_family = (Family.deleted.is_(False), Family.merged_into_id.is_(None))
            assessments = [
                QueueItem(
                    "assessment",
                    row_id,
                    family_id,
                    ref,
                    name,
                    (submitted_at or updated_at).date(),
                    names.get(submitted_by or ""),
                    submitted_by == self.user_id,
                )
                for row_id, family_id, submitted_at, updated_at, submitted_by, ref, name in session.execute(
                    select(
                        Assessment.id,
                        Assessment.family_id,
                        Assessment.submitted_at,
                        Assessment.updated_at,
                        Assessment.submitted_by,
                        Family.reference,
                        Family.display_name,
                    )
                    .join(Family, Family.id == Assessment.family_id)
                    .where(Assessment.status == "submitted", Assessment.deleted.is_(False), *live_family)
                    .order_by(Assessment.submitted_at)
                ).all()
            ]
            closures = [
                QueueItem(
                    "closure",
                    row_id,
                    family_id,
                    ref,
                    name,
                    updated_at.date(),
                    names.get(updated_by or ""),
                    updated_by == self.user_id,
                )
                for row_id, family_id, updated_at, updated_by, ref, name in session.execute(
                    select(
                        Closure.id,
                        Closure.family_id,
                        Closure.updated_at,
                        Closure.updated_by,
                        Family.reference,
                        Family.display_name,
                    )
                    .join(Family, Family.id == Closure.family_id)
                    .where(Closure.status == "submitted", Closure.deleted.is_(False), *live_family)
                    .order_by(Closure.updated_at)
                ).all()
            ]
        steps = [
            QueueItem(
                "step_up" if w.step.direction == "up" else "step_down",
                w.step.id,
                w.step.family_id,
                w.family_reference,
                w.family_name,
                w.step.requested_on,
                names.get(w.step.created_by or ""),
                w.step.created_by == self.user_id,
            )
            for w in self.ws.services.steps.waiting_sign_off()
        ]
        return SignOffQueue(assessments, closures, steps)

    def _sign_off_count(self) -> int:
        live_family = (Family.deleted.is_(False), Family.merged_into_id.is_(None))
        with self.ws.read() as session:
            assessments = session.scalar(
                select(func.count())
                .select_from(Assessment)
                .join(Family, Family.id == Assessment.family_id)
                .where(Assessment.status == "submitted", Assessment.deleted.is_(False), *live_family)
            )
            closures = session.scalar(
                select(func.count())
                .select_from(Closure)
                .join(Family, Family.id == Closure.family_id)
                .where(Closure.status == "submitted", Closure.deleted.is_(False), *live_family)
            )
        return (assessments or 0) + (closures or 0) + len(self.ws.services.steps.waiting_sign_off())

    def counts(self, worker_id: str | None = None) -> Counts:
        """The numbers shown beside My caseload, Reviews due, Links and Supervision."""
        worker = worker_id or self.user_id
        services = self.ws.services
        supervisor = self.ws.user.is_supervisor
        with self.ws.read() as session:
            caseload = session.scalar(
                select(func.count())
                .select_from(Family)
                .where(
                    Family.lead_worker_id == worker,
                    Family.status == "open",
                    Family.deleted.is_(False),
                    Family.merged_into_id.is_(None),
                )
            )
            conflicts = (
                session.scalar(
                    select(func.count())
                    .select_from(ConflictRecord)
                    .where(ConflictRecord.resolved_at.is_(None))
                )
                if supervisor
                else 0
            )
        due = services.reviews.due(DUE_WITHIN_DAYS, worker_id=worker)
        return Counts(
            caseload=caseload or 0,
            reviews_due=len(due),
            reviews_overdue=sum(1 for d in due if d.overdue),
            unanswered_referrals=services.links.count_unanswered(connector_id=worker),
            follow_ups_due=services.closures.count_follow_ups(DUE_WITHIN_DAYS, worker_id=worker),
            sign_off=self._sign_off_count() if supervisor else 0,
            conflicts=conflicts or 0,
        )
