"""Configurable lists and labels (levels of need, domains, closure reasons, terms), venues and hubs.

Lists are data, not code: a council renames "Early help" to "Family help" by changing the ``terms`` list.
Reads are cheap indexed queries and are not cached, so a list changed by a sync shows at once.
Changing configuration is for supervisors; a store enrolled with a server receives it from there.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import select

from earlyhelp_desktop.core.errors import InvalidInput, NotFound
from earlyhelp_desktop.core.ids import derived_id, hub_id, new_id
from earlyhelp_desktop.core.services import validate as v
from earlyhelp_desktop.core.services.base import Changes, Service, changes
from earlyhelp_desktop.core.services.common import assign, live
from earlyhelp_desktop.core.store.models import Hub, Locality, RefItem, Venue

VENUE_KINDS = ("hub", "spoke")
LIST_NAME_CHARS = set("abcdefghijklmnopqrstuvwxyz0123456789_")


@dataclass(frozen=True, slots=True)
class RefEntry:
    code: str
    label: str
    sort_order: int
    active: bool
    extra: dict[str, Any] | None


@dataclass(frozen=True, slots=True)
class FrontDoor:
    """What to do when a child may be at risk of significant harm, from the ``front_door`` list."""

    name: str
    phone: str | None
    out_of_hours: str | None
    steps: tuple[str, ...]


def ref_item_id(list_name: str, code: str) -> str:
    """The id every copy gives an entry (the same as the seeded rows', so edits meet them)."""
    return derived_id("seed", "ref_item", list_name, code)


class ReferenceService(Service):
    # -- lists -----------------------------------------------------------------------------------

    def items(self, list_name: str, *, include_inactive: bool = False) -> list[RefEntry]:
        with self.ws.read() as session:
            query = select(RefItem).where(RefItem.list_name == list_name, RefItem.deleted.is_(False))
            if not include_inactive:
                query = query.where(RefItem.active.is_(True))
            rows = session.scalars(query.order_by(RefItem.sort_order, RefItem.label)).all()
        return [RefEntry(r.code, r.label, r.sort_order, r.active, r.extra) for r in rows]

    def labels(self, list_name: str) -> dict[str, str]:
        """Code -> label, including retired entries (old records still show their words)."""
        return {e.code: e.label for e in self.items(list_name, include_inactive=True)}

    def label(self, list_name: str, code: str | None) -> str:
        """The label of one code; the code itself when the list does not know it."""
        if code is None:
            return ""
        return self.labels(list_name).get(code, code)

    def lists(self) -> list[str]:
        with self.ws.read() as session:
            return list(
                session.scalars(
                    select(RefItem.list_name)
                    .where(RefItem.deleted.is_(False))
                    .distinct()
                    .order_by(RefItem.list_name)
                )
            )

    def level_of_need(self, level: int | None) -> str:
        """'3 Multiple or complex', or 'Not set'."""
        if level is None:
            return "Not set"
        return f"{level} {self.label('level_of_need', str(level))}"

    def term(self, code: str) -> str:
        """A configurable word, e.g. term('service_name') -> 'Early help' (or 'Family help')."""
        return self.label("terms", code)

    def front_door(self) -> FrontDoor:
        entries = self.items("front_door")
        if not entries:
            return FrontDoor(
                "Children's Services front door",
                None,
                None,
                ("If a child is in immediate danger, call 999.", "Phone the front door today."),
            )
        entry = entries[0]
        extra = entry.extra or {}
        return FrontDoor(
            entry.label,
            extra.get("phone"),
            extra.get("out_of_hours"),
            tuple(str(s) for s in extra.get("steps", ())),
        )

    def set_item(
        self,
        list_name: str,
        code: str,
        label: str,
        *,
        sort_order: int | None = None,
        active: bool = True,
        extra: dict[str, Any] | None = None,
    ) -> Changes:
        """Adds or changes one entry of a list (supervisors). Entries are retired, never removed, so old
        records keep their words."""
        self.require("supervisor")
        errors = v.Errors()
        if not list_name or set(list_name) - LIST_NAME_CHARS:
            errors.add("list_name", "Enter the list's name in lower case letters, digits and _")
        code_ = v.text(code, "code", "a code", errors, required=True, max_length=64)
        label_ = v.text(label, "label", "the words to show", errors, required=True, max_length=200)
        errors.raise_if_any()
        assert code_ is not None and label_ is not None
        row_id = ref_item_id(list_name, code_)
        with self.ws.write() as session:
            row = session.get(RefItem, row_id)
            if row is None:
                last = session.scalar(
                    select(RefItem.sort_order)
                    .where(RefItem.list_name == list_name)
                    .order_by(RefItem.sort_order.desc())
                    .limit(1)
                )
                session.add(
                    RefItem(
                        id=row_id,
                        list_name=list_name,
                        code=code_,
                        label=label_,
                        sort_order=sort_order if sort_order is not None else (last or 0) + 1,
                        active=active,
                        extra=extra,
                    )
                )
                self.audit(session, "create", "ref_item", row_id, list_name=list_name, code=code_)
            else:
                if row.deleted:
                    row.deleted = False
                values: dict[str, Any] = {"label": label_, "active": active}
                if sort_order is not None:
                    values["sort_order"] = sort_order
                if extra is not None:
                    values["extra"] = extra
                changed = assign(row, values)
                if changed:
                    self.audit(session, "update", "ref_item", row_id, list_name=list_name, fields=changed)
        return changes({"ref_item"}, created=[row_id])

    # -- hubs, localities and venues ---------------------------------------------------------------

    def hubs(self) -> list[Hub]:
        with self.ws.read() as session:
            return list(session.scalars(select(Hub).where(Hub.deleted.is_(False)).order_by(Hub.name)))

    def localities(self) -> list[Locality]:
        with self.ws.read() as session:
            return list(
                session.scalars(select(Locality).where(Locality.deleted.is_(False)).order_by(Locality.name))
            )

    def add_locality(self, name: str) -> Changes:
        """A locality groups hubs (a store never enrolled with a server keeps its own)."""
        self.require("supervisor")
        errors = v.Errors()
        name_ = v.text(name, "name", "the locality's name", errors, required=True, max_length=80)
        errors.raise_if_any()
        assert name_ is not None
        row_id = derived_id("locality", name_.casefold())
        with self.ws.write() as session:
            if live(session, Locality, row_id) is not None:
                raise InvalidInput({"name": f"There is already a locality called {name_}"})
            row = session.get(Locality, row_id)
            if row is None:
                session.add(Locality(id=row_id, name=name_))
            else:
                row.deleted = False
            self.audit(session, "create", "locality", row_id)
        return changes({"locality"}, created=[row_id])

    def set_hub_locality(self, hub: str, locality_id: str | None) -> Changes:
        self.require("supervisor")
        with self.ws.write() as session:
            row = self.get(session, Hub, hub, "hub")
            if locality_id is not None and live(session, Locality, locality_id) is None:
                raise InvalidInput({"locality_id": "Choose a locality that exists on this laptop"})
            changed = assign(row, {"locality_id": locality_id})
            if changed:
                self.audit(session, "update", "hub", row.id, fields=changed)
        return changes({"hub"})

    def venues(self, hub: str | None = None, *, include_inactive: bool = False) -> list[Venue]:
        """Delivery points: the hub itself and its spokes (schools, libraries, church halls)."""
        with self.ws.read() as session:
            query = select(Venue).where(Venue.deleted.is_(False))
            if hub is not None:
                query = query.where(Venue.hub_id == hub)
            if not include_inactive:
                query = query.where(Venue.active.is_(True))
            return list(session.scalars(query.order_by(Venue.kind, Venue.name)))

    def add_venue(
        self,
        name: str,
        *,
        kind: str = "spoke",
        address: str | None = None,
        postcode: str | None = None,
        hub: str | None = None,
    ) -> Changes:
        self.require("supervisor")
        values = self._venue_values({"name": name, "kind": kind, "address": address, "postcode": postcode})
        venue_id = new_id()
        with self.ws.write() as session:
            hub_row = self.get(session, Hub, hub or self.ws.home_hub_id, "hub")
            session.add(Venue(id=venue_id, hub_id=hub_row.id, active=True, **values))
            self.audit(session, "create", "venue", venue_id)
        return changes({"venue"}, created=[venue_id])

    def update_venue(self, venue_id: str, **values: Any) -> Changes:
        self.require("supervisor")
        active = values.pop("active", None)
        clean = self._venue_values(values, partial=True)
        if active is not None:
            clean["active"] = bool(active)
        with self.ws.write() as session:
            row = self.get(session, Venue, venue_id, "venue")
            changed = assign(row, clean)
            if changed:
                self.audit(session, "update", "venue", venue_id, fields=changed)
        return changes({"venue"})

    @staticmethod
    def _venue_values(values: dict[str, Any], *, partial: bool = False) -> dict[str, Any]:
        unknown = set(values) - {"name", "kind", "address", "postcode"}
        if unknown:
            raise InvalidInput({k: f"{k} is not part of a venue" for k in sorted(unknown)})
        errors = v.Errors()
        clean: dict[str, Any] = {}
        if "name" in values or not partial:
            clean["name"] = v.text(values.get("name"), "name", "the venue's name", errors, required=True)
        if "kind" in values or not partial:
            clean["kind"] = v.choice(values.get("kind"), VENUE_KINDS, "kind", "hub or spoke", errors)
        if "address" in values:
            clean["address"] = v.text(values["address"], "address", "the address", errors)
        if "postcode" in values:
            clean["postcode"] = v.postcode(values["postcode"], errors)
        errors.raise_if_any()
        return clean

    def hub(self, name_or_id: str) -> Hub:
        with self.ws.read() as session:
            row = live(session, Hub, name_or_id) or live(session, Hub, hub_id(name_or_id))
        if row is None:
            raise NotFound(f"No hub called {name_or_id!r} on this laptop.")
        return row
