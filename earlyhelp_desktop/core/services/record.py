"""Opening a family: everything its record shows, read in one go (target: 100 ms on a full hub).

The rows in a ``FamilyRecord`` are detached snapshots of the models: read them, never change them;
changes go through the services. Opening a family writes a *view* audit event.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any, TypeVar

from sqlalchemy import select
from sqlalchemy.orm import Session

from earlyhelp_desktop.core.services.base import Service
from earlyhelp_desktop.core.store.models import (
    Agreement,
    Assessment,
    ChildVoice,
    Closure,
    Contact,
    DomainEntry,
    Episode,
    Family,
    FamilyFlag,
    FamilyScoped,
    FamilyTag,
    IssuedPlan,
    Membership,
    Person,
    Plan,
    PlanAction,
    PlanOutcome,
    Professional,
    Review,
    ReviewProgress,
    SharingPermission,
    SocialLink,
    Staff,
    StepChange,
    TafMember,
)

M = TypeVar("M", bound=FamilyScoped)
RECENT_CONTACTS = 200


@dataclass(frozen=True, slots=True)
class Member:
    person: Person
    membership: Membership


@dataclass
class EpisodeRecord:
    episode: Episode
    assessments: list[Assessment] = field(default_factory=list)
    plan: Plan | None = None
    reviews: list[Review] = field(default_factory=list)
    steps: list[StepChange] = field(default_factory=list)
    closure: Closure | None = None

    @property
    def assessment(self) -> Assessment | None:
        """The latest assessment of the episode."""
        return self.assessments[-1] if self.assessments else None


@dataclass
class FamilyRecord:
    family: Family
    lead_worker: Staff | None
    members: list[Member]
    flags: list[FamilyFlag]
    tags: list[FamilyTag]
    episodes: list[EpisodeRecord]  # newest first
    professionals: list[Professional]
    agreements: list[Agreement]
    sharing: list[SharingPermission]
    domains: dict[str, list[DomainEntry]]  # assessment id -> entries
    child_voices: dict[str, list[ChildVoice]]  # assessment id -> entries
    outcomes: list[PlanOutcome]  # of the current plan
    actions: list[PlanAction]
    taf: list[TafMember]
    issued: list[IssuedPlan]
    progress: dict[str, list[ReviewProgress]]  # review id -> entries
    contacts: list[Contact]  # newest first, the latest RECENT_CONTACTS
    links: list[SocialLink]

    @property
    def current(self) -> EpisodeRecord | None:
        for record in self.episodes:
            if record.episode.status == "open":
                return record
        return None

    @property
    def next_review(self) -> dt.date | None:
        """The reviews service's rule: the date set at the latest review, else the plan's review date."""
        current = self.current
        if current is None:
            return None
        if current.reviews:
            latest = max(current.reviews, key=lambda r: (r.held_on, r.created_at))
            return latest.next_review_on
        return current.plan.review_on if current.plan else None


def _rows(session: Session, model: type[M], family_ids: list[str], *order: Any) -> list[M]:
    query = select(model).where(model.family_id.in_(family_ids), model.deleted.is_(False))
    return list(session.scalars(query.order_by(*order) if order else query))


class RecordService(Service):
    def open(self, family_id: str, *, audit: bool = True) -> FamilyRecord:
        """Everything the family screen shows. Follows merges: reads include merged-in records."""
        family_ids = self.ws.services.families.family_ids_for_merge(family_id)
        with self.ws.read() as session:
            family = self.get(session, Family, family_id, "family")
            lead = session.get(Staff, family.lead_worker_id) if family.lead_worker_id else None
            members = [
                Member(p, m)
                for m, p in session.execute(
                    select(Membership, Person)
                    .join(Person, Person.id == Membership.person_id)
                    .where(
                        Membership.family_id == family_id,
                        Membership.deleted.is_(False),
                        Person.deleted.is_(False),
                    )
                    .order_by(Membership.is_child, Person.date_of_birth, Person.given_name)
                )
            ]
            episodes = _rows(session, Episode, family_ids, Episode.opened_on.desc())
            records = {e.id: EpisodeRecord(e) for e in episodes}
            for a in _rows(session, Assessment, family_ids, Assessment.started_on, Assessment.created_at):
                if a.episode_id in records:
                    records[a.episode_id].assessments.append(a)
            plans = _rows(session, Plan, family_ids, Plan.created_at)
            for p in plans:
                if p.episode_id in records:
                    records[p.episode_id].plan = p
            for r in _rows(session, Review, family_ids, Review.held_on):
                if r.episode_id in records:
                    records[r.episode_id].reviews.append(r)
            for s in _rows(session, StepChange, family_ids, StepChange.requested_on):
                if s.episode_id in records:
                    records[s.episode_id].steps.append(s)
            for c in _rows(session, Closure, family_ids, Closure.closed_on):
                if c.episode_id in records:
                    records[c.episode_id].closure = c
            domains: dict[str, list[DomainEntry]] = {}
            for d in _rows(session, DomainEntry, family_ids):
                domains.setdefault(d.assessment_id, []).append(d)
            voices: dict[str, list[ChildVoice]] = {}
            for cv in _rows(session, ChildVoice, family_ids):
                voices.setdefault(cv.assessment_id, []).append(cv)
            current = next((r for r in records.values() if r.episode.status == "open"), None)
            plan_id = current.plan.id if current and current.plan else None
            progress: dict[str, list[ReviewProgress]] = {}
            for rp in _rows(session, ReviewProgress, family_ids):
                progress.setdefault(rp.review_id, []).append(rp)
            record = FamilyRecord(
                family=family,
                lead_worker=lead,
                members=members,
                flags=_rows(session, FamilyFlag, [family_id], FamilyFlag.label),
                tags=_rows(session, FamilyTag, [family_id], FamilyTag.tag),
                episodes=list(records.values()),
                professionals=_rows(session, Professional, family_ids, Professional.agency),
                agreements=_rows(session, Agreement, family_ids),
                sharing=_rows(session, SharingPermission, family_ids, SharingPermission.agency),
                domains=domains,
                child_voices=voices,
                outcomes=[
                    o
                    for o in _rows(session, PlanOutcome, family_ids, PlanOutcome.sort_order)
                    if o.plan_id == plan_id
                ],
                actions=[
                    a
                    for a in _rows(session, PlanAction, family_ids, PlanAction.sort_order)
                    if a.plan_id == plan_id
                ],
                taf=[
                    t for t in _rows(session, TafMember, family_ids, TafMember.name) if t.plan_id == plan_id
                ],
                issued=_rows(session, IssuedPlan, family_ids, IssuedPlan.number),
                progress=progress,
                contacts=list(
                    session.scalars(
                        select(Contact)
                        .where(Contact.family_id.in_(family_ids), Contact.deleted.is_(False))
                        .order_by(Contact.occurred_at.desc())
                        .limit(RECENT_CONTACTS)
                    )
                ),
                links=_rows(session, SocialLink, family_ids, SocialLink.offered_on),
            )
        if audit:
            with self.ws.write() as session:
                self.audit(session, "view", "family", family_id, family_id)
        return record
