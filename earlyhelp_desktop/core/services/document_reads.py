"""What the documents service reads and hands back: lookups, the chosen plan, reviews due, and the
small values a print returns (the document, issued versions, batch progress)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Literal

from sqlalchemy import select

from earlyhelp_desktop.core.documents.context import Lookups, PlanParts, StaffCard
from earlyhelp_desktop.core.documents.policy import INTERNAL
from earlyhelp_desktop.core.documents.words import parse
from earlyhelp_desktop.core.errors import InvalidInput, NotFound
from earlyhelp_desktop.core.services.base import Service
from earlyhelp_desktop.core.services.record import EpisodeRecord, FamilyRecord
from earlyhelp_desktop.core.services.reviews import next_review_expression
from earlyhelp_desktop.core.store.models import (
    CommunityAsset,
    Episode,
    Family,
    Hub,
    OutcomeMeasure,
    Plan,
    PlanAction,
    PlanOutcome,
    RefItem,
    Staff,
    TafMember,
)

Channel = Literal["print", "pdf"]
CHANNELS = ("print", "pdf")
FAMILY_SCALE = "family_scale"


@dataclass(frozen=True)
class PrintedDocument:
    """A document ready for the printer or a file. ``sha256`` is the issued snapshot's hash for a plan,
    the PDF's hash for other documents."""

    kind: str  # plan | assessment | review | closure
    family_id: str
    title: str
    file_stem: str  # a file name without personal details, e.g. "TN-4K7Q-M2XR family plan v3"
    pdf: bytes
    pages: int
    number: int | None = None
    issued_id: str | None = None
    sha256: str | None = None
    prepared_for: str = INTERNAL
    by_override: bool = False  # shared with ``prepared_for`` under a safeguarding override


Deliver = Callable[[PrintedDocument], None]


@dataclass(frozen=True)
class IssuedVersion:
    id: str
    number: int
    issued_at: dt.datetime
    issued_by: str
    channel: str
    large_print: bool
    sha256: str


@dataclass(frozen=True)
class BatchItem:
    """One family's turn in a batch: its document, or the reason it was not printed."""

    family_id: str
    index: int  # 1-based
    total: int
    document: PrintedDocument | None = None
    problem: str | None = None


@dataclass
class BatchResult:
    total: int
    done: list[PrintedDocument] = field(default_factory=list)
    problems: list[tuple[str, str]] = field(default_factory=list)  # (family id, reason)
    cancelled: bool = False

    def summary(self) -> str:
        text = f"Printed {len(self.done)} of {self.total} plans."
        if self.cancelled:
            rest = self.total - len(self.done) - len(self.problems)
            text += f" Stopped when you pressed Cancel: {rest} were not printed or recorded."
        if self.problems:
            text += f" {len(self.problems)} could not be printed."
        return text


class DocumentReads(Service):
    """Reads for printing; the documents service adds the printing itself."""

    def reviews_due(self, start: dt.date, end: dt.date) -> list[str]:
        """Open families whose next review (as the reviews service reckons it) falls from ``start`` to
        ``end`` inclusive, soonest first: e.g. the plans to print for every review this week."""
        if end < start:
            raise InvalidInput({"end": "The end date must be the same as or after the start date"})
        due = next_review_expression().label("due")
        query = (
            select(Episode.family_id, due)
            .join(Family, Family.id == Episode.family_id)
            .where(
                Episode.status == "open",
                Episode.deleted.is_(False),
                Family.status == "open",
                Family.deleted.is_(False),
                Family.merged_into_id.is_(None),
            )
        )
        with self.ws.read() as session:
            rows = session.execute(query).all()
        found = []
        for family_id, when in rows:
            day = parse(when)
            if day is not None and start <= day <= end:
                found.append((day, family_id))
        return [family_id for _, family_id in sorted(found)]

    def lookups(self, record: FamilyRecord | None) -> Lookups:
        """Labels, staff and (for a family) its directory entries and own scores."""
        with self.ws.read() as session:
            labels: dict[str, dict[str, str]] = {}
            groups: dict[str, str] = {}
            for item in session.scalars(
                select(RefItem)
                .where(RefItem.deleted.is_(False))
                .order_by(RefItem.list_name, RefItem.sort_order)
            ):
                labels.setdefault(item.list_name, {})[item.code] = item.label
                if item.list_name == "assessment_domain" and item.extra and item.extra.get("group"):
                    groups[item.code] = str(item.extra["group"])
            hubs = dict(session.execute(select(Hub.id, Hub.name)).all())
            staff = {
                s.id: StaffCard(s.full_name, s.job_title, s.phone, s.email, hubs.get(s.hub_id or ""))
                for s in session.scalars(select(Staff))
            }
        base = Lookups(labels=labels, staff=staff, assets={}, domain_groups=groups)
        return self.family_lookups(record, base) if record is not None else base

    def family_lookups(self, record: FamilyRecord, base: Lookups) -> Lookups:
        asset_ids = {link.asset_id for link in record.links}
        family_ids = sorted({record.family.id, *(e.episode.family_id for e in record.episodes)})
        with self.ws.read() as session:
            assets = (
                {
                    a.id: a
                    for a in session.scalars(select(CommunityAsset).where(CommunityAsset.id.in_(asset_ids)))
                }
                if asset_ids
                else {}
            )
            since = record.current.episode.opened_on if record.current else None
            query = select(OutcomeMeasure).where(
                OutcomeMeasure.family_id.in_(family_ids),
                OutcomeMeasure.instrument_code == FAMILY_SCALE,
                OutcomeMeasure.deleted.is_(False),
            )
            if since is not None:
                query = query.where(OutcomeMeasure.taken_on >= since)
            scores = [
                (m.taken_on, m.scores) for m in session.scalars(query.order_by(OutcomeMeasure.taken_on))
            ]
        return replace(base, assets=assets, family_scores=scores)

    def plan_record(self, family_id: str) -> tuple[FamilyRecord, PlanParts]:
        record = self.ws.services.record.open(family_id, audit=False)
        name = record.family.display_name
        current = record.current
        if current is None:
            raise NotFound(
                f"Early help for the {name} family is closed, so there is no current plan to print. "
                "An issued version can still be printed again."
            )
        if current.plan is None:
            raise NotFound(f"The {name} family has no plan yet. Write the plan with the family first.")
        parts = PlanParts(
            current.plan, record.outcomes, record.actions, record.taf, current.reviews, record.progress
        )
        return record, parts

    def plan_parts(
        self, record: FamilyRecord, episode: EpisodeRecord, plan_id: str | None
    ) -> PlanParts | None:
        plan = episode.plan if plan_id is None or (episode.plan and episode.plan.id == plan_id) else None
        current = record.current
        if plan is None and plan_id is not None:
            with self.ws.read() as session:
                plan = session.get(Plan, plan_id)
        if plan is None or plan.deleted:
            return None
        if current is not None and current.plan is not None and current.plan.id == plan.id:
            return PlanParts(
                plan, record.outcomes, record.actions, record.taf, episode.reviews, record.progress
            )
        with self.ws.read() as session:
            outcomes = session.scalars(
                select(PlanOutcome)
                .where(PlanOutcome.plan_id == plan.id, PlanOutcome.deleted.is_(False))
                .order_by(PlanOutcome.sort_order)
            ).all()
            actions = session.scalars(
                select(PlanAction)
                .where(PlanAction.plan_id == plan.id, PlanAction.deleted.is_(False))
                .order_by(PlanAction.sort_order)
            ).all()
            taf = session.scalars(
                select(TafMember).where(TafMember.plan_id == plan.id, TafMember.deleted.is_(False))
            ).all()
        return PlanParts(plan, outcomes, actions, taf, episode.reviews, record.progress)
