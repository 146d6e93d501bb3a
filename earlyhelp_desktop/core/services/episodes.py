"""Episodes of early help: from a request for support to closure. A re-referral opens a new one."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select

from earlyhelp_desktop.core.errors import WrongState
from earlyhelp_desktop.core.ids import new_id
from earlyhelp_desktop.core.services import validate as v
from earlyhelp_desktop.core.services.base import Changes, Service, changes, today
from earlyhelp_desktop.core.services.common import CASEWORK
from earlyhelp_desktop.core.store.models import Assessment, Closure, Episode, Family, Plan, Review, StepChange


@dataclass(frozen=True, slots=True)
class EpisodeSummary:
    """One line of a family's history: every episode, past and current."""

    episode: Episode
    assessment_status: str | None  # of the latest assessment
    has_plan: bool
    reviews: int
    steps: tuple[str, ...]  # "up", "down" in the order requested
    closure_reason: str | None  # code of the closure_reason list
    closure_status: str | None

    @property
    def is_open(self) -> bool:
        return self.episode.status == "open"


class EpisodeService(Service):
    def open(
        self,
        family_id: str,
        *,
        request_reason: str | None = None,
        request_source: str | None = None,
        opened_on: str | dt.date | None = None,
    ) -> Changes:
        """Opens a new episode (a re-referral). Refused while another episode is open; reopens a closed
        family."""
        self.require(*CASEWORK)
        errors = v.Errors()
        reason = v.long_text(request_reason, "request_reason", "why support was asked for", errors)
        source = v.text(request_source, "request_source", "who asked for support", errors, max_length=120)
        opened = v.date(opened_on, "opened_on", "the date support was asked for", errors, past=True)
        errors.raise_if_any()
        episode_id = new_id()
        with self.ws.write() as session:
            family = self.get(session, Family, family_id, "family")
            if family.merged_into_id:
                raise WrongState("This family record was merged into another: open the other record.")
            current = session.scalar(
                select(Episode.id).where(
                    Episode.family_id == family_id, Episode.deleted.is_(False), Episode.status == "open"
                )
            )
            if current is not None:
                raise WrongState(
                    "This family already has an open episode of early help. Close it before opening another."
                )
            session.add(
                Episode(
                    id=episode_id,
                    family_id=family_id,
                    opened_on=opened or today(),
                    request_reason=reason,
                    request_source=source,
                    status="open",
                )
            )
            tables = {"episode"}
            if family.status != "open":
                family.status = "open"
                tables.add("family")
            self.audit(session, "create", "episode", episode_id, family_id)
        return changes(tables, [family_id], [episode_id])

    def current(self, family_id: str) -> Episode | None:
        """The open episode of a family, if there is one."""
        with self.ws.read() as session:
            return session.scalars(
                select(Episode).where(
                    Episode.family_id == family_id, Episode.deleted.is_(False), Episode.status == "open"
                )
            ).first()

    def history(self, family_id: str) -> list[EpisodeSummary]:
        """Every episode of the family (and of records merged into it), newest first."""
        family_ids = self.ws.services.families.family_ids_for_merge(family_id)
        with self.ws.read() as session:
            episodes = session.scalars(
                select(Episode)
                .where(Episode.family_id.in_(family_ids), Episode.deleted.is_(False))
                .order_by(Episode.opened_on.desc(), Episode.created_at.desc())
            ).all()
            ids = [e.id for e in episodes]
            assessments: dict[str, str] = {}
            for episode_id, status in session.execute(
                select(Assessment.episode_id, Assessment.status)
                .where(Assessment.episode_id.in_(ids), Assessment.deleted.is_(False))
                .order_by(Assessment.started_on, Assessment.created_at)
            ):
                assessments[episode_id] = status
            plans = set(
                session.scalars(
                    select(Plan.episode_id).where(Plan.episode_id.in_(ids), Plan.deleted.is_(False))
                )
            )
            reviews: dict[str, int] = {}
            for episode_id in session.scalars(
                select(Review.episode_id).where(Review.episode_id.in_(ids), Review.deleted.is_(False))
            ):
                reviews[episode_id] = reviews.get(episode_id, 0) + 1
            steps: dict[str, list[str]] = {}
            for episode_id, direction in session.execute(
                select(StepChange.episode_id, StepChange.direction)
                .where(StepChange.episode_id.in_(ids), StepChange.deleted.is_(False))
                .order_by(StepChange.requested_on, StepChange.created_at)
            ):
                steps.setdefault(episode_id, []).append(direction)
            closures = {
                c.episode_id: c
                for c in session.scalars(
                    select(Closure)
                    .where(Closure.episode_id.in_(ids), Closure.deleted.is_(False))
                    .order_by(Closure.created_at)
                )
            }
        return [
            EpisodeSummary(
                e,
                assessments.get(e.id),
                e.id in plans,
                reviews.get(e.id, 0),
                tuple(steps.get(e.id, ())),
                closures[e.id].reason_code if e.id in closures else None,
                closures[e.id].status if e.id in closures else None,
            )
            for e in episodes
        ]
