"""Families: find, create, update, flag, delete and merge households."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, func, literal_column, select, text
from sqlalchemy.orm import Session

from earlyhelp_desktop.core.errors import InvalidInput, NotFound
from earlyhelp_desktop.core.ids import derived_id, family_reference, new_id, normalise_reference
from earlyhelp_desktop.core.services import validate as v
from earlyhelp_desktop.core.services.base import Changes, Service, changes
from earlyhelp_desktop.core.store.models import (
    Episode,
    Family,
    FamilyFlag,
    FamilyScoped,
    FamilyTag,
    Hub,
    Membership,
    Person,
    RefItem,
    Staff,
    syncable_models,
)
from earlyhelp_desktop.core.store.search import fold, match_expression, matching, name_key, tokens

UPDATABLE = (
    "display_name",
    "postcode",
    "address_line1",
    "address_line2",
    "town",
    "level_of_need",
    "lead_worker_id",
    "confidential_address",
    "lawful_basis",
    "evaluation_opt_out",
    "status",
)


@dataclass(frozen=True, slots=True)
class MemberSummary:
    person_id: str
    full_name: str
    preferred_name: str | None
    date_of_birth: dt.date | None
    due_date: dt.date | None
    relationship: str
    is_child: bool


@dataclass(frozen=True, slots=True)
class FamilySummary:
    id: str
    reference: str
    display_name: str
    postcode: str | None
    level_of_need: int | None
    status: str
    lead_worker: str | None
    members: tuple[MemberSummary, ...]


@dataclass(frozen=True, slots=True)
class Duplicate:
    """A record that may be the same household or person as the one being created."""

    id: str
    label: str
    reason: str


@dataclass(frozen=True, slots=True)
class FamilyFilter:
    text: str = ""
    status: str | None = None
    level_of_need: int | None = None
    lead_worker_id: str | None = None


def full_name(person: Person) -> str:
    """The name as the person writes it: family name first where that is their custom."""
    if person.family_name_first:
        return f"{person.family_name} {person.given_name}".strip()
    return f"{person.given_name} {person.family_name}".strip()


class FamilyService(Service):
    # -- finding ---------------------------------------------------------------------------------

    def _filtered(self, flt: FamilyFilter, ordered_scan: bool = False) -> Select[Any]:
        query = select(Family.id).where(Family.deleted.is_(False), Family.merged_into_id.is_(None))
        if flt.status:
            query = query.where(Family.status == flt.status)
        if flt.level_of_need is not None:
            query = query.where(Family.level_of_need == flt.level_of_need)
        if flt.lead_worker_id:
            query = query.where(Family.lead_worker_id == flt.lead_worker_id)
        expression = match_expression(flt.text) if flt.text else None
        if expression:
            # "+family.id" keeps SQLite from looking matches up by id, so it scans in name order instead
            column = literal_column("+family.id") if ordered_scan else Family.id
            query = query.where(column.in_(matching(expression)))
        elif flt.text and flt.text.strip():
            query = query.where(text("0"))  # only punctuation typed: nothing can match
        return query

    def find_ids(self, flt: FamilyFilter = FamilyFilter(), limit: int | None = None) -> list[str]:
        """Ids in display order (name, then reference). Cheap enough for 20,000 families."""
        # A short word ("t", "gr", "tq1") matches thousands of families: then walk the name index in order
        # and stop at the limit, rather than fetch and sort every match.
        short = bool(limit and flt.text) and max(map(len, tokens(flt.text)), default=0) <= 3
        query = self._filtered(flt, ordered_scan=short).order_by(Family.display_name, Family.reference)
        ref = normalise_reference(flt.text) if flt.text else None
        with self.ws.read() as session:
            exact: list[str] = (
                list(session.scalars(select(Family.id).where(Family.reference == ref))) if ref else []
            )
            found: list[str] = list(session.scalars(query.limit(limit) if limit else query))
        return exact + [f for f in found if f not in exact]

    def summaries(self, ids: Sequence[str]) -> list[FamilySummary]:
        """Rows for a list, in the order of ``ids`` (fetched lazily by the list screens)."""
        if not ids:
            return []
        with self.ws.read() as session:
            families = {
                f.id: f
                for f in session.execute(
                    select(
                        Family.id,
                        Family.reference,
                        Family.display_name,
                        Family.postcode,
                        Family.level_of_need,
                        Family.status,
                        Staff.full_name,
                    )
                    .outerjoin(Staff, Staff.id == Family.lead_worker_id)
                    .where(Family.id.in_(ids))
                )
            }
            members = self._members(session, ids)
        return [
            FamilySummary(
                f.id,
                f.reference,
                f.display_name,
                f.postcode,
                f.level_of_need,
                f.status,
                f.full_name,
                tuple(members.get(f.id, ())),
            )
            for i in ids
            if (f := families.get(i)) is not None
        ]

    def search(self, flt: FamilyFilter | str = FamilyFilter(), limit: int = 50) -> list[FamilySummary]:
        if isinstance(flt, str):
            flt = FamilyFilter(text=flt)
        return self.summaries(self.find_ids(flt, limit))

    @staticmethod
    def _members(session: Session, family_ids: Iterable[str]) -> dict[str, list[MemberSummary]]:
        rows = session.execute(
            select(Membership, Person)
            .join(Person, Person.id == Membership.person_id)
            .where(
                Membership.family_id.in_(list(family_ids)),
                Membership.deleted.is_(False),
                Person.deleted.is_(False),
            )
            .order_by(Membership.is_child, Person.date_of_birth, Person.given_name)
        )
        found: dict[str, list[MemberSummary]] = defaultdict(list)
        for m, p in rows:
            found[m.family_id].append(
                MemberSummary(
                    p.id,
                    full_name(p),
                    p.preferred_name,
                    p.date_of_birth,
                    p.due_date,
                    m.relationship,
                    m.is_child,
                )
            )
        return found

    def resolve(self, ref_or_id: str) -> str:
        """A family id from an id or a reference as typed (case and dashes forgiven); follows merges."""
        with self.ws.read() as session:
            family = session.get(Family, ref_or_id.strip())
            if family is None:
                ref = normalise_reference(ref_or_id)
                if ref:
                    family = session.scalars(select(Family).where(Family.reference == ref)).first()
            seen = set()
            while family is not None and family.merged_into_id and family.id not in seen:
                seen.add(family.id)
                family = session.get(Family, family.merged_into_id)
        if family is None or family.deleted:
            raise NotFound(f"No family with reference or id {ref_or_id!r} on this laptop.")
        return family.id

    def likely_duplicates(self, name: str, postcode: str | None = None) -> list[Duplicate]:
        """Households that may be this one: same folded name, or same postcode."""
        errors = v.Errors()
        code = v.postcode(postcode, errors) if postcode else None
        wanted = name_key(name)
        with self.ws.read() as session:
            query = select(Family).where(Family.deleted.is_(False), Family.merged_into_id.is_(None))
            candidates = session.scalars(query.where((Family.postcode == code) if code else text("0"))).all()
            ids = {f.id for f in candidates}
            for f in session.scalars(
                query.where(Family.id.in_(matching(" ".join(f'names:"{w}"' for w in tokens(name)) or '""')))
            ):
                if f.id not in ids:
                    candidates = [*candidates, f]
        found = []
        for f in candidates:
            same_name = name_key(f.display_name) == wanted
            same_postcode = code is not None and f.postcode == code
            if same_name or same_postcode:
                reason = " and ".join(
                    r for r, ok in (("same name", same_name), ("same postcode", same_postcode)) if ok
                )
                found.append(Duplicate(f.id, f"{f.display_name} family ({f.reference})", reason))
        return found

    # -- changing --------------------------------------------------------------------------------

    def add(
        self,
        name: str,
        *,
        postcode: str | None = None,
        address_line1: str | None = None,
        address_line2: str | None = None,
        town: str | None = None,
        level_of_need: int | None = None,
        hub_id: str | None = None,
        lead_worker_id: str | None = None,
        confidential_address: bool = False,
        request_reason: str | None = None,
        request_source: str | None = None,
    ) -> Changes:
        """Creates a family with its first episode of early help. Warns (does not refuse) on duplicates."""
        errors = v.Errors()
        display = v.text(name, "name", "the family's name", errors, required=True, max_length=120)
        code = v.postcode(postcode, errors)
        line1 = v.text(address_line1, "address_line1", "the first line of the address", errors)
        line2 = v.text(address_line2, "address_line2", "the second line of the address", errors)
        town_ = v.text(town, "town", "the town", errors, max_length=80)
        level = v.score(level_of_need, "level_of_need", "level of need", errors, 1, 4)
        errors.raise_if_any()
        assert display is not None
        warnings = tuple(
            f"Possible duplicate: {d.label} ({d.reason})" for d in self.likely_duplicates(display, code)
        )
        family_id = new_id()
        with self.ws.write() as session:
            hub = session.get(Hub, hub_id or self.ws.home_hub_id)
            if hub is None:
                raise InvalidInput({"hub_id": "Choose a hub that exists on this laptop"})
            reference = self._unique_reference(session, hub.code)
            session.add(
                Family(
                    id=family_id,
                    family_id=family_id,
                    reference=reference,
                    display_name=display,
                    hub_id=hub.id,
                    postcode=code,
                    address_line1=line1,
                    address_line2=line2,
                    town=town_,
                    level_of_need=level,
                    lead_worker_id=lead_worker_id or self.user_id,
                    confidential_address=confidential_address,
                    status="open",
                )
            )
            session.add(
                Episode(
                    id=new_id(),
                    family_id=family_id,
                    opened_on=dt.date.today(),
                    request_reason=request_reason,
                    request_source=request_source,
                    status="open",
                )
            )
            self.audit(session, "create", "family", family_id, family_id)
        return changes({"family", "episode"}, [family_id], [family_id], warnings)

    @staticmethod
    def _unique_reference(session: Session, code: str) -> str:
        while True:
            reference = family_reference(code)
            if session.scalar(select(func.count()).where(Family.reference == reference)) == 0:
                return reference

    def update(self, family_id: str, **values: object) -> Changes:
        """Changes named fields (one transaction, one op). Unknown fields or bad values change nothing."""
        unknown = set(values) - set(UPDATABLE)
        if unknown:
            raise InvalidInput({k: f"{k} cannot be changed here" for k in sorted(unknown)})
        errors = v.Errors()
        clean: dict[str, object] = {}
        for key, value in values.items():
            if key == "postcode":
                clean[key] = v.postcode(None if value is None else str(value), errors)
            elif key == "level_of_need":
                clean[key] = v.score(value, key, "level of need", errors, 1, 4)  # type: ignore[arg-type]
            elif key in ("confidential_address", "evaluation_opt_out"):
                clean[key] = _boolean(value, key, errors)
            elif key == "status":
                clean[key] = v.choice(str(value), ("open", "closed"), key, "a status", errors, required=True)
            elif key == "lawful_basis":
                clean[key] = v.choice(
                    str(value), ("public_task", "consent"), key, "a lawful basis", errors, required=True
                )
            elif key == "display_name":
                clean[key] = v.text(
                    str(value), key, "the family's name", errors, required=True, max_length=120
                )
            else:
                clean[key] = v.text(None if value is None else str(value), key, key.replace("_", " "), errors)
        errors.raise_if_any()
        with self.ws.write() as session:
            family = self.get(session, Family, family_id, "family")
            if clean.get("lead_worker_id") and session.get(Staff, str(clean["lead_worker_id"])) is None:
                raise InvalidInput({"lead_worker_id": "Choose a member of staff who exists on this laptop"})
            for key, value in clean.items():
                setattr(family, key, value)
            self.audit(session, "update", "family", family_id, family_id, fields=sorted(clean))
        return changes({"family"}, [family_id])

    def set_flag(self, family_id: str, code: str, on: bool = True, note: str | None = None) -> Changes:
        """Adds or removes a flag such as "do not visit alone" (flags are kept as rows, so both sides'
        additions survive a sync)."""
        with self.ws.write() as session:
            self.get(session, Family, family_id, "family")
            label = session.scalar(
                select(RefItem.label).where(RefItem.list_name == "flag", RefItem.code == code)
            )
            if label is None:
                raise InvalidInput({"flag": f"There is no flag called {code!r}"})
            flag_id = derived_id("family_flag", family_id, code)
            flag = session.get(FamilyFlag, flag_id)
            if on:
                if flag is None:
                    session.add(
                        FamilyFlag(id=flag_id, family_id=family_id, code=code, label=label, note=note)
                    )
                elif flag.deleted:
                    flag.deleted = False
                elif note is not None:
                    flag.note = note
            elif flag is not None and not flag.deleted:
                self.delete(flag)
        return changes({"family_flag"}, [family_id])

    def set_tag(self, family_id: str, tag: str, on: bool = True) -> Changes:
        errors = v.Errors()
        cleaned = v.text(tag, "tag", "a tag", errors, required=True, max_length=64)
        errors.raise_if_any()
        assert cleaned is not None
        with self.ws.write() as session:
            self.get(session, Family, family_id, "family")
            tag_id = derived_id("family_tag", family_id, fold(cleaned))
            row = session.get(FamilyTag, tag_id)
            if on and row is None:
                session.add(FamilyTag(id=tag_id, family_id=family_id, tag=cleaned))
            elif on and row is not None and row.deleted:
                row.deleted = False
            elif not on and row is not None and not row.deleted:
                self.delete(row)
        return changes({"family_tag"}, [family_id])

    def delete_family(self, family_id: str) -> Changes:
        """Deletes a family and everything recorded under it (supervisors). Tombstones, never erasure."""
        self.require("supervisor")
        with self.ws.write() as session:
            family = self.get(session, Family, family_id, "family")
            for model in syncable_models():
                if issubclass(model, FamilyScoped) and model is not Family:
                    for row in session.scalars(
                        select(model).where(model.family_id == family_id, model.deleted.is_(False))
                    ):
                        if model.__sync_kind__.value != "append":
                            self.delete(row)
            self.delete(family)
            self.audit(session, "delete", "family", family_id, family_id)
        return changes({"family"}, [family_id])

    def merge(self, keep_id: str, merged_id: str) -> Changes:
        """Merges two records of one household made at two venues: everything moves to ``keep_id``;
        the merged record stays, pointing at the kept one, so nothing is lost and old references work."""
        self.require("supervisor", "family_worker")
        if keep_id == merged_id:
            raise InvalidInput({"family": "Choose two different families to merge"})
        with self.ws.write() as session:
            self.get(session, Family, keep_id, "family")
            merged = self.get(session, Family, merged_id, "family")
            for model in syncable_models():
                if not issubclass(model, FamilyScoped) or model in (Family, Membership):
                    continue
                if model.__sync_kind__.value == "append":
                    continue  # contacts and other append-only rows stay where written; reads follow merges
                for row in session.scalars(select(model).where(model.family_id == merged_id)):
                    row.family_id = keep_id
            for m in session.scalars(
                select(Membership).where(Membership.family_id == merged_id, Membership.deleted.is_(False))
            ):
                new_id_ = derived_id("membership", keep_id, m.person_id)
                existing = session.get(Membership, new_id_)
                if existing is None:
                    session.add(
                        Membership(
                            id=new_id_,
                            family_id=keep_id,
                            person_id=m.person_id,
                            relationship=m.relationship,
                            is_child=m.is_child,
                            lives_in_household=m.lives_in_household,
                            parental_responsibility=m.parental_responsibility,
                        )
                    )
                elif existing.deleted:
                    existing.deleted = False
                self.delete(m)
            merged.merged_into_id = keep_id
            self.audit(session, "merge", "family", merged_id, keep_id, merged_into=keep_id)
        return changes({"family", "membership"}, [keep_id, merged_id])

    def family_ids_for_merge(self, family_id: str) -> list[str]:
        """The family and every record merged into it (append-only rows stay under the old id)."""
        with self.ws.read() as session:
            ids = [family_id]
            frontier = [family_id]
            while frontier:
                found = session.scalars(select(Family.id).where(Family.merged_into_id.in_(frontier))).all()
                frontier = [f for f in found if f not in ids]
                ids.extend(frontier)
        return ids


def _boolean(value: object, field: str, errors: v.Errors) -> bool | None:
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in ("yes", "true", "1", "y"):
        return True
    if isinstance(value, str) and value.strip().lower() in ("no", "false", "0", "n"):
        return False
    errors.add(field, f"{field.replace('_', ' ').capitalize()} must be yes or no")
    return None
