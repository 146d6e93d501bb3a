"""Helpers the case-work services share: who may do case work, open episodes, members, lists."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from typing import Any, TypeVar

from sqlalchemy import select
from sqlalchemy.orm import Session

from earlyhelp_desktop.core.errors import NotFound, WrongState
from earlyhelp_desktop.core.ids import derived_id
from earlyhelp_desktop.core.services import validate as v
from earlyhelp_desktop.core.services.base import Changes, Service, changes, now
from earlyhelp_desktop.core.store.models import Episode, Family, Membership, Person, RefItem, Syncable

T = TypeVar("T", bound=Syncable)

# Who may write case records (assessments, plans, reviews, closures...). Community connectors keep the
# directory and social-prescribing links; they read case records but do not write them.
CASEWORK = ("supervisor", "family_worker")
EVERYONE = ("supervisor", "family_worker", "community_connector")


def ref_codes(session: Session, list_name: str, *, active_only: bool = True) -> dict[str, str]:
    """A configurable list as code -> label, in its configured order."""
    query = select(RefItem.code, RefItem.label).where(
        RefItem.list_name == list_name, RefItem.deleted.is_(False)
    )
    if active_only:
        query = query.where(RefItem.active.is_(True))
    return dict(session.execute(query.order_by(RefItem.sort_order, RefItem.label)).all())


def live(session: Session, model: type[T], row_id: str | None) -> T | None:
    """The row if it exists and is not deleted, else None."""
    if not row_id:
        return None
    row = session.get(model, row_id)
    return None if row is None or row.deleted else row


def episode_for_change(session: Session, episode_id: str) -> Episode:
    """An open episode of a live family, or a clear error saying why it cannot be changed."""
    episode = live(session, Episode, episode_id)
    if episode is None:
        raise NotFound(f"No episode of early help with id {episode_id} on this laptop.")
    family = live(session, Family, episode.family_id)
    if family is None:
        raise NotFound("The family of this episode is not on this laptop.")
    if family.merged_into_id:
        raise WrongState("This family record was merged into another: open the other record to carry on.")
    if episode.status != "open":
        raise WrongState(
            "This episode of early help is closed, so its records cannot change. "
            "If the family needs help again, open a new episode."
        )
    return episode


def membership(session: Session, family_id: str, person_id: str) -> Membership | None:
    """The person's live membership of the household, or None."""
    found = session.get(Membership, derived_id("membership", family_id, person_id))
    return None if found is None or found.deleted else found


def member(session: Session, family_id: str, person_id: str) -> tuple[Person, Membership] | None:
    """A live person who belongs to the household, with their membership."""
    found = membership(session, family_id, person_id)
    person = live(session, Person, person_id)
    if found is None or person is None:
        return None
    return person, found


def age_on(born: dt.date, day: dt.date) -> int:
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


def assign(obj: Syncable, values: Mapping[str, Any]) -> list[str]:
    """Sets only the values that differ, so an unchanged form writes no op. Returns what changed."""
    changed = []
    for key, value in values.items():
        if getattr(obj, key) != value:
            setattr(obj, key, value)
            changed.append(key)
    return changed


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day ``months`` later (the last day of the month when that day does not exist)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    for candidate in (day.day, 30, 29, 28):
        try:
            return dt.date(year, month, min(day.day, candidate))
        except ValueError:
            continue
    raise AssertionError("unreachable")


def return_for_changes(
    service: Service, table: str, row_id: str, reason: str, submitted: Callable[[Session, str], Any]
) -> Changes:
    """A supervisor returns submitted work (an assessment, a closure) with what needs to change; it can
    be edited again. ``submitted`` finds the row and refuses it unless it waits for this supervisor."""
    service.require("supervisor")
    errors = v.Errors()
    reason_ = v.long_text(
        reason, "return_reason", "what needs to change", errors, required=True, max_length=4000
    )
    errors.raise_if_any()
    with service.ws.write() as session:
        row = submitted(session, row_id)
        assign(
            row,
            {
                "status": "returned",
                "decided_at": now(),
                "decided_by": service.user_id,
                "return_reason": reason_,
            },
        )
        service.audit(session, "return", table, row_id, row.family_id)
    return changes({table}, [row.family_id])
