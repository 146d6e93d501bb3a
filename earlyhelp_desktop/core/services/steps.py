"""Step up to children's social care (the front door / MASH) and step down from it to early help.

A step is requested by the worker, agreed (signed off) by a supervisor, and the front door's decision
is recorded when it comes. A step down asks whether a Family Group Conference was considered first.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from earlyhelp_desktop.core.errors import InvalidInput, NotPermitted, WrongState
from earlyhelp_desktop.core.ids import new_id
from earlyhelp_desktop.core.services import validate as v
from earlyhelp_desktop.core.services.base import Changes, Service, changes, today
from earlyhelp_desktop.core.services.common import CASEWORK, assign, episode_for_change
from earlyhelp_desktop.core.store.models import Episode, Family, StepChange

DIRECTIONS = {
    "up": "Step up to children's social care (the front door)",
    "down": "Step down from children's social care to early help",
}
DECISIONS = {"pending": "Waiting for a decision", "accepted": "Accepted", "declined": "Declined"}


@dataclass(frozen=True, slots=True)
class StepWaiting:
    """A step change waiting for a supervisor's sign-off, for the sign-off queue."""

    step: StepChange
    family_reference: str
    family_name: str


class StepService(Service):
    def step_up(
        self,
        episode_id: str,
        *,
        reason: str,
        requested_on: str | dt.date | None = None,
        mash_reference: str | None = None,
    ) -> Changes:
        """Records a step up to the front door, for a supervisor to sign off."""
        return self._request(episode_id, "up", reason, requested_on, mash_reference=mash_reference)

    def step_down(
        self,
        episode_id: str,
        *,
        reason: str,
        fgc_considered: bool | str | None,
        requested_on: str | dt.date | None = None,
    ) -> Changes:
        """Records a step down from social care to early help; says whether a Family Group Conference
        was considered first."""
        return self._request(episode_id, "down", reason, requested_on, fgc_considered=fgc_considered)

    def _request(
        self,
        episode_id: str,
        direction: str,
        reason: str,
        requested_on: str | dt.date | None,
        *,
        mash_reference: str | None = None,
        fgc_considered: bool | str | None = False,
    ) -> Changes:
        self.require(*CASEWORK)
        errors = v.Errors()
        reason_ = v.long_text(
            reason, "reason", f"why the family is stepping {direction}", errors, required=True
        )
        on = v.date(requested_on, "requested_on", "the date of the request", errors, past=True)
        ref = v.text(mash_reference, "mash_reference", "the front door's reference", errors, max_length=48)
        fgc = v.boolean(
            fgc_considered,
            "fgc_considered",
            "a Family Group Conference was considered",
            errors,
            required=True,
        )
        errors.raise_if_any()
        step_id = new_id()
        with self.ws.write() as session:
            episode = episode_for_change(session, episode_id)
            waiting = session.scalar(
                select(StepChange.id).where(
                    StepChange.episode_id == episode_id,
                    StepChange.direction == direction,
                    StepChange.decision == "pending",
                    StepChange.deleted.is_(False),
                )
            )
            if waiting is not None:
                raise WrongState(f"A step {direction} is already waiting for a decision in this episode.")
            session.add(
                StepChange(
                    id=step_id,
                    family_id=episode.family_id,
                    episode_id=episode_id,
                    direction=direction,
                    reason=reason_,
                    requested_on=on or today(),
                    decision="pending",
                    mash_reference=ref,
                    fgc_considered=bool(fgc),
                )
            )
            self.audit(session, "create", "step_change", step_id, episode.family_id, direction=direction)
        return changes({"step_change"}, [episode.family_id], [step_id])

    def sign_off(self, step_id: str) -> Changes:
        """A supervisor agrees the step (not one they asked for themselves)."""
        self.require("supervisor")
        with self.ws.write() as session:
            step = self.get(session, StepChange, step_id, "step up or down")
            if step.signed_off_by is not None:
                raise WrongState("This step has already been signed off.")
            if step.created_by == self.user_id:
                raise NotPermitted("You asked for this step: another supervisor must sign it off.")
            assign(step, {"signed_off_by": self.user_id})
            self.audit(session, "sign_off", "step_change", step_id, step.family_id)
        return changes({"step_change"}, [step.family_id])

    def record_decision(
        self,
        step_id: str,
        decision: str,
        *,
        decided_on: str | dt.date | None = None,
        mash_reference: str | None = None,
    ) -> Changes:
        """Records what the front door (or social care) decided."""
        self.require(*CASEWORK)
        errors = v.Errors()
        decision_ = v.choice(
            decision, ("accepted", "declined"), "decision", "accepted or declined", errors, required=True
        )
        on = v.date(decided_on, "decided_on", "the date of the decision", errors, past=True)
        ref = v.text(mash_reference, "mash_reference", "the front door's reference", errors, max_length=48)
        errors.raise_if_any()
        with self.ws.write() as session:
            step = self.get(session, StepChange, step_id, "step up or down")
            episode_for_change(session, step.episode_id)
            if step.decision != "pending":
                raise WrongState(f"The decision on this step is already recorded ({step.decision}).")
            decided = on or today()
            if decided < step.requested_on:
                raise InvalidInput({"decided_on": "The date of the decision must be on or after the request"})
            values: dict[str, object] = {"decision": decision_, "decided_on": decided}
            if ref is not None:
                values["mash_reference"] = ref
            changed = assign(step, values)
            self.audit(session, "update", "step_change", step_id, step.family_id, fields=changed)
        warnings = []
        if step.direction == "up" and decision_ == "accepted":
            warnings.append("Next: submit the closure with the reason 'Stepped up to social care'.")
        return changes({"step_change"}, [step.family_id], warnings=warnings)

    def for_episode(self, episode_id: str) -> list[StepChange]:
        with self.ws.read() as session:
            return list(
                session.scalars(
                    select(StepChange)
                    .where(StepChange.episode_id == episode_id, StepChange.deleted.is_(False))
                    .order_by(StepChange.requested_on, StepChange.created_at)
                )
            )

    def waiting_sign_off(self) -> list[StepWaiting]:
        """Steps no supervisor has signed off yet, oldest first (open episodes of live families)."""
        with self.ws.read() as session:
            return [StepWaiting(step, ref, name) for step, ref, name in _waiting(session)]


def _waiting(session: Session) -> list[tuple[StepChange, str, str]]:
    rows = session.execute(
        select(StepChange, Family.reference, Family.display_name)
        .join(Episode, Episode.id == StepChange.episode_id)
        .join(Family, Family.id == StepChange.family_id)
        .where(
            StepChange.deleted.is_(False),
            StepChange.signed_off_by.is_(None),
            Episode.status == "open",
            Family.deleted.is_(False),
        )
        .order_by(StepChange.requested_on, StepChange.created_at)
    ).all()
    return [(r[0], r[1], r[2]) for r in rows]
