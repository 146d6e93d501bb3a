"""People and their memberships of households."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from earlyhelp_desktop.core.errors import InvalidInput
from earlyhelp_desktop.core.ids import derived_id, new_id
from earlyhelp_desktop.core.services import validate as v
from earlyhelp_desktop.core.services.base import Changes, Service, changes
from earlyhelp_desktop.core.services.families import Duplicate, full_name
from earlyhelp_desktop.core.store.models import Family, Membership, Person, RefItem
from earlyhelp_desktop.core.store.search import matching, name_key, tokens

PERSON_FIELDS = (
    "given_name",
    "family_name",
    "preferred_name",
    "family_name_first",
    "date_of_birth",
    "due_date",
    "gender",
    "ethnicity",
    "religion",
    "language",
    "interpreter_needed",
    "communication_needs",
    "disability",
    "school",
    "nhs_number",
    "upn",
    "must_not_know_whereabouts",
)
MEMBERSHIP_FIELDS = ("relationship", "is_child", "lives_in_household", "parental_responsibility")


@dataclass(frozen=True, slots=True)
class PersonInput:
    """What a form or the CLI gives for a person. Dates may be text ('27 3 2019') or dates."""

    given_name: str
    family_name: str
    preferred_name: str | None = None
    family_name_first: bool = False
    date_of_birth: str | dt.date | None = None
    due_date: str | dt.date | None = None
    gender: str | None = None
    ethnicity: str | None = None
    religion: str | None = None
    language: str | None = None
    interpreter_needed: bool = False
    communication_needs: str | None = None
    disability: str | None = None
    school: str | None = None
    nhs_number: str | None = None
    upn: str | None = None
    must_not_know_whereabouts: bool = False


def clean_person(data: PersonInput | dict[str, Any], errors: v.Errors) -> dict[str, Any]:
    """Validated person fields; messages go to ``errors`` under each field's name."""
    raw = data if isinstance(data, dict) else {f: getattr(data, f) for f in PERSON_FIELDS}
    out: dict[str, Any] = {}
    for key, value in raw.items():
        if key == "given_name":
            out[key] = v.text(value, key, "their first name", errors, required=True, max_length=80)
        elif key == "family_name":
            out[key] = v.text(value, key, "their last name", errors, required=True, max_length=80)
        elif key == "date_of_birth":
            out[key] = v.date(value, key, "the date of birth", errors, past=True)
        elif key == "due_date":
            out[key] = v.date(value, key, "the due date", errors)
        elif key == "nhs_number":
            out[key] = v.nhs_number(value, errors)
        elif key == "upn":
            out[key] = v.upn(value, errors)
        elif key in ("interpreter_needed", "must_not_know_whereabouts", "family_name_first"):
            out[key] = bool(value)
        elif key in ("communication_needs", "disability"):
            out[key] = v.long_text(value, key, key.replace("_", " "), errors, max_length=2000)
        elif key in PERSON_FIELDS:
            out[key] = v.text(value, key, key.replace("_", " "), errors, max_length=120)
        else:
            errors.add(key, f"{key} is not a field of a person")
    if out.get("date_of_birth") and out.get("due_date"):
        errors.add("due_date", "Enter either a date of birth or a due date, not both")
    due = out.get("due_date")
    if due and due < dt.date.today() - dt.timedelta(days=60):
        errors.add("due_date", "The due date is long past: enter the date of birth instead")
    return out


class PeopleService(Service):
    def likely_duplicates(
        self,
        given_name: str,
        family_name: str,
        date_of_birth: dt.date | str | None = None,
        postcode: str | None = None,
    ) -> list[Duplicate]:
        """People who may be this one: same folded name, or same surname and date of birth."""
        errors = v.Errors()
        dob = v.date(date_of_birth, "date_of_birth", "date of birth", errors)
        code = v.postcode(postcode, errors)
        given, family = name_key(given_name), name_key(family_name)
        surname = tokens(family_name)
        if not surname:
            return []
        # Candidates: households whose search entry has every word of the surname (the FTS index).
        expression = " ".join(f'names:"{w}"' for w in surname)
        found = []
        with self.ws.read() as session:
            rows = session.execute(
                select(Person, Family)
                .join(Membership, Membership.person_id == Person.id)
                .join(Family, Family.id == Membership.family_id)
                .where(
                    Person.deleted.is_(False),
                    Person.merged_into_id.is_(None),
                    Membership.deleted.is_(False),
                    Family.id.in_(matching(expression)),
                )
            )
            seen: set[str] = set()
            for person, home in rows:
                if person.id in seen:
                    continue
                seen.add(person.id)
                same_name = name_key(person.given_name) == given and name_key(person.family_name) == family
                same_surname = name_key(person.family_name) == family
                same_dob = dob is not None and person.date_of_birth == dob
                same_postcode = code is not None and home.postcode == code
                if not (same_name or (same_dob and same_surname)):
                    continue
                reasons = [
                    r
                    for r, ok in (
                        ("same name", same_name),
                        ("same date of birth", same_dob),
                        ("same postcode", same_postcode),
                    )
                    if ok
                ]
                found.append(
                    Duplicate(
                        person.id,
                        f"{full_name(person)} in the {home.display_name} family ({home.reference})",
                        " and ".join(reasons),
                    )
                )
        return found

    def add(
        self,
        family_id: str,
        person: PersonInput,
        *,
        relationship: str,
        is_child: bool = False,
        lives_in_household: bool = True,
        parental_responsibility: bool = False,
    ) -> Changes:
        """Adds a new person to a household. Warns of likely duplicates (it does not refuse)."""
        errors = v.Errors()
        fields = clean_person(person, errors)
        with self.ws.read() as session:
            self._check_relationship(session, relationship, errors)
            family = session.get(Family, family_id)
        errors.raise_if_any()
        if family is None or family.deleted:
            raise InvalidInput({"family": "That family is not on this laptop"})
        dups = self.likely_duplicates(
            fields["given_name"], fields["family_name"], fields.get("date_of_birth"), family.postcode
        )
        warnings = tuple(f"Possible duplicate: {d.label} ({d.reason})" for d in dups)
        person_id = new_id()
        with self.ws.write() as session:
            session.add(Person(id=person_id, family_id=family_id, **fields))
            session.add(
                Membership(
                    id=derived_id("membership", family_id, person_id),
                    family_id=family_id,
                    person_id=person_id,
                    relationship=relationship,
                    is_child=is_child,
                    lives_in_household=lives_in_household,
                    parental_responsibility=parental_responsibility,
                )
            )
            self.audit(session, "create", "person", person_id, family_id)
        return changes({"person", "membership"}, [family_id], [person_id], warnings)

    def update(self, person_id: str, **values: Any) -> Changes:
        errors = v.Errors()
        fields = clean_person(values, errors)
        errors.raise_if_any()
        with self.ws.write() as session:
            person = self.get(session, Person, person_id, "person")
            for key, value in fields.items():
                setattr(person, key, value)
            families = session.scalars(
                select(Membership.family_id).where(
                    Membership.person_id == person_id, Membership.deleted.is_(False)
                )
            ).all()
            self.audit(session, "update", "person", person_id, person.family_id, fields=sorted(fields))
        return changes({"person"}, families)

    def join(
        self,
        family_id: str,
        person_id: str,
        *,
        relationship: str,
        is_child: bool = False,
        lives_in_household: bool = True,
        parental_responsibility: bool = False,
    ) -> Changes:
        """Adds an existing person to another household (a child of separated parents is in both)."""
        errors = v.Errors()
        with self.ws.read() as session:
            self._check_relationship(session, relationship, errors)
        errors.raise_if_any()
        with self.ws.write() as session:
            self.get(session, Family, family_id, "family")
            self.get(session, Person, person_id, "person")
            membership_id = derived_id("membership", family_id, person_id)
            existing = session.get(Membership, membership_id)
            values = {
                "relationship": relationship,
                "is_child": is_child,
                "lives_in_household": lives_in_household,
                "parental_responsibility": parental_responsibility,
            }
            if existing is None:
                session.add(Membership(id=membership_id, family_id=family_id, person_id=person_id, **values))
            else:
                if existing.deleted:
                    existing.deleted = False
                for key, value in values.items():
                    if getattr(existing, key) != value:
                        setattr(existing, key, value)
            self.audit(session, "update", "membership", membership_id, family_id)
        return changes({"membership"}, [family_id])

    def update_membership(self, family_id: str, person_id: str, **values: Any) -> Changes:
        unknown = set(values) - set(MEMBERSHIP_FIELDS)
        if unknown:
            raise InvalidInput({k: f"{k} is not part of a membership" for k in unknown})
        errors = v.Errors()
        if "relationship" in values:
            with self.ws.read() as session:
                self._check_relationship(session, values["relationship"], errors)
        errors.raise_if_any()
        with self.ws.write() as session:
            membership = self.get(
                session, Membership, derived_id("membership", family_id, person_id), "membership"
            )
            for key, value in values.items():
                setattr(membership, key, value if key == "relationship" else bool(value))
        return changes({"membership"}, [family_id])

    def leave(self, family_id: str, person_id: str) -> Changes:
        """Removes a person from a household (the person and their history stay)."""
        with self.ws.write() as session:
            membership = self.get(
                session, Membership, derived_id("membership", family_id, person_id), "membership"
            )
            self.delete(membership)
            self.audit(session, "update", "membership", membership.id, family_id, removed=True)
        return changes({"membership"}, [family_id])

    @staticmethod
    def _check_relationship(session: Session, relationship: str, errors: v.Errors) -> None:
        known = session.scalars(select(RefItem.code).where(RefItem.list_name == "relationship")).all()
        if relationship not in known:
            errors.add("relationship", "Select how this person is related to the family")
