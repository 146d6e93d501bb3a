"""Social-prescribing links between a person and a community activity.

The life of a link::

    offered -> referred -> accepted | declined
    offered -> accepted (signposted: the person goes themselves) | declined
    accepted -> attended -> completed | stopped
    (stopped is also possible from offered, referred and accepted)

Every step appends a ``LinkEvent`` and sets the matching date on the link. Steps out of order are
refused with a message that says what can happen next. A referral is coded with SNOMED CT
871731000000106 ("referral to social prescribing service") and a decline with 871711000000103
("social prescribing declined"). Referrals unanswered after 14 days are flagged. Wellbeing (ONS4)
before and after is recorded as outcome measures tied to the link.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.orm import Session

from earlyhelp_desktop.core.errors import InvalidInput, WrongState
from earlyhelp_desktop.core.ids import new_id
from earlyhelp_desktop.core.services import validate as v
from earlyhelp_desktop.core.services.base import Changes, Service, changes, today
from earlyhelp_desktop.core.services.common import EVERYONE, assign, live, member, ref_codes
from earlyhelp_desktop.core.services.outcomes import Change
from earlyhelp_desktop.core.store.models import CommunityAsset, Family, LinkEvent, Person, SocialLink, Staff

SNOMED_REFERRED = "871731000000106"
SNOMED_DECLINED = "871711000000103"
UNANSWERED_DAYS = 14
NEXT: dict[str, tuple[str, ...]] = {
    "offered": ("referred", "accepted", "declined", "stopped"),
    "referred": ("accepted", "declined", "stopped"),
    "accepted": ("attended", "stopped"),
    "attended": ("completed", "stopped"),
    "declined": (),
    "completed": (),
    "stopped": (),
}
LABELS = {
    "offered": "Offered",
    "referred": "Referred",
    "accepted": "Accepted",
    "declined": "Declined",
    "attended": "Attended",
    "completed": "Completed",
    "stopped": "Stopped",
}
DATE_OF = {
    "referred": "referred_on",
    "accepted": "responded_on",
    "declined": "responded_on",
    "attended": "attended_on",
    "completed": "ended_on",
    "stopped": "ended_on",
}
WELLBEING = {"before": "link_before", "after": "link_after"}


@dataclass(frozen=True, slots=True)
class LinkView:
    """A link with the names a list shows."""

    link: SocialLink
    person_name: str
    activity: str
    organisation: str
    family_reference: str
    connector: str | None

    @property
    def status_label(self) -> str:
        return LABELS.get(self.link.status, self.link.status)

    @property
    def days_waiting(self) -> int | None:
        """Days since referral while it waits for an answer."""
        if self.link.status != "referred" or self.link.referred_on is None:
            return None
        return (today() - self.link.referred_on).days


def _last_date(link: SocialLink) -> dt.date:
    dates = [link.offered_on, link.referred_on, link.responded_on, link.attended_on, link.ended_on]
    return max(d for d in dates if d is not None)


class LinkService(Service):
    def offer(
        self,
        family_id: str,
        person_id: str,
        asset_id: str,
        *,
        need_area: str | None = None,
        offered_on: str | dt.date | None = None,
        note: str | None = None,
    ) -> Changes:
        """Offers an activity to a person (the first step of a link)."""
        self.require(*EVERYONE)
        errors = v.Errors()
        on = v.date(offered_on, "offered_on", "the date it was offered", errors, past=True)
        note_ = v.long_text(note, "note", "a note", errors, max_length=4000)
        with self.ws.read() as session:
            areas = ref_codes(session, "asset_category")
        need = v.choice(need_area, areas, "need_area", "the area of need", errors)
        errors.raise_if_any()
        link_id = new_id()
        with self.ws.write() as session:
            family = self.get(session, Family, family_id, "family")
            if member(session, family.id, person_id) is None:
                raise InvalidInput({"person_id": "Choose a person who belongs to this family"})
            asset = live(session, CommunityAsset, asset_id)
            if asset is None or not asset.active:
                raise InvalidInput(
                    {"asset_id": "Choose an activity that is still running from the directory"}
                )
            day = on or today()
            session.add(
                SocialLink(
                    id=link_id,
                    family_id=family_id,
                    person_id=person_id,
                    asset_id=asset_id,
                    need_area=need or asset.category_code,
                    connector_id=self.user_id,
                    status="offered",
                    offered_on=day,
                )
            )
            self._event(session, family_id, link_id, "offered", day, note_)
            self.audit(session, "create", "social_link", link_id, family_id)
        return changes({"social_link", "link_event"}, [family_id], [link_id])

    def advance(
        self,
        link_id: str,
        status: str,
        *,
        on: str | dt.date | None = None,
        note: str | None = None,
        outcome: str | None = None,
    ) -> Changes:
        """Moves a link on one step (referred, accepted, declined, attended, completed, stopped)."""
        self.require(*EVERYONE)
        errors = v.Errors()
        status_ = v.choice(status, LABELS, "status", "what happened", errors, required=True)
        day = v.date(on, "on", "the date it happened", errors, past=True)
        note_ = v.long_text(note, "note", "a note", errors, max_length=4000)
        outcome_ = v.long_text(outcome, "outcome", "how it went", errors, max_length=4000)
        errors.raise_if_any()
        assert status_ is not None
        with self.ws.write() as session:
            link = self.get(session, SocialLink, link_id, "link")
            allowed = NEXT.get(link.status, ())
            if status_ not in allowed:
                raise WrongState(_refusal(link.status, status_, allowed))
            if status_ == "referred":
                asset = live(session, CommunityAsset, link.asset_id)
                if asset is not None and not asset.takes_referrals:
                    raise WrongState(
                        f"{asset.activity} is signposting only: give the person its details and record "
                        "'accepted' when they decide to go."
                    )
            when = day or today()
            if when < _last_date(link):
                raise InvalidInput({"on": f"The date must be on or after {_last_date(link):%d %m %Y}"})
            values: dict[str, object] = {"status": status_, DATE_OF[status_]: when}
            if status_ == "referred":
                values["snomed_code"] = SNOMED_REFERRED
            elif status_ == "declined":
                values["snomed_code"] = SNOMED_DECLINED
            if outcome_ is not None:
                values["outcome"] = outcome_
            assign(link, values)
            self._event(session, link.family_id, link_id, status_, when, note_)
            self.audit(session, "update", "social_link", link_id, link.family_id, status=status_)
        return changes({"social_link", "link_event"}, [link.family_id])

    def events(self, link_id: str) -> list[LinkEvent]:
        with self.ws.read() as session:
            return list(
                session.scalars(
                    select(LinkEvent)
                    .where(LinkEvent.link_id == link_id, LinkEvent.deleted.is_(False))
                    .order_by(LinkEvent.occurred_on, LinkEvent.created_at)
                )
            )

    def next_steps(self, link_id: str) -> tuple[str, ...]:
        """What can happen next to this link (for the buttons a screen shows)."""
        with self.ws.read() as session:
            link = self.get(session, SocialLink, link_id, "link")
            steps = NEXT.get(link.status, ())
            asset = live(session, CommunityAsset, link.asset_id)
        if asset is not None and not asset.takes_referrals:
            steps = tuple(s for s in steps if s != "referred")
        return steps

    def for_family(self, family_id: str) -> list[LinkView]:
        family_ids = self.ws.services.families.family_ids_for_merge(family_id)
        return self._views(SocialLink.family_id.in_(family_ids))

    def find(self, *, status: str | None = None, connector_id: str | None = None) -> list[LinkView]:
        """Links in a state (e.g. every referral waiting for an answer), optionally one connector's."""
        conditions: list[ColumnElement[bool]] = []
        if status is not None:
            conditions.append(SocialLink.status == status)
        if connector_id is not None:
            conditions.append(SocialLink.connector_id == connector_id)
        return self._views(*conditions)

    def unanswered(self, days: int = UNANSWERED_DAYS, *, connector_id: str | None = None) -> list[LinkView]:
        """Referrals with no answer after ``days`` days (14 by default), longest waiting first."""
        return self._views(*_unanswered(days, connector_id), order=SocialLink.referred_on)

    def count_unanswered(self, days: int = UNANSWERED_DAYS, *, connector_id: str | None = None) -> int:
        with self.ws.read() as session:
            found = session.scalar(
                select(func.count())
                .select_from(SocialLink)
                .join(Family, Family.id == SocialLink.family_id)
                .where(
                    SocialLink.deleted.is_(False), Family.deleted.is_(False), *_unanswered(days, connector_id)
                )
            )
        return found or 0

    def record_wellbeing(
        self,
        link_id: str,
        moment: str,
        scores: Mapping[str, int | str | None],
        *,
        taken_on: str | dt.date | None = None,
        instrument_code: str = "ons4",
    ) -> Changes:
        """Wellbeing (ONS4 by default) before the activity or after it, for the person linked."""
        if moment not in WELLBEING:
            raise InvalidInput({"moment": "Say whether this is before or after the activity"})
        with self.ws.read() as session:
            link = self.get(session, SocialLink, link_id, "link")
        return self.ws.services.outcomes.record(
            link.family_id,
            instrument_code,
            scores,
            person_id=link.person_id,
            taken_on=taken_on,
            context=WELLBEING[moment],
            link_id=link_id,
        )

    def wellbeing(self, link_id: str) -> Change:
        """Before and after (ONS4 anxious reversed), and the difference."""
        with self.ws.read() as session:
            self.get(session, SocialLink, link_id, "link")
        return self.ws.services.outcomes.for_link(link_id)

    # -- helpers ---------------------------------------------------------------------------------

    def _event(
        self, session: Session, family_id: str, link_id: str, status: str, on: dt.date, note: str | None
    ) -> None:
        session.add(
            LinkEvent(
                id=new_id(),
                family_id=family_id,
                link_id=link_id,
                status=status,
                occurred_on=on,
                note=note,
                recorded_by=self.user_id,
            )
        )

    def _views(self, *conditions: ColumnElement[bool], order: Any = None) -> list[LinkView]:
        # names as columns, not whole rows: a list of thousands stays quick
        query = (
            select(
                SocialLink,
                Person.given_name,
                Person.family_name,
                Person.family_name_first,
                CommunityAsset.activity,
                CommunityAsset.organisation,
                Family.reference,
                Staff.full_name,
            )
            .join(Person, Person.id == SocialLink.person_id)
            .join(CommunityAsset, CommunityAsset.id == SocialLink.asset_id)
            .join(Family, Family.id == SocialLink.family_id)
            .outerjoin(Staff, Staff.id == SocialLink.connector_id)
            .where(SocialLink.deleted.is_(False), Family.deleted.is_(False), *conditions)
            .order_by(order if order is not None else SocialLink.offered_on.desc())
        )
        with self.ws.read() as session:
            rows = session.execute(query).all()
        return [
            LinkView(link, _name(given, family, first), activity, organisation, ref, connector)
            for link, given, family, first, activity, organisation, ref, connector in rows
        ]


def _name(given: str, family: str, family_first: bool) -> str:
    """As families.full_name, from columns."""
    return f"{family} {given}".strip() if family_first else f"{given} {family}".strip()


def _unanswered(days: int, connector_id: str | None) -> list[ColumnElement[bool]]:
    cutoff = today() - dt.timedelta(days=days)
    conditions = [SocialLink.status == "referred", SocialLink.referred_on <= cutoff]
    if connector_id is not None:
        conditions.append(SocialLink.connector_id == connector_id)
    return conditions


def _refusal(current: str, wanted: str, allowed: tuple[str, ...]) -> str:
    if not allowed:
        return (
            f"This link is {LABELS[current].lower()}, so nothing more can happen to it. "
            "Offer a new one instead."
        )
    options = ", ".join(LABELS[s].lower() for s in allowed)
    return (
        f"A link that is {LABELS[current].lower()} cannot become {LABELS[wanted].lower()}; "
        f"next it can be: {options}."
    )
