"""The community directory: groups, courses, food clubs and peer support that people can be linked to.

Community connectors (and supervisors) keep it; everyone can search it. An entry either takes referrals
or is signposting only, may carry the council's quality mark ("kitemark"), and has a date by which it
should be checked again. Entries are retired rather than deleted once anyone has been linked to them.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, select

from earlyhelp_desktop.core.errors import InvalidInput, WrongState
from earlyhelp_desktop.core.ids import new_id
from earlyhelp_desktop.core.services import validate as v
from earlyhelp_desktop.core.services.base import Changes, Service, changes, today
from earlyhelp_desktop.core.services.common import assign, ref_codes
from earlyhelp_desktop.core.store.models import CommunityAsset, SocialLink
from earlyhelp_desktop.core.store.search import tokens

KEEPERS = ("supervisor", "community_connector")
KITEMARKS = {"none": "No quality mark", "applied": "Applied for", "awarded": "Awarded", "expired": "Expired"}
TEXT_FIELDS = {
    "organisation": ("the organisation's name", 120, True),
    "activity": ("the name of the activity", 120, True),
    "venue_name": ("where it happens", 120, False),
    "address": ("the address", 200, False),
    "days_times": ("when it happens, for example Tuesdays 10am to 12 noon", 120, False),
    "age_range": ("who it is for, for example 0 to 4 or Parents and carers", 80, False),
    "cost": ("the cost, for example Free or £2", 80, False),
    "contact_name": ("who to contact", 120, False),
}
FIELDS = (
    *TEXT_FIELDS,
    "description",
    "category_code",
    "postcode",
    "phone",
    "email",
    "website",
    "takes_referrals",
    "kitemark",
    "capacity",
    "review_on",
    "active",
)


@dataclass(frozen=True, slots=True)
class DirectoryFilter:
    text: str = ""
    category: str | None = None
    takes_referrals: bool | None = None
    kitemark: str | None = None
    include_retired: bool = False
    due_for_review: bool = False  # review date today or earlier


class DirectoryService(Service):
    def add(self, **fields: Any) -> Changes:
        """A new entry. Needs at least the organisation, the activity and a category."""
        self.require(*KEEPERS)
        fields.setdefault("takes_referrals", True)
        fields.setdefault("kitemark", "none")
        fields.setdefault("active", True)
        clean = self._clean(fields, new=True)
        asset_id = new_id()
        with self.ws.write() as session:
            session.add(CommunityAsset(id=asset_id, **clean))
            self.audit(session, "create", "community_asset", asset_id)
        return changes({"community_asset"}, created=[asset_id])

    def update(self, asset_id: str, **fields: Any) -> Changes:
        self.require(*KEEPERS)
        clean = self._clean(fields)
        with self.ws.write() as session:
            asset = self.get(session, CommunityAsset, asset_id, "directory entry")
            changed = assign(asset, clean)
            if changed:
                self.audit(session, "update", "community_asset", asset_id, fields=changed)
        return changes({"community_asset"} if changed else set())

    def retire(self, asset_id: str) -> Changes:
        """No longer offered: hidden from searches, kept for the people already linked to it."""
        return self.update(asset_id, active=False)

    def remove(self, asset_id: str) -> Changes:
        """Deletes an entry made by mistake. Refused once anyone has been linked to it (retire it)."""
        self.require(*KEEPERS)
        with self.ws.write() as session:
            asset = self.get(session, CommunityAsset, asset_id, "directory entry")
            linked = session.scalar(
                select(SocialLink.id)
                .where(SocialLink.asset_id == asset_id, SocialLink.deleted.is_(False))
                .limit(1)
            )
            if linked is not None:
                raise WrongState("People have been linked to this entry: retire it instead of deleting it.")
            self.delete(asset)
            self.audit(session, "delete", "community_asset", asset_id)
        return changes({"community_asset"})

    def find(self, asset_id: str) -> CommunityAsset:
        with self.ws.read() as session:
            return self.get(session, CommunityAsset, asset_id, "directory entry")

    def search(
        self, flt: DirectoryFilter | str = DirectoryFilter(), limit: int = 200
    ) -> list[CommunityAsset]:
        """Entries whose words start with every word typed ("food", "stay play", "Ellacombe"), by activity.

        The directory is small (thousands), so it is filtered here in Python with the same folding as
        family search: "cafe" finds "Café"."""
        if isinstance(flt, str):
            flt = DirectoryFilter(text=flt)
        conditions: list[ColumnElement[bool]] = [CommunityAsset.deleted.is_(False)]
        if not flt.include_retired:
            conditions.append(CommunityAsset.active.is_(True))
        if flt.category:
            conditions.append(CommunityAsset.category_code == flt.category)
        if flt.takes_referrals is not None:
            conditions.append(CommunityAsset.takes_referrals.is_(flt.takes_referrals))
        if flt.kitemark:
            conditions.append(CommunityAsset.kitemark == flt.kitemark)
        if flt.due_for_review:
            conditions += [CommunityAsset.review_on.is_not(None), CommunityAsset.review_on <= today()]
        wanted = tokens(flt.text)
        order = (CommunityAsset.activity, CommunityAsset.organisation, CommunityAsset.id)
        with self.ws.read() as session:
            if not wanted:
                return list(
                    session.scalars(select(CommunityAsset).where(*conditions).order_by(*order).limit(limit))
                )
            labels = ref_codes(session, "asset_category", active_only=False)
            # match on the words only (cheap columns), then load the entries that matched
            texts = session.execute(
                select(
                    CommunityAsset.id,
                    CommunityAsset.category_code,
                    CommunityAsset.organisation,
                    CommunityAsset.activity,
                    CommunityAsset.description,
                    CommunityAsset.venue_name,
                    CommunityAsset.postcode,
                )
                .where(*conditions)
                .order_by(*order)
            ).all()
            ids = [row[0] for row in texts if _matches((*row[2:], labels.get(row[1], "")), wanted)][:limit]
            found = {
                a.id: a for a in session.scalars(select(CommunityAsset).where(CommunityAsset.id.in_(ids)))
            }
        return [found[i] for i in ids if i in found]

    def due_for_review(self) -> list[CommunityAsset]:
        """Active entries whose check date has come (oldest first)."""
        found = self.search(DirectoryFilter(due_for_review=True), limit=100_000)
        return sorted(found, key=lambda a: a.review_on or dt.date.min)

    def _clean(self, fields: dict[str, Any], *, new: bool = False) -> dict[str, Any]:
        unknown = set(fields) - set(FIELDS)
        if unknown:
            raise InvalidInput({k: f"{k} is not part of a directory entry" for k in sorted(unknown)})
        errors = v.Errors()
        with self.ws.read() as session:
            categories = ref_codes(session, "asset_category")
        if new:
            for key in ("organisation", "activity", "category_code"):
                fields.setdefault(key, None)
        clean: dict[str, Any] = {}
        for key, value in fields.items():
            if key in TEXT_FIELDS:
                label, length, required = TEXT_FIELDS[key]
                clean[key] = v.text(value, key, label, errors, required=required, max_length=length)
            elif key == "description":
                clean[key] = v.long_text(value, key, "a description", errors, max_length=4000)
            elif key == "category_code":
                clean[key] = v.choice(value, categories, key, "a category", errors, required=True)
            elif key == "postcode":
                clean[key] = v.postcode(value, errors)
            elif key == "phone":
                clean[key] = v.phone(value, errors)
            elif key == "email":
                clean[key] = v.email(value, errors)
            elif key == "website":
                clean[key] = v.website(value, errors)
            elif key == "kitemark":
                clean[key] = v.choice(value, KITEMARKS, key, "the quality mark status", errors, required=True)
            elif key == "capacity":
                clean[key] = v.whole_number(value, key, "the number of places", errors, high=100_000)
            elif key == "review_on":
                clean[key] = v.date(value, key, "the date to check this entry again", errors)
            elif key == "takes_referrals":
                clean[key] = v.boolean(value, key, "it takes referrals", errors, required=True)
            else:
                clean[key] = v.boolean(value, key, "it is still running", errors, required=True)
        errors.raise_if_any()
        return clean


def _matches(parts: tuple[str | None, ...], wanted: list[str]) -> bool:
    words = tokens(" ".join(part for part in parts if part))
    return all(any(word.startswith(w) for word in words) for w in wanted)
