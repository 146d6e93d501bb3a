"""Reviews of the plan (every 6-12 weeks), and which reviews are due or overdue.

A review records who came, progress on every outcome still being worked on (better / same / worse),
the worker's and the family's scores, the decision (continue, step up, step down, close) and, to
continue, the date of the next review, which also becomes the plan's review date.

A family's next review is the date set at its latest review, or the plan's review date before the
first review. ``due()`` and ``overdue()`` feed My caseload and the Reviews due screen.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, case, exists, func, select
from sqlalchemy.orm import Session

from earlyhelp_desktop.core.errors import WrongState
from earlyhelp_desktop.core.ids import derived_id, new_id
from earlyhelp_desktop.core.services import validate as v
from earlyhelp_desktop.core.services.base import Changes, Service, changes, today
from earlyhelp_desktop.core.services.common import CASEWORK, assign, episode_for_change
from earlyhelp_desktop.core.store.models import (
    Episode,
    Family,
    Plan,
    PlanOutcome,
    Review,
    ReviewProgress,
    Staff,
)

PROGRESS = {"better": "Better", "same": "The same", "worse": "Worse"}
DECISIONS = {
    "continue": "Carry on with the plan",
    "step_up": "Step up to children's social care",
    "step_down": "Step down to universal services",
    "close": "Close",
}
CHUNK = 5000  # ids per IN (...) list, well under SQLite's limit on bound parameters
NEXT_STEP = {
    "step_up": "Next: record the step up to the front door for a supervisor's sign-off.",
    "step_down": "Next: record the step down, then submit the closure.",
    "close": "Next: submit the closure for a supervisor's sign-off.",
}


@dataclass(frozen=True, slots=True)
class ProgressInput:
    """Progress on one outcome at a review; scores are 0 (not at all) to 10 (completely)."""

    outcome_id: str
    progress: str
    worker_score: int | str | None = None
    family_score: int | str | None = None
    note: str | None = None


@dataclass(frozen=True, slots=True)
class ReviewRecord:
    review: Review
    progress: list[ReviewProgress]


@dataclass(frozen=True, slots=True)
class ReviewDue:
    """A family whose next review falls due (or is overdue)."""

    family_id: str
    reference: str
    display_name: str
    level_of_need: int | None
    lead_worker_id: str | None
    lead_worker: str | None
    episode_id: str
    due_on: dt.date

    @property
    def days_overdue(self) -> int:
        """Days past the due date (0 when not yet due)."""
        return max(0, (today() - self.due_on).days)

    @property
    def overdue(self) -> bool:
        return self.due_on < today()


def review_progress_id(review_id: str, outcome_id: str) -> str:
    return derived_id("review_progress", review_id, outcome_id)


def next_review_expression() -> ColumnElement[Any]:
    """The same rule as ``next_reviews`` as SQL correlated to ``Episode``, for queries that compose it
    (reviews due, the plans to print for this week's reviews). Evaluated per row, through the review and
    plan indexes by episode."""
    reviewed = exists().where(Review.episode_id == Episode.id, Review.deleted.is_(False))
    latest = (
        select(Review.next_review_on)
        .where(Review.episode_id == Episode.id, Review.deleted.is_(False))
        .order_by(Review.held_on.desc(), Review.created_at.desc())
        .limit(1)
        .scalar_subquery()
    )
    planned = (
        select(Plan.review_on)
        .where(Plan.episode_id == Episode.id, Plan.deleted.is_(False), Plan.status == "active")
        .order_by(Plan.created_at)
        .limit(1)
        .scalar_subquery()
    )
    return case((reviewed, latest), else_=planned)


def next_reviews(session: Session, episode_ids: Sequence[str]) -> dict[str, dt.date | None]:
    """Each episode's next review: the date set at its latest review, else (before any review) its
    plan's review date. SQLite picks the latest review per episode (a window over the episode index),
    so only one row per episode comes back, however many there are."""
    reviewed: dict[str, dt.date | None] = {}
    planned: dict[str, dt.date | None] = {}
    for start in range(0, len(episode_ids), CHUNK):
        chunk = list(episode_ids[start : start + CHUNK])
        rank = (
            func.row_number()
            .over(partition_by=Review.episode_id, order_by=(Review.held_on.desc(), Review.created_at.desc()))
            .label("rank")
        )
        ranked = (
            select(Review.episode_id, Review.next_review_on, rank)
            .where(Review.episode_id.in_(chunk), Review.deleted.is_(False))
            .subquery()
        )
        for episode_id, following in session.execute(
            select(ranked.c.episode_id, ranked.c.next_review_on).where(ranked.c.rank == 1)
        ).all():
            reviewed[episode_id] = following
        for episode_id, review_on in session.execute(
            select(Plan.episode_id, Plan.review_on)
            .where(Plan.episode_id.in_(chunk), Plan.deleted.is_(False), Plan.status == "active")
            .order_by(Plan.created_at.desc())
        ).all():
            planned[episode_id] = review_on  # the oldest plan is written last and wins
    return {e: reviewed[e] if e in reviewed else planned.get(e) for e in episode_ids}


class ReviewService(Service):
    def record(
        self,
        episode_id: str,
        *,
        held_on: str | dt.date | None,
        attendees: Sequence[str],
        progress: Sequence[ProgressInput],
        decision: str,
        next_review_on: str | dt.date | None = None,
        notes: str | None = None,
        family_comments: str | None = None,
    ) -> Changes:
        """Records a review in one go: the meeting, progress per outcome, and the next review date."""
        self.require(*CASEWORK)
        errors = v.Errors()
        held = v.date(held_on, "held_on", "the date of the review", errors, required=True, past=True)
        people = [
            name for a in attendees if (name := v.text(a, "attendees", "a name", errors, max_length=120))
        ]
        if not people:
            errors.add("attendees", "Enter who came to the review")
        decision_ = v.choice(decision, DECISIONS, "decision", "what was decided", errors, required=True)
        following = v.date(next_review_on, "next_review_on", "the date of the next review", errors)
        if decision_ == "continue" and following is None and "next_review_on" not in errors.messages:
            errors.add("next_review_on", "Enter the date of the next review, for example in 6 weeks")
        if following is not None and held is not None and following <= held:
            errors.add("next_review_on", "The next review must be after this one")
        notes_ = v.long_text(notes, "notes", "notes", errors, max_length=20000)
        comments = v.long_text(family_comments, "family_comments", "the family's comments", errors)
        lines = [self._progress_values(i, p, errors) for i, p in enumerate(progress)]
        review_id = new_id()
        with self.ws.write() as session:
            episode = episode_for_change(session, episode_id)
            plan = session.scalars(
                select(Plan)
                .where(Plan.episode_id == episode_id, Plan.deleted.is_(False))
                .order_by(Plan.created_at)
            ).first()
            if plan is None:
                raise WrongState("Write the plan before recording a review of it.")
            self._check_outcomes(session, plan, [p.outcome_id for p in progress], errors)
            errors.raise_if_any()
            assert held is not None and decision_ is not None
            session.add(
                Review(
                    id=review_id,
                    family_id=episode.family_id,
                    episode_id=episode_id,
                    plan_id=plan.id,
                    held_on=held,
                    attendees=people,
                    decision=decision_,
                    notes=notes_,
                    family_comments=comments,
                    next_review_on=following,
                )
            )
            for item, values in zip(progress, lines, strict=True):
                session.add(
                    ReviewProgress(
                        id=review_progress_id(review_id, item.outcome_id),
                        family_id=episode.family_id,
                        review_id=review_id,
                        outcome_id=item.outcome_id,
                        **values,
                    )
                )
            tables = {"review", "review_progress"} if progress else {"review"}
            if following is not None and assign(plan, {"review_on": following}):
                tables.add("plan")
            self.audit(session, "create", "review", review_id, episode.family_id, decision=decision_)
        warnings = [NEXT_STEP[decision_]] if decision_ in NEXT_STEP else []
        return changes(tables, [episode.family_id], [review_id], warnings)

    @staticmethod
    def _progress_values(index: int, item: ProgressInput, errors: v.Errors) -> dict[str, object]:
        prefix = f"progress.{index}"
        return {
            "progress": v.choice(
                item.progress,
                PROGRESS,
                f"{prefix}.progress",
                "better, the same or worse",
                errors,
                required=True,
            ),
            "worker_score": v.score(item.worker_score, f"{prefix}.worker_score", "your score", errors, 0, 10),
            "family_score": v.score(
                item.family_score, f"{prefix}.family_score", "the family's score", errors, 0, 10
            ),
            "note": v.long_text(item.note, f"{prefix}.note", "a note", errors, max_length=4000),
        }

    @staticmethod
    def _check_outcomes(session: Session, plan: Plan, given: list[str], errors: v.Errors) -> None:
        outcomes = {
            o.id: o
            for o in session.scalars(
                select(PlanOutcome).where(PlanOutcome.plan_id == plan.id, PlanOutcome.deleted.is_(False))
            )
        }
        if len(set(given)) != len(given):
            errors.add("progress", "Give progress once for each outcome")
        if any(outcome_id not in outcomes for outcome_id in given):
            errors.add("progress", "Give progress only for outcomes of this family's plan")
        missed = [o.text for o in outcomes.values() if o.status == "open" and o.id not in given]
        if missed:
            shown = "; ".join(f"“{text[:60]}”" for text in missed[:3])
            more = f" and {len(missed) - 3} more" if len(missed) > 3 else ""
            errors.add("progress", f"Say whether things are better, the same or worse for {shown}{more}")

    # -- reading ---------------------------------------------------------------------------------

    def for_episode(self, episode_id: str) -> list[ReviewRecord]:
        """The episode's reviews, oldest first, each with its progress lines."""
        with self.ws.read() as session:
            reviews = session.scalars(
                select(Review)
                .where(Review.episode_id == episode_id, Review.deleted.is_(False))
                .order_by(Review.held_on, Review.created_at)
            ).all()
            lines: dict[str, list[ReviewProgress]] = {}
            for row in session.scalars(
                select(ReviewProgress).where(
                    ReviewProgress.review_id.in_([r.id for r in reviews]), ReviewProgress.deleted.is_(False)
                )
            ):
                lines.setdefault(row.review_id, []).append(row)
        return [ReviewRecord(r, lines.get(r.id, [])) for r in reviews]

    def next_review(self, episode_id: str) -> dt.date | None:
        with self.ws.read() as session:
            return next_reviews(session, [episode_id])[episode_id]

    def due(self, within_days: int = 14, *, worker_id: str | None = None) -> list[ReviewDue]:
        """Open families whose next review is due within ``within_days`` or is overdue, soonest first."""
        return self._due(today() + dt.timedelta(days=within_days), worker_id)

    def overdue(self, *, worker_id: str | None = None) -> list[ReviewDue]:
        """Open families whose next review date has passed."""
        return self._due(today() - dt.timedelta(days=1), worker_id)

    def _due(self, until: dt.date, worker_id: str | None) -> list[ReviewDue]:
        # One pass over the open episodes, each one's next review found through the review and plan
        # indexes (``next_review_expression``): half the time of collecting every review that ever named
        # a date by then and then finding the latest of each (bench/services.py).
        inner = (
            select(
                Episode.id.label("episode"),
                Family.id.label("family"),
                Family.reference,
                Family.display_name,
                Family.level_of_need,
                Family.lead_worker_id,
                next_review_expression().label("due"),
            )
            .join(Family, Family.id == Episode.family_id)
            .where(
                Episode.status == "open",
                Episode.deleted.is_(False),
                Family.deleted.is_(False),
                Family.merged_into_id.is_(None),
            )
        )
        if worker_id is not None:
            inner = inner.where(Family.lead_worker_id == worker_id)
        listed = inner.subquery()
        with self.ws.read() as session:
            rows = session.execute(select(listed).where(listed.c.due <= until)).all()
            names = dict(session.execute(select(Staff.id, Staff.full_name)).all())
        found = [
            ReviewDue(family, ref, name, level, lead, names.get(lead or ""), episode, due)
            for episode, family, ref, name, level, lead, due in rows
        ]
        return sorted(found, key=lambda d: (d.due_on, d.display_name, d.reference))
