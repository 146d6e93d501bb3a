"""The Team Around the Family plan: the family's words, outcomes, actions, TAF members, review date.

Outcomes are written in the family's own words and tagged to needs (assessment areas) and headline
outcome categories; actions say what, who and by when. Plans of about eight actions or fewer work best,
so adding a ninth warns (it is not refused). Issuing a plan to the family (the immutable, numbered copy)
is done by the documents, not here.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from earlyhelp_desktop.core.errors import InvalidInput, NotFound, WrongState
from earlyhelp_desktop.core.ids import new_id
from earlyhelp_desktop.core.services import validate as v
from earlyhelp_desktop.core.services.base import Changes, Service, changes
from earlyhelp_desktop.core.services.common import CASEWORK, assign, episode_for_change, live, ref_codes
from earlyhelp_desktop.core.store.models import FamilyScoped, Plan, PlanAction, PlanOutcome, TafMember

ACTION_STATUSES = {
    "not_started": "Not started",
    "in_progress": "In progress",
    "done": "Done",
    "dropped": "No longer needed",
}
OUTCOME_STATUSES = {"open": "Working on it", "achieved": "Achieved", "dropped": "No longer needed"}
PLAN_TEXT = {
    "about_us": "about your family, in your words",
    "going_well": "what is going well",
    "want_to_change": "what you would like to change",
    "share_with_note": "who you are happy to share the plan with",
}
PLAN_FIELDS = (*PLAN_TEXT, "review_on")
OUTCOME_FIELDS = ("text", "needs", "categories", "status", "sort_order")
ACTION_FIELDS = ("text", "owner", "due_on", "status", "outcome_id", "sort_order")
TAF_FIELDS = ("name", "role", "agency", "phone", "email")
ADVISED_ACTIONS = 8


@dataclass(frozen=True, slots=True)
class PlanView:
    """Everything the plan editor shows, in order."""

    plan: Plan
    outcomes: list[PlanOutcome]
    actions: list[PlanAction]
    taf: list[TafMember]

    def actions_for(self, outcome_id: str | None) -> list[PlanAction]:
        return [a for a in self.actions if a.outcome_id == outcome_id]

    @property
    def warnings(self) -> tuple[str, ...]:
        return _warnings(self.plan, self.actions)


def _warnings(plan: Plan, actions: Sequence[PlanAction]) -> tuple[str, ...]:
    found = []
    count = sum(1 for a in actions if a.status != "dropped")
    if count > ADVISED_ACTIONS:
        found.append(
            f"This plan has {count} actions. Plans work best with about {ADVISED_ACTIONS} or fewer: "
            "could some wait until the next review?"
        )
    if plan.review_on is None:
        found.append("Set a date for the next review.")
    return tuple(found)


class PlanService(Service):
    # -- reading ---------------------------------------------------------------------------------

    def for_episode(self, episode_id: str) -> Plan | None:
        with self.ws.read() as session:
            return session.scalars(
                select(Plan)
                .where(Plan.episode_id == episode_id, Plan.deleted.is_(False))
                .order_by(Plan.created_at)
            ).first()

    def view(self, plan_id: str) -> PlanView:
        with self.ws.read() as session:
            plan = self.get(session, Plan, plan_id, "plan")
            return PlanView(
                plan,
                _children(session, PlanOutcome, plan_id, PlanOutcome.sort_order),
                _children(session, PlanAction, plan_id, PlanAction.sort_order),
                _children(session, TafMember, plan_id, TafMember.name),
            )

    # -- the plan --------------------------------------------------------------------------------

    def create(self, episode_id: str, **fields: Any) -> Changes:
        """Creates the episode's plan (one per episode) with the family's words and a review date."""
        self.require(*CASEWORK)
        clean = self._plan_fields(fields)
        plan_id = new_id()
        with self.ws.write() as session:
            episode = episode_for_change(session, episode_id)
            existing = session.scalar(
                select(Plan.id).where(Plan.episode_id == episode_id, Plan.deleted.is_(False))
            )
            if existing is not None:
                raise WrongState("This episode already has a plan: change that one.")
            plan = Plan(
                id=plan_id, family_id=episode.family_id, episode_id=episode_id, status="active", **clean
            )
            session.add(plan)
            self.audit(session, "create", "plan", plan_id, episode.family_id)
        return changes({"plan"}, [episode.family_id], [plan_id], _warnings(plan, []))

    def update(self, plan_id: str, **fields: Any) -> Changes:
        self.require(*CASEWORK)
        clean = self._plan_fields(fields)
        with self.ws.write() as session:
            plan = self._plan_for_change(session, plan_id)
            changed = assign(plan, clean)
            if changed:
                self.audit(session, "update", "plan", plan_id, plan.family_id, fields=changed)
        return changes({"plan"} if changed else set(), [plan.family_id])

    @staticmethod
    def _plan_fields(fields: dict[str, Any]) -> dict[str, Any]:
        unknown = set(fields) - set(PLAN_FIELDS)
        if unknown:
            raise InvalidInput({k: f"{k} is not part of the plan" for k in sorted(unknown)})
        errors = v.Errors()
        clean: dict[str, Any] = {}
        for key, value in fields.items():
            if key == "review_on":
                clean[key] = v.date(value, key, "the date of the next review", errors)
            else:
                clean[key] = v.long_text(value, key, PLAN_TEXT[key], errors, max_length=8000)
        errors.raise_if_any()
        return clean

    # -- outcomes --------------------------------------------------------------------------------

    def add_outcome(
        self,
        plan_id: str,
        text: str,
        *,
        needs: Sequence[str] = (),
        categories: Sequence[str] = (),
    ) -> Changes:
        """An outcome in the family's words, tagged to needs (areas) and headline categories."""
        self.require(*CASEWORK)
        with self.ws.read() as session:
            clean = self._outcome_fields(session, {"text": text, "needs": needs, "categories": categories})
        outcome_id = new_id()
        with self.ws.write() as session:
            plan = self._plan_for_change(session, plan_id)
            order = _next_order(session, PlanOutcome, plan_id)
            session.add(
                PlanOutcome(
                    id=outcome_id,
                    family_id=plan.family_id,
                    plan_id=plan_id,
                    status="open",
                    sort_order=order,
                    **clean,
                )
            )
            self.audit(session, "create", "plan_outcome", outcome_id, plan.family_id)
        return changes({"plan_outcome"}, [plan.family_id], [outcome_id])

    def update_outcome(self, outcome_id: str, **fields: Any) -> Changes:
        self.require(*CASEWORK)
        with self.ws.write() as session:
            clean = self._outcome_fields(session, fields)
            outcome = self.get(session, PlanOutcome, outcome_id, "outcome")
            self._plan_for_change(session, outcome.plan_id)
            changed = assign(outcome, clean)
            if changed:
                self.audit(session, "update", "plan_outcome", outcome_id, outcome.family_id, fields=changed)
        return changes({"plan_outcome"} if changed else set(), [outcome.family_id])

    def remove_outcome(self, outcome_id: str) -> Changes:
        """Removes an outcome and the actions under it (both stay in the record's history)."""
        self.require(*CASEWORK)
        with self.ws.write() as session:
            outcome = self.get(session, PlanOutcome, outcome_id, "outcome")
            self._plan_for_change(session, outcome.plan_id)
            actions = session.scalars(
                select(PlanAction).where(PlanAction.outcome_id == outcome_id, PlanAction.deleted.is_(False))
            ).all()
            for action in actions:
                self.delete(action)
            self.delete(outcome)
            self.audit(session, "delete", "plan_outcome", outcome_id, outcome.family_id, actions=len(actions))
        warnings = [f"{len(actions)} action(s) under it were removed too."] if actions else []
        tables = {"plan_outcome", "plan_action"} if actions else {"plan_outcome"}
        return changes(tables, [outcome.family_id], warnings=warnings)

    def _outcome_fields(self, session: Session, fields: dict[str, Any]) -> dict[str, Any]:
        unknown = set(fields) - set(OUTCOME_FIELDS)
        if unknown:
            raise InvalidInput({k: f"{k} is not part of an outcome" for k in sorted(unknown)})
        errors = v.Errors()
        clean: dict[str, Any] = {}
        for key, value in fields.items():
            if key == "text":
                clean[key] = v.long_text(
                    value, key, "the outcome in the family's words", errors, required=True, max_length=2000
                )
            elif key == "needs":
                clean[key] = v.choices(
                    list(value or ()), ref_codes(session, "assessment_domain"), key, "needs", errors
                )
            elif key == "categories":
                clean[key] = v.choices(
                    list(value or ()),
                    ref_codes(session, "outcome_category"),
                    key,
                    "headline outcome categories",
                    errors,
                )
            elif key == "status":
                clean[key] = v.choice(
                    value, OUTCOME_STATUSES, key, "where this outcome is", errors, required=True
                )
            else:
                clean[key] = v.whole_number(value, key, "the position", errors, high=10_000)
        errors.raise_if_any()
        return clean

    # -- actions ---------------------------------------------------------------------------------

    def add_action(
        self,
        plan_id: str,
        text: str,
        owner: str,
        *,
        due_on: str | dt.date | None = None,
        outcome_id: str | None = None,
        status: str = "not_started",
    ) -> Changes:
        """What needs to happen, who does it, by when. Warns above about eight actions."""
        self.require(*CASEWORK)
        clean = _action_fields(
            {"text": text, "owner": owner, "due_on": due_on, "status": status, "outcome_id": outcome_id}
        )
        action_id = new_id()
        with self.ws.write() as session:
            plan = self._plan_for_change(session, plan_id)
            self._check_outcome(session, plan_id, clean.get("outcome_id"))
            order = _next_order(session, PlanAction, plan_id)
            session.add(
                PlanAction(id=action_id, family_id=plan.family_id, plan_id=plan_id, sort_order=order, **clean)
            )
            self.audit(session, "create", "plan_action", action_id, plan.family_id)
            session.flush()
            actions = _children(session, PlanAction, plan_id, PlanAction.sort_order)
        warnings = [w for w in _warnings(plan, actions) if "actions" in w]
        return changes({"plan_action"}, [plan.family_id], [action_id], warnings)

    def update_action(self, action_id: str, **fields: Any) -> Changes:
        self.require(*CASEWORK)
        clean = _action_fields(fields)
        with self.ws.write() as session:
            action = self.get(session, PlanAction, action_id, "action")
            self._plan_for_change(session, action.plan_id)
            if "outcome_id" in clean:
                self._check_outcome(session, action.plan_id, clean["outcome_id"])
            changed = assign(action, clean)
            if changed:
                self.audit(session, "update", "plan_action", action_id, action.family_id, fields=changed)
        return changes({"plan_action"} if changed else set(), [action.family_id])

    def remove_action(self, action_id: str) -> Changes:
        self.require(*CASEWORK)
        with self.ws.write() as session:
            action = self.get(session, PlanAction, action_id, "action")
            self._plan_for_change(session, action.plan_id)
            self.delete(action)
            self.audit(session, "delete", "plan_action", action_id, action.family_id)
        return changes({"plan_action"}, [action.family_id])

    @staticmethod
    def _check_outcome(session: Session, plan_id: str, outcome_id: str | None) -> None:
        if outcome_id is None:
            return
        outcome = live(session, PlanOutcome, outcome_id)
        if outcome is None or outcome.plan_id != plan_id:
            raise InvalidInput({"outcome_id": "Choose an outcome of this plan"})

    # -- the team around the family --------------------------------------------------------------

    def add_taf_member(
        self,
        plan_id: str,
        name: str,
        *,
        role: str | None = None,
        agency: str | None = None,
        phone: str | None = None,
        email: str | None = None,
    ) -> Changes:
        self.require(*CASEWORK)
        clean = _taf_fields({"name": name, "role": role, "agency": agency, "phone": phone, "email": email})
        member_id = new_id()
        with self.ws.write() as session:
            plan = self._plan_for_change(session, plan_id)
            session.add(TafMember(id=member_id, family_id=plan.family_id, plan_id=plan_id, **clean))
            self.audit(session, "create", "taf_member", member_id, plan.family_id)
        return changes({"taf_member"}, [plan.family_id], [member_id])

    def update_taf_member(self, member_id: str, **fields: Any) -> Changes:
        self.require(*CASEWORK)
        clean = _taf_fields(fields)
        with self.ws.write() as session:
            row = self.get(session, TafMember, member_id, "member of the team around the family")
            self._plan_for_change(session, row.plan_id)
            changed = assign(row, clean)
            if changed:
                self.audit(session, "update", "taf_member", member_id, row.family_id, fields=changed)
        return changes({"taf_member"} if changed else set(), [row.family_id])

    def remove_taf_member(self, member_id: str) -> Changes:
        self.require(*CASEWORK)
        with self.ws.write() as session:
            row = self.get(session, TafMember, member_id, "member of the team around the family")
            self._plan_for_change(session, row.plan_id)
            self.delete(row)
            self.audit(session, "delete", "taf_member", member_id, row.family_id)
        return changes({"taf_member"}, [row.family_id])

    # -- helpers ---------------------------------------------------------------------------------

    def _plan_for_change(self, session: Session, plan_id: str) -> Plan:
        plan = live(session, Plan, plan_id)
        if plan is None:
            raise NotFound(f"No plan with id {plan_id} on this laptop.")
        if plan.status != "active":
            raise WrongState("This plan has ended with its episode and cannot be changed.")
        episode_for_change(session, plan.episode_id)
        return plan


def _children(session: Session, model: type[Any], plan_id: str, order: Any) -> list[Any]:
    return list(
        session.scalars(
            select(model)
            .where(model.plan_id == plan_id, model.deleted.is_(False))
            .order_by(order, model.created_at)
        )
    )


def _next_order(session: Session, model: type[FamilyScoped], plan_id: str) -> int:
    found = session.scalar(
        select(func.max(model.sort_order)).where(model.plan_id == plan_id)  # type: ignore[attr-defined]
    )
    return int(found or 0) + 1


def _action_fields(fields: dict[str, Any]) -> dict[str, Any]:
    unknown = set(fields) - set(ACTION_FIELDS)
    if unknown:
        raise InvalidInput({k: f"{k} is not part of an action" for k in sorted(unknown)})
    errors = v.Errors()
    clean: dict[str, Any] = {}
    for key, value in fields.items():
        if key == "text":
            clean[key] = v.long_text(
                value, key, "what needs to happen", errors, required=True, max_length=2000
            )
        elif key == "owner":
            clean[key] = v.text(
                value,
                key,
                "who will do it, for example Mum or Ms Hart at school",
                errors,
                required=True,
                max_length=120,
            )
        elif key == "due_on":
            clean[key] = v.date(value, key, "the date it should be done by", errors)
        elif key == "status":
            clean[key] = v.choice(value, ACTION_STATUSES, key, "where this action is", errors, required=True)
        elif key == "outcome_id":
            clean[key] = value or None
        else:
            clean[key] = v.whole_number(value, key, "the position", errors, high=10_000)
    errors.raise_if_any()
    return clean


def _taf_fields(fields: dict[str, Any]) -> dict[str, Any]:
    unknown = set(fields) - set(TAF_FIELDS)
    if unknown:
        raise InvalidInput({k: f"{k} is not part of a team member's details" for k in sorted(unknown)})
    errors = v.Errors()
    clean: dict[str, Any] = {}
    for key, value in fields.items():
        if key == "name":
            clean[key] = v.text(value, key, "their name", errors, required=True, max_length=120)
        elif key == "phone":
            clean[key] = v.phone(value, errors)
        elif key == "email":
            clean[key] = v.email(value, errors)
        else:
            clean[key] = v.text(value, key, f"their {key}", errors, max_length=120)
    errors.raise_if_any()
    return clean
