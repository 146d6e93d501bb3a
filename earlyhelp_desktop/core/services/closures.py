"""Closing an episode: the reason, final scores, a moving-on note and a follow-up check date.

The worker submits the closure; a supervisor signs it off (which closes the episode, ends its plan and,
when no other episode is open, closes the family) or returns it with a reason. The follow-up date
defaults to six months after closing, when sustained outcomes are checked.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.orm import Session

from earlyhelp_desktop.core.errors import InvalidInput, NotPermitted, WrongState
from earlyhelp_desktop.core.ids import new_id
from earlyhelp_desktop.core.services import validate as v
from earlyhelp_desktop.core.services.base import Changes, Service, changes, now, today
from earlyhelp_desktop.core.services.common import (
    CASEWORK,
    add_months,
    assign,
    episode_for_change,
    ref_codes,
    return_for_changes,
)
from earlyhelp_desktop.core.store.models import Closure, Episode, Family, Plan, Staff

FOLLOW_UP_MONTHS = 6
STATUS_LABELS = {
    "submitted": "Waiting for sign-off",
    "signed_off": "Signed off",
    "returned": "Returned for changes",
}
SCORERS = {"worker": "your", "family": "the family's"}


@dataclass(frozen=True, slots=True)
class FollowUp:
    """A closed family whose post-closure check falls due."""

    family_id: str
    reference: str
    display_name: str
    lead_worker: str | None
    closure_id: str
    reason_code: str
    closed_on: dt.date
    follow_up_on: dt.date


class ClosureService(Service):
    def submit(
        self,
        episode_id: str,
        *,
        reason_code: str,
        closed_on: str | dt.date | None = None,
        final_scores: dict[str, dict[str, Any]] | None = None,
        moving_on_note: str | None = None,
        follow_up_on: str | dt.date | None = None,
    ) -> Changes:
        """Submits the closure for sign-off (or resubmits one that was returned)."""
        self.require(*CASEWORK)
        errors = v.Errors()
        with self.ws.read() as session:
            reasons = ref_codes(session, "closure_reason")
            domains = ref_codes(session, "assessment_domain")
        reason = v.choice(
            reason_code, reasons, "reason_code", "why the episode is closing", errors, required=True
        )
        closed = v.date(closed_on, "closed_on", "the date of closing", errors, past=True) or today()
        follow = v.date(follow_up_on, "follow_up_on", "the date of the follow-up check", errors)
        if follow is None and "follow_up_on" not in errors.messages:
            follow = add_months(closed, FOLLOW_UP_MONTHS)
        if follow is not None and follow <= closed:
            errors.add("follow_up_on", "The follow-up check must be after the date of closing")
        note = v.long_text(moving_on_note, "moving_on_note", "a moving-on note", errors, max_length=8000)
        scores = _final_scores(final_scores, domains, errors)
        errors.raise_if_any()
        values: dict[str, Any] = {
            "reason_code": reason,
            "closed_on": closed,
            "follow_up_on": follow,
            "moving_on_note": note,
            "final_scores": scores,
            "status": "submitted",
            "return_reason": None,
        }
        with self.ws.write() as session:
            episode = episode_for_change(session, episode_id)
            if closed < episode.opened_on:
                raise InvalidInput(
                    {"closed_on": "The date of closing must be on or after the episode opened"}
                )
            existing = self._closure_of(session, episode_id)
            if existing is not None and existing.status == "submitted":
                raise WrongState("A closure for this episode is already waiting for sign-off.")
            if existing is None:
                closure_id = new_id()
                session.add(
                    Closure(id=closure_id, family_id=episode.family_id, episode_id=episode_id, **values)
                )
                self.audit(session, "submit", "closure", closure_id, episode.family_id, reason=reason)
            else:
                closure_id = existing.id
                assign(existing, values)
                self.audit(session, "submit", "closure", closure_id, episode.family_id, reason=reason)
        return changes({"closure"}, [episode.family_id], [closure_id])

    def sign_off(self, closure_id: str) -> Changes:
        """A supervisor signs off: the episode closes, its plan ends, and the family closes when no other
        episode is open."""
        self.require("supervisor")
        with self.ws.write() as session:
            closure = self._submitted(session, closure_id)
            assign(closure, {"status": "signed_off", "decided_by": self.user_id, "decided_at": now()})
            tables = {"closure", "episode"}
            episode = self.get(session, Episode, closure.episode_id, "episode")
            assign(episode, {"status": "closed", "closed_on": closure.closed_on})
            for plan in session.scalars(
                select(Plan).where(
                    Plan.episode_id == episode.id, Plan.deleted.is_(False), Plan.status == "active"
                )
            ):
                plan.status = "ended"
                tables.add("plan")
            others = session.scalar(
                select(Episode.id).where(
                    Episode.family_id == episode.family_id,
                    Episode.id != episode.id,
                    Episode.status == "open",
                    Episode.deleted.is_(False),
                )
            )
            family = self.get(session, Family, episode.family_id, "family")
            if others is None and assign(family, {"status": "closed"}):
                tables.add("family")
            self.audit(session, "sign_off", "closure", closure_id, closure.family_id)
        return changes(tables, [closure.family_id])

    def return_for_changes(self, closure_id: str, reason: str) -> Changes:
        """A supervisor returns a submitted closure with a reason; it can be edited again."""
        return return_for_changes(self, "closure", closure_id, reason, self._submitted)

    def for_episode(self, episode_id: str) -> Closure | None:
        with self.ws.read() as session:
            return self._closure_of(session, episode_id)

    def follow_ups_due(self, within_days: int = 14, *, worker_id: str | None = None) -> list[FollowUp]:
        """Signed-off closures whose follow-up check is due (or overdue), soonest first."""
        query = (
            select(Closure, Family.reference, Family.display_name, Staff.full_name)
            .join(Family, Family.id == Closure.family_id)
            .outerjoin(Staff, Staff.id == Family.lead_worker_id)
            .where(*_follow_ups(within_days, worker_id))
            .order_by(Closure.follow_up_on)
        )
        with self.ws.read() as session:
            rows = session.execute(query).all()
        return [
            FollowUp(c.family_id, ref, name, lead, c.id, c.reason_code, c.closed_on, c.follow_up_on)
            for c, ref, name, lead in rows
            if c.follow_up_on is not None
        ]

    def count_follow_ups(self, within_days: int = 14, *, worker_id: str | None = None) -> int:
        with self.ws.read() as session:
            found = session.scalar(
                select(func.count())
                .select_from(Closure)
                .join(Family, Family.id == Closure.family_id)
                .where(*_follow_ups(within_days, worker_id))
            )
        return found or 0

    @staticmethod
    def _closure_of(session: Session, episode_id: str) -> Closure | None:
        return session.scalars(
            select(Closure)
            .where(Closure.episode_id == episode_id, Closure.deleted.is_(False))
            .order_by(Closure.created_at.desc())
        ).first()

    def _submitted(self, session: Session, closure_id: str) -> Closure:
        closure = self.get(session, Closure, closure_id, "closure")
        if closure.status != "submitted":
            label = STATUS_LABELS.get(closure.status, closure.status).lower()
            raise WrongState(f"Only a submitted closure can be signed off or returned; this one is {label}.")
        if closure.updated_by == self.user_id:
            raise NotPermitted(
                "You submitted this closure: another supervisor must sign it off or return it."
            )
        return closure


def _follow_ups(within_days: int, worker_id: str | None) -> list[ColumnElement[bool]]:
    conditions = [
        Closure.deleted.is_(False),
        Closure.status == "signed_off",
        Closure.follow_up_on.is_not(None),
        Closure.follow_up_on <= today() + dt.timedelta(days=within_days),
        Family.deleted.is_(False),
        Family.status == "closed",
    ]
    if worker_id is not None:
        conditions.append(Family.lead_worker_id == worker_id)
    return conditions


def _final_scores(
    given: dict[str, dict[str, Any]] | None, domains: dict[str, str], errors: v.Errors
) -> dict[str, dict[str, int]] | None:
    """{"worker": {area: 1-5}, "family": {area: 1-5}}, every area from configuration."""
    if not given:
        return None
    if not isinstance(given, dict) or set(given) - set(SCORERS):
        errors.add("final_scores", "Give final scores as the worker's and the family's, per area")
        return None
    clean: dict[str, dict[str, int]] = {}
    for who, whose in SCORERS.items():
        scores = given.get(who) or {}
        if not isinstance(scores, dict):
            errors.add(f"final_scores.{who}", f"Give {whose} final scores per area")
            continue
        for code, value in scores.items():
            if code not in domains:
                errors.add(
                    f"final_scores.{who}",
                    f"Choose areas of the assessment from the list ({code!r} is not one)",
                )
                continue
            number = v.score(
                value, f"final_scores.{who}.{code}", f"{whose} score for {domains[code]}", errors, 1, 5
            )
            if number is not None:
                clean.setdefault(who, {})[code] = number
    return clean or None
