"""Outcome measures: instruments are configuration (items and a scale), never code.

Shipped: ONS4 personal wellbeing (0-10, "anxious" reversed when summarising) and the family's own 1-5
scores per assessment area. An organisation that holds a licence for another instrument (Outcomes Star,
WEMWBS) loads it as configuration with ``define_instrument``; its text is never shipped.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select

from earlyhelp_desktop.core.errors import InvalidInput, NotFound
from earlyhelp_desktop.core.ids import derived_id, new_id
from earlyhelp_desktop.core.services import validate as v
from earlyhelp_desktop.core.services.base import Changes, Service, changes, today
from earlyhelp_desktop.core.services.common import EVERYONE, assign, live, membership
from earlyhelp_desktop.core.store.models import Family, Instrument, OutcomeMeasure, SocialLink

CONTEXTS = {
    "baseline": "At the start",
    "review": "At a review",
    "closure": "At closing",
    "link_before": "Before an activity",
    "link_after": "After an activity",
}


@dataclass(frozen=True, slots=True)
class Item:
    code: str
    text: str
    reverse: bool


@dataclass(frozen=True, slots=True)
class InstrumentView:
    code: str
    name: str
    description: str | None
    scale_min: int
    scale_max: int
    items: tuple[Item, ...]
    scale_labels: dict[str, str]
    licence: str | None

    def adjusted(self, item: Item, value: int) -> int:
        """The score with higher always better (a reversed item is turned round)."""
        return self.scale_min + self.scale_max - value if item.reverse else value


@dataclass(frozen=True, slots=True)
class MeasureSummary:
    """One completed measure: raw answers, answers with higher-is-better, and their mean."""

    measure: OutcomeMeasure
    instrument: InstrumentView
    adjusted: dict[str, int]
    mean: float | None

    @property
    def scores(self) -> dict[str, Any]:
        return dict(self.measure.scores)


@dataclass(frozen=True, slots=True)
class Change:
    """Before and after, e.g. ONS4 at referral and at the end of an activity."""

    before: MeasureSummary | None
    after: MeasureSummary | None

    @property
    def difference(self) -> float | None:
        """After minus before on the higher-is-better mean (positive: things improved)."""
        if self.before is None or self.after is None or self.before.mean is None or self.after.mean is None:
            return None
        return round(self.after.mean - self.before.mean, 2)

    def item_difference(self, code: str) -> int | None:
        if self.before is None or self.after is None:
            return None
        if code not in self.before.adjusted or code not in self.after.adjusted:
            return None
        return self.after.adjusted[code] - self.before.adjusted[code]


def instrument_view(row: Instrument) -> InstrumentView:
    items = tuple(Item(str(i["code"]), str(i["text"]), bool(i.get("reverse", False))) for i in row.items)
    labels = {str(k): str(v_) for k, v_ in (row.scale_labels or {}).items()}
    return InstrumentView(
        row.code, row.name, row.description, row.scale_min, row.scale_max, items, labels, row.licence
    )


def summarise(instrument: InstrumentView, measure: OutcomeMeasure) -> MeasureSummary:
    adjusted = {
        item.code: instrument.adjusted(item, int(measure.scores[item.code]))
        for item in instrument.items
        if isinstance(measure.scores.get(item.code), int)
    }
    mean = round(sum(adjusted.values()) / len(adjusted), 2) if adjusted else None
    return MeasureSummary(measure, instrument, adjusted, mean)


class OutcomeService(Service):
    def instruments(self, *, include_inactive: bool = False) -> list[InstrumentView]:
        with self.ws.read() as session:
            query = select(Instrument).where(Instrument.deleted.is_(False))
            if not include_inactive:
                query = query.where(Instrument.active.is_(True))
            return [instrument_view(r) for r in session.scalars(query.order_by(Instrument.name))]

    def instrument(self, code: str) -> InstrumentView:
        for found in self.instruments(include_inactive=True):
            if found.code == code:
                return found
        raise NotFound(f"There is no outcome measure called {code!r} on this laptop.")

    def record(
        self,
        family_id: str,
        instrument_code: str,
        scores: Mapping[str, int | str | None],
        *,
        person_id: str | None = None,
        taken_on: str | dt.date | None = None,
        context: str = "baseline",
        link_id: str | None = None,
    ) -> Changes:
        """Records one completed measure. Every item must be answered within the instrument's scale."""
        self.require(*EVERYONE)
        instrument = self._active(instrument_code)
        errors = v.Errors()
        clean = check_scores(instrument, scores, errors)
        on = v.date(taken_on, "taken_on", "the date it was completed", errors, past=True)
        context_ = v.choice(context, CONTEXTS, "context", "when it was completed", errors, required=True)
        errors.raise_if_any()
        measure_id = new_id()
        with self.ws.write() as session:
            self.get(session, Family, family_id, "family")
            if person_id is not None and membership(session, family_id, person_id) is None:
                raise InvalidInput({"person_id": "Choose a person who belongs to this family"})
            if link_id is not None:
                link = live(session, SocialLink, link_id)
                if link is None or link.family_id != family_id:
                    raise InvalidInput({"link_id": "Choose a link of this family"})
            session.add(
                OutcomeMeasure(
                    id=measure_id,
                    family_id=family_id,
                    person_id=person_id,
                    instrument_code=instrument.code,
                    taken_on=on or today(),
                    context=context_,
                    scores=clean,
                    link_id=link_id,
                    recorded_by=self.user_id,
                )
            )
            self.audit(
                session, "create", "outcome_measure", measure_id, family_id, instrument=instrument.code
            )
        return changes({"outcome_measure"}, [family_id], [measure_id])

    def history(
        self, family_id: str, *, instrument_code: str | None = None, person_id: str | None = None
    ) -> list[MeasureSummary]:
        """Measures for a family (or one person), oldest first, each summarised."""
        family_ids = self.ws.services.families.family_ids_for_merge(family_id)
        query = select(OutcomeMeasure).where(
            OutcomeMeasure.family_id.in_(family_ids), OutcomeMeasure.deleted.is_(False)
        )
        if instrument_code is not None:
            query = query.where(OutcomeMeasure.instrument_code == instrument_code)
        if person_id is not None:
            query = query.where(OutcomeMeasure.person_id == person_id)
        with self.ws.read() as session:
            rows = session.scalars(query.order_by(OutcomeMeasure.taken_on, OutcomeMeasure.created_at)).all()
        return self._summaries(rows)

    def for_link(self, link_id: str) -> Change:
        """The wellbeing measures taken before and after a social-prescribing link."""
        with self.ws.read() as session:
            rows = session.scalars(
                select(OutcomeMeasure)
                .where(OutcomeMeasure.link_id == link_id, OutcomeMeasure.deleted.is_(False))
                .order_by(OutcomeMeasure.taken_on, OutcomeMeasure.created_at)
            ).all()
        summaries = self._summaries(rows)
        before = [s for s in summaries if s.measure.context == "link_before"]
        after = [s for s in summaries if s.measure.context == "link_after"]
        return Change(before[0] if before else None, after[-1] if after else None)

    def define_instrument(
        self,
        code: str,
        name: str,
        *,
        items: Sequence[Mapping[str, Any]],
        scale_min: int,
        scale_max: int,
        scale_labels: Mapping[str, str] | None = None,
        description: str | None = None,
        licence: str | None = None,
        active: bool = True,
    ) -> Changes:
        """Loads (or changes) an instrument as configuration (supervisors), e.g. one the council licenses."""
        self.require("supervisor")
        errors = v.Errors()
        code_ = v.text(code, "code", "a short code", errors, required=True, max_length=48)
        name_ = v.text(name, "name", "the instrument's name", errors, required=True, max_length=120)
        if not isinstance(scale_min, int) or not isinstance(scale_max, int) or scale_min >= scale_max:
            errors.add("scale", "The lowest score must be a whole number below the highest")
        clean_items = []
        seen: set[str] = set()
        for item in items:
            item_code = str(item.get("code") or "").strip()
            text_ = str(item.get("text") or "").strip()
            if not item_code or not text_ or item_code in seen:
                errors.add("items", "Give every question a unique code and its words")
                break
            seen.add(item_code)
            clean_items.append(
                {"code": item_code, "text": text_, "reverse": bool(item.get("reverse", False))}
            )
        if not clean_items:
            errors.add("items", "Give at least one question")
        errors.raise_if_any()
        assert code_ is not None and name_ is not None
        row_id = derived_id("instrument", code_)
        values: dict[str, Any] = {
            "code": code_,
            "name": name_,
            "description": description,
            "scale_min": scale_min,
            "scale_max": scale_max,
            "items": clean_items,
            "scale_labels": dict(scale_labels) if scale_labels else None,
            "licence": licence,
            "active": active,
        }
        with self.ws.write() as session:
            existing = session.scalars(select(Instrument).where(Instrument.code == code_)).first()
            if existing is None:
                session.add(Instrument(id=row_id, **values))
                self.audit(session, "create", "instrument", row_id, code=code_)
            else:
                if existing.deleted:
                    existing.deleted = False
                changed = assign(existing, values)
                if changed:
                    self.audit(session, "update", "instrument", existing.id, fields=changed)
                row_id = existing.id
        return changes({"instrument"}, created=[row_id])

    # -- helpers ---------------------------------------------------------------------------------

    def _active(self, code: str) -> InstrumentView:
        with self.ws.read() as session:
            row = session.scalars(
                select(Instrument).where(
                    Instrument.code == code, Instrument.deleted.is_(False), Instrument.active.is_(True)
                )
            ).first()
        if row is None:
            raise InvalidInput({"instrument_code": "Choose an outcome measure from the list"})
        return instrument_view(row)

    def _summaries(self, rows: Sequence[OutcomeMeasure]) -> list[MeasureSummary]:
        views = {i.code: i for i in self.instruments(include_inactive=True)}
        return [summarise(views[r.instrument_code], r) for r in rows if r.instrument_code in views]


def check_scores(
    instrument: InstrumentView, scores: Mapping[str, int | str | None], errors: v.Errors
) -> dict[str, int]:
    """Every item answered, each a whole number within the scale; unknown items refused."""
    known = {item.code for item in instrument.items}
    unknown = sorted(set(scores) - known)
    if unknown:
        errors.add("scores", f"{instrument.name} has no question called {unknown[0]!r}")
    clean: dict[str, int] = {}
    low, high = instrument.scale_min, instrument.scale_max
    for item in instrument.items:
        field = f"scores.{item.code}"
        value = scores.get(item.code)
        if value is None or value == "":
            errors.add(field, f"Answer “{item.text}” with a number from {low} to {high}")
            continue
        number = v.score(value, field, f"the answer to “{item.text}”", errors, low, high)
        if number is not None:
            clean[item.code] = number
    return clean
