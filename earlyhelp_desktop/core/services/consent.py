"""Agreement to early help and the family's sharing permissions.

Agreement to receive early help is recorded per adult (and per child old enough to give it) per episode,
separately from the lawful basis for holding the record (UK GDPR public task by default; consent where a
council uses it). Sharing permissions say, per partner agency, what it may see (everything, the plan
only, nothing), whether it gets a copy, and whether it must *not* see anything.

``may_see`` and ``recipients`` are what printing and exporting follow: an agency marked "must not see" is
never a recipient, whatever else is recorded. A safeguarding override (with its reason) lets information
go to agencies without the family's agreement, to protect a child; it never reaches a "must not see"
agency (a referral to protect a child goes to the front door, by phone, not through a print).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, Literal

from sqlalchemy import select
from sqlalchemy.orm import Session

from earlyhelp_desktop.core.errors import InvalidInput, NotFound, WrongState
from earlyhelp_desktop.core.ids import derived_id
from earlyhelp_desktop.core.services import validate as v
from earlyhelp_desktop.core.services.base import Changes, Service, changes, today
from earlyhelp_desktop.core.services.common import (
    CASEWORK,
    age_on,
    assign,
    episode_for_change,
    live,
    member,
    ref_codes,
)
from earlyhelp_desktop.core.services.families import full_name
from earlyhelp_desktop.core.store.models import (
    Agreement,
    Episode,
    Family,
    Membership,
    Person,
    SharingPermission,
)
from earlyhelp_desktop.core.store.search import fold

AGREEMENT_METHODS = {"written": "Written (signed)", "verbal": "Verbal (recorded by the worker)"}
ACCESS = {"everything": "Everything", "plan": "The plan only", "nothing": "Nothing"}
RESTRICTIVE = {"nothing": 0, "plan": 1, "everything": 2}
LAWFUL_BASES = {
    "public_task": "Public task (UK GDPR Article 6(1)(e), with Article 9(2)(h))",
    "consent": "Consent (UK GDPR Article 6(1)(a))",
}
# A child of this age or older may give (or refuse) their own agreement; councils' forms commonly ask
# from 12. Younger children's agreement is given by an adult with parental responsibility.
CHILD_AGREEMENT_AGE = 12
ADULT_AGE = 18

What = Literal["plan", "everything"]
AgreementState = Literal["agreed", "declined", "withdrawn", "not_recorded"]


@dataclass(frozen=True, slots=True)
class AgreementLine:
    """One person who can give agreement in an episode, and what is recorded for them."""

    person_id: str
    full_name: str
    is_child: bool
    state: AgreementState
    agreement: Agreement | None


@dataclass(frozen=True, slots=True)
class SharingDecision:
    """Whether an agency may see the plan or everything, and why, in words fit to show."""

    agency: str
    allowed: bool
    access: str  # everything | plan | nothing
    gets_copy: bool
    must_not_see: bool
    by_override: bool
    reason: str


def agreement_id(episode_id: str, person_id: str) -> str:
    return derived_id("agreement", episode_id, person_id)


def agency_key(agency: str) -> str:
    """Agencies are matched by name whatever the case or accents, so "St Mary's" meets "st marys"."""
    return " ".join(fold(agency).split())


def sharing_id(family_id: str, agency: str) -> str:
    return derived_id("sharing_permission", family_id, agency_key(agency))


def _names(row: SharingPermission, labels: dict[str, str]) -> set[str]:
    """A permission may hold a name ("Paignton Surgery") or a configured code ("gp" -> "GP")."""
    return {agency_key(row.agency), agency_key(labels.get(row.agency, row.agency))}


def find_sharing(session: Session, family_id: str, agency: str) -> list[SharingPermission]:
    """The family's permissions for an agency, matched by name or configured code whatever the case or
    accents, live ones first and the most restrictive first: two made offline at two venues for one
    agency must never let the less careful one win. Deleted rows come last (they can be restored)."""
    labels = ref_codes(session, "agency", active_only=False)
    wanted = {agency_key(agency), agency_key(labels.get(agency, agency))}
    rows = session.scalars(
        select(SharingPermission)
        .where(SharingPermission.family_id == family_id)
        .order_by(SharingPermission.created_at)
    ).all()
    found = [r for r in rows if _names(r, labels) & wanted]
    found.sort(key=lambda r: (r.deleted, not r.must_not_see, RESTRICTIVE.get(r.access, 0)))
    return found


def _state(row: Agreement | None) -> AgreementState:
    if row is None or row.deleted:
        return "not_recorded"
    if row.withdrawn_on is not None:
        return "withdrawn"
    return "agreed" if row.agreed else "declined"


class ConsentService(Service):
    # -- agreement ---------------------------------------------------------------------------------

    def record_agreement(
        self,
        episode_id: str,
        person_id: str,
        *,
        agreed: bool | str,
        method: str | None = None,
        agreed_on: str | dt.date | None = None,
        note: str | None = None,
    ) -> Changes:
        """Records that a person agreed (or did not agree) to early help in this episode. Recording it
        again after a withdrawal renews it."""
        self.require(*CASEWORK)
        errors = v.Errors()
        yes = v.boolean(agreed, "agreed", "they agree to early help", errors, required=True)
        method_ = v.choice(method, AGREEMENT_METHODS, "method", "how they agreed", errors, required=bool(yes))
        on = v.date(agreed_on, "agreed_on", "the date they agreed", errors, past=True)
        note_ = v.long_text(note, "note", "a note", errors, max_length=2000)
        errors.raise_if_any()
        row_id = agreement_id(episode_id, person_id)
        with self.ws.write() as session:
            episode = episode_for_change(session, episode_id)
            self._check_can_agree(session, episode.family_id, person_id, on or today())
            values: dict[str, Any] = {
                "agreed": bool(yes),
                "method": method_,
                "agreed_on": (on or today()) if yes else on,
                "withdrawn_on": None,
                "note": note_,
            }
            row = session.get(Agreement, row_id)
            if row is None:
                session.add(
                    Agreement(
                        id=row_id,
                        family_id=episode.family_id,
                        episode_id=episode_id,
                        person_id=person_id,
                        **values,
                    )
                )
                self.audit(session, "create", "agreement", row_id, episode.family_id, agreed=bool(yes))
            else:
                if row.deleted:
                    row.deleted = False
                changed = assign(row, values)
                if changed:
                    self.audit(session, "update", "agreement", row_id, episode.family_id, fields=changed)
        return changes({"agreement"}, [episode.family_id], [row_id])

    def withdraw(
        self,
        episode_id: str,
        person_id: str,
        *,
        withdrawn_on: str | dt.date | None = None,
        note: str | None = None,
    ) -> Changes:
        """Records that a person withdrew their agreement (the agreement itself stays on the record)."""
        self.require(*CASEWORK)
        errors = v.Errors()
        on = v.date(withdrawn_on, "withdrawn_on", "the date they withdrew", errors, past=True)
        note_ = v.long_text(note, "note", "a note", errors, max_length=2000)
        errors.raise_if_any()
        row_id = agreement_id(episode_id, person_id)
        with self.ws.write() as session:
            episode = episode_for_change(session, episode_id)
            row = live(session, Agreement, row_id)
            if row is None or _state(row) != "agreed":
                raise WrongState("There is no agreement in force for this person to withdraw.")
            values: dict[str, object] = {"withdrawn_on": on or today()}
            if note_ is not None:
                values["note"] = note_
            if row.agreed_on and (on or today()) < row.agreed_on:
                raise InvalidInput({"withdrawn_on": "The date they withdrew must be on or after they agreed"})
            changed = assign(row, values)
            self.audit(
                session, "update", "agreement", row_id, episode.family_id, fields=changed, withdrawn=True
            )
        return changes({"agreement"}, [episode.family_id])

    def agreements(self, episode_id: str) -> list[AgreementLine]:
        """Everyone in the household who can give agreement, adults first, with what is recorded."""
        with self.ws.read() as session:
            episode = live(session, Episode, episode_id)
            if episode is None:
                raise NotFound(f"No episode of early help with id {episode_id} on this laptop.")
            rows = {
                a.person_id: a
                for a in session.scalars(
                    select(Agreement).where(Agreement.episode_id == episode_id, Agreement.deleted.is_(False))
                )
            }
            lines = []
            for person, membership in session.execute(
                select(Person, Membership)
                .join(Membership, Membership.person_id == Person.id)
                .where(
                    Membership.family_id == episode.family_id,
                    Membership.deleted.is_(False),
                    Person.deleted.is_(False),
                )
                .order_by(Membership.is_child, Person.date_of_birth, Person.given_name)
            ):
                child = _is_child(person, membership, today())
                if child and not _old_enough(person, today()) and person.id not in rows:
                    continue
                row = rows.get(person.id)
                lines.append(AgreementLine(person.id, full_name(person), child, _state(row), row))
        return lines

    def agreement_in_force(self, episode_id: str) -> bool:
        """True when at least one adult's agreement is recorded and not withdrawn."""
        return any(line.state == "agreed" and not line.is_child for line in self.agreements(episode_id))

    @staticmethod
    def _check_can_agree(session: Session, family_id: str, person_id: str, on: dt.date) -> None:
        found = member(session, family_id, person_id)
        if found is None:
            raise InvalidInput({"person_id": "Choose a person who belongs to this family"})
        person, membership = found
        if _is_child(person, membership, on) and not _old_enough(person, on):
            raise InvalidInput(
                {
                    "person_id": f"Children under {CHILD_AGREEMENT_AGE} do not give their own agreement: "
                    "record the agreement of an adult with parental responsibility (and the child's date "
                    "of birth if it is missing)"
                }
            )

    # -- sharing permissions ---------------------------------------------------------------------

    def set_sharing(
        self,
        family_id: str,
        agency: str,
        *,
        access: str,
        gets_copy: bool = False,
        must_not_see: bool = False,
        note: str | None = None,
    ) -> Changes:
        """Records what one partner agency may see. "Must not see" means nothing, and no copy."""
        self.require(*CASEWORK)
        errors = v.Errors()
        agency_ = v.text(agency, "agency", "the agency's name", errors, required=True, max_length=120)
        access_ = v.choice(access, ACCESS, "access", "what they may see", errors, required=True)
        note_ = v.long_text(note, "note", "a note", errors, max_length=2000)
        if must_not_see and access_ not in (None, "nothing"):
            errors.add("access", "An agency that must not see anything cannot see the plan: choose Nothing")
        if gets_copy and (must_not_see or access_ == "nothing"):
            errors.add("gets_copy", "Only an agency that may see the plan or everything can get a copy")
        errors.raise_if_any()
        assert agency_ is not None and access_ is not None
        values = {
            "agency": agency_,
            "access": access_,
            "gets_copy": bool(gets_copy),
            "must_not_see": bool(must_not_see),
            "note": note_,
        }
        with self.ws.write() as session:
            self._family_for_change(session, family_id)
            rows = find_sharing(session, family_id, agency_)
            row_id = rows[0].id if rows else sharing_id(family_id, agency_)
            if not rows:
                session.add(SharingPermission(id=row_id, family_id=family_id, **values))
                self.audit(session, "create", "sharing_permission", row_id, family_id, access=access_)
            del values["agency"]  # the name as first written stays (a typed variant matched it)
            for row in rows:  # every record of this agency says the same from now on
                if row.deleted and row is not rows[0]:
                    continue
                if row.deleted:
                    row.deleted = False
                changed = assign(row, values)
                if changed:
                    self.audit(session, "update", "sharing_permission", row.id, family_id, fields=changed)
        return changes({"sharing_permission"}, [family_id], [row_id])

    def remove_sharing(self, family_id: str, agency: str) -> Changes:
        """Forgets a permission (the agency then may see nothing, as for any agency not listed)."""
        self.require(*CASEWORK)
        with self.ws.write() as session:
            self._family_for_change(session, family_id)
            rows = [r for r in find_sharing(session, family_id, agency) if not r.deleted]
            if not rows:
                raise NotFound(f"There is no sharing permission for {agency} to remove.")
            for row in rows:
                self.delete(row)
                self.audit(session, "delete", "sharing_permission", row.id, family_id)
        return changes({"sharing_permission"}, [family_id])

    def sharing(self, family_id: str) -> list[SharingPermission]:
        with self.ws.read() as session:
            return list(
                session.scalars(
                    select(SharingPermission)
                    .where(SharingPermission.family_id == family_id, SharingPermission.deleted.is_(False))
                    .order_by(SharingPermission.agency)
                )
            )

    def set_lawful_basis(self, family_id: str, basis: str) -> Changes:
        self.require(*CASEWORK)
        errors = v.Errors()
        basis_ = v.choice(basis, LAWFUL_BASES, "lawful_basis", "a lawful basis", errors, required=True)
        errors.raise_if_any()
        return self._set_family(family_id, {"lawful_basis": basis_})

    def set_evaluation_opt_out(self, family_id: str, opted_out: bool | str) -> Changes:
        """The family opted out of (or back into) national evaluation."""
        self.require(*CASEWORK)
        errors = v.Errors()
        value = v.boolean(
            opted_out, "evaluation_opt_out", "the family opted out of evaluation", errors, required=True
        )
        errors.raise_if_any()
        return self._set_family(family_id, {"evaluation_opt_out": value})

    def set_safeguarding_override(self, family_id: str, on: bool, reason: str | None = None) -> Changes:
        """Shares without the family's agreement to protect a child; the reason is required."""
        self.require(*CASEWORK)
        errors = v.Errors()
        reason_ = v.long_text(
            reason,
            "override_reason",
            "why information is shared to protect a child",
            errors,
            required=on,
            max_length=4000,
        )
        errors.raise_if_any()
        return self._set_family(
            family_id, {"safeguarding_override": bool(on), "override_reason": reason_ if on else None}
        )

    def _set_family(self, family_id: str, values: dict[str, object]) -> Changes:
        with self.ws.write() as session:
            family = self._family_for_change(session, family_id)
            changed = assign(family, values)
            if changed:
                self.audit(session, "update", "family", family_id, family_id, fields=changed)
        return changes({"family"} if changed else set(), [family_id])

    def _family_for_change(self, session: Session, family_id: str) -> Family:
        family = self.get(session, Family, family_id, "family")
        if family.merged_into_id:
            raise WrongState("This family record was merged into another: open the other record.")
        return family

    # -- what the documents follow ---------------------------------------------------------------

    def may_see(self, family_id: str, agency: str, what: What = "plan") -> SharingDecision:
        """May this agency see the plan (or everything)? The reason is fit to show to the person printing."""
        with self.ws.read() as session:
            family = self.get(session, Family, family_id, "family")
            rows = [r for r in find_sharing(session, family_id, agency) if not r.deleted]
            row = rows[0] if rows else None
            labels = ref_codes(session, "agency", active_only=False)
            episode_id = self._latest_episode(session, family_id)
        withdrawn = False
        if family.lawful_basis == "consent" and episode_id is not None:
            withdrawn = not self.agreement_in_force(episode_id)
        return _decide(family, agency, row, what, withdrawn, labels)

    def recipients(self, family_id: str, what: What = "plan") -> list[SharingDecision]:
        """Agencies that get a copy and may see it. Never a "must not see" agency."""
        found: dict[str, SharingDecision] = {}
        for permission in self.sharing(family_id):
            if permission.gets_copy:
                decision = self.may_see(family_id, permission.agency, what)
                found.setdefault(agency_key(decision.agency), decision)
        return [d for d in found.values() if d.allowed and d.gets_copy and not d.must_not_see]

    @staticmethod
    def _latest_episode(session: Session, family_id: str) -> str | None:
        return session.scalar(
            select(Episode.id)
            .where(Episode.family_id == family_id, Episode.deleted.is_(False))
            .order_by((Episode.status == "open").desc(), Episode.opened_on.desc(), Episode.created_at.desc())
            .limit(1)
        )


def _is_child(person: Person, membership: Membership, on: dt.date) -> bool:
    if person.date_of_birth is not None:
        return age_on(person.date_of_birth, on) < ADULT_AGE
    return membership.is_child or person.due_date is not None


def _old_enough(person: Person, on: dt.date) -> bool:
    return person.date_of_birth is not None and age_on(person.date_of_birth, on) >= CHILD_AGREEMENT_AGE


def _decide(
    family: Family,
    agency: str,
    row: SharingPermission | None,
    what: What,
    withdrawn: bool,
    labels: dict[str, str],
) -> SharingDecision:
    name = labels.get(row.agency, row.agency) if row is not None else " ".join(agency.split())
    access = row.access if row is not None else "nothing"
    gets_copy = bool(row.gets_copy) if row is not None else False
    must_not = bool(row.must_not_see) if row is not None else False
    override = bool(family.safeguarding_override)

    def decision(allowed: bool, reason: str, by_override: bool = False) -> SharingDecision:
        return SharingDecision(name, allowed, access, gets_copy and allowed, must_not, by_override, reason)

    if must_not:
        return decision(False, f"The family asked that {name} must not see their information.")
    if override:
        why = f" ({family.override_reason})" if family.override_reason else ""
        return decision(True, f"Shared to protect a child, without the family's agreement{why}.", True)
    if withdrawn:
        return decision(
            False,
            f"The family's information is shared by consent and no adult's agreement is in force, so "
            f"nothing may go to {name}.",
        )
    if row is None:
        return decision(
            False,
            f"The family has not said whether {name} may see their information: record a sharing "
            "permission first.",
        )
    if access == "everything" or (access == "plan" and what == "plan"):
        shown = "everything" if access == "everything" else "the plan"
        return decision(True, f"The family agreed that {name} may see {shown}.")
    if access == "plan":
        return decision(False, f"The family agreed that {name} may see the plan only.")
    return decision(False, f"The family has not agreed to share anything with {name}.")
