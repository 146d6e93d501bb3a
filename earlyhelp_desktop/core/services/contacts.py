"""Case notes: visits, calls, messages, group sessions. Append-only: a correction is a new note.

A note is never edited or deleted (it is the record of what happened). To correct one, write a new note
that ``amends_id`` the old one; the timeline shows the correction and marks the original as corrected.
Only the person who wrote a note, or a supervisor, may correct it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from earlyhelp_desktop.core.errors import InvalidInput, NotPermitted, WrongState
from earlyhelp_desktop.core.ids import new_id
from earlyhelp_desktop.core.services import validate as v
from earlyhelp_desktop.core.services.base import Changes, Service, changes
from earlyhelp_desktop.core.services.common import EVERYONE, live, membership, ref_codes
from earlyhelp_desktop.core.store.models import Contact, Episode, Family, Staff, Venue

MAX_MINUTES = 24 * 60
PAGE = 50


@dataclass(frozen=True, slots=True)
class TimelineEntry:
    contact: Contact
    kind_label: str
    worker: str | None
    venue: str | None
    corrected_by: str | None  # id of the note that corrects this one

    @property
    def is_correction(self) -> bool:
        return self.contact.amends_id is not None


@dataclass(frozen=True, slots=True)
class TimelinePage:
    entries: list[TimelineEntry]
    total: int
    offset: int
    limit: int

    @property
    def has_more(self) -> bool:
        return self.offset + len(self.entries) < self.total


class ContactService(Service):
    def record(
        self,
        family_id: str,
        *,
        kind: str,
        occurred_at: str | dt.datetime | dt.date | None,
        note: str,
        duration_minutes: int | str | None = None,
        venue_id: str | None = None,
        venue_text: str | None = None,
        person_ids: Sequence[str] = (),
        episode_id: str | None = None,
    ) -> Changes:
        """Records a contact (by default in the family's open episode, if there is one)."""
        self.require(*EVERYONE)
        values = self._values(
            kind=kind,
            occurred_at=occurred_at,
            note=note,
            duration_minutes=duration_minutes,
            venue_id=venue_id,
            venue_text=venue_text,
        )
        contact_id = new_id()
        with self.ws.write() as session:
            family = self.get(session, Family, family_id, "family")
            if family.merged_into_id:
                raise WrongState("This family record was merged into another: open the other record.")
            self._check_links(session, family_id, values.get("venue_id"), person_ids)
            episode = self._episode(session, family_id, episode_id)
            session.add(
                Contact(
                    id=contact_id,
                    family_id=family_id,
                    episode_id=episode,
                    worker_id=self.user_id,
                    person_ids=list(person_ids) or None,
                    amends_id=None,
                    **values,
                )
            )
            self.audit(session, "create", "contact", contact_id, family_id, kind=values["kind"])
        return changes({"contact"}, [family_id], [contact_id])

    def correct(self, contact_id: str, **fields: Any) -> Changes:
        """Writes a corrected copy of a note (what is not given is copied); the original stays."""
        self.require(*EVERYONE)
        unknown = set(fields) - {"kind", "occurred_at", "note", "duration_minutes", "venue_id", "venue_text"}
        if unknown:
            raise InvalidInput({k: f"{k} cannot be corrected here" for k in sorted(unknown)})
        with self.ws.read() as session:
            original = self.get(session, Contact, contact_id, "case note")
            newer = session.scalar(select(Contact.id).where(Contact.amends_id == contact_id))
        if newer is not None:
            raise WrongState("This note has already been corrected: correct the latest version instead.")
        if original.worker_id != self.user_id and not self.ws.user.is_supervisor:
            raise NotPermitted("Only the person who wrote a note, or a supervisor, can correct it.")
        merged = {
            "kind": original.kind,
            "occurred_at": original.occurred_at,
            "note": original.note,
            "duration_minutes": original.duration_minutes,
            "venue_id": original.venue_id,
            "venue_text": original.venue_text,
            **fields,
        }
        values = self._values(**merged)
        new = new_id()
        with self.ws.write() as session:
            self._check_links(session, original.family_id, values.get("venue_id"), ())
            session.add(
                Contact(
                    id=new,
                    family_id=original.family_id,
                    episode_id=original.episode_id,
                    worker_id=self.user_id,
                    person_ids=original.person_ids,
                    amends_id=contact_id,
                    **values,
                )
            )
            self.audit(session, "correct", "contact", new, original.family_id, amends=contact_id)
        return changes({"contact"}, [original.family_id], [new])

    def timeline(self, family_id: str, *, offset: int = 0, limit: int = PAGE) -> TimelinePage:
        """The family's case notes, newest first, a page at a time (records merged into it included)."""
        if offset < 0 or not 1 <= limit <= 500:
            raise InvalidInput({"limit": "Ask for 1 to 500 notes at a time"})
        family_ids = self.ws.services.families.family_ids_for_merge(family_id)
        where = (Contact.family_id.in_(family_ids), Contact.deleted.is_(False))
        with self.ws.read() as session:
            total = session.scalar(select(func.count()).select_from(Contact).where(*where)) or 0
            rows = session.execute(
                select(Contact, Staff.full_name, Venue.name)
                .outerjoin(Staff, Staff.id == Contact.worker_id)
                .outerjoin(Venue, Venue.id == Contact.venue_id)
                .where(*where)
                .order_by(Contact.occurred_at.desc(), Contact.created_at.desc())
                .offset(offset)
                .limit(limit)
            ).all()
            ids = [r[0].id for r in rows]
            corrections = dict(
                session.execute(
                    select(Contact.amends_id, Contact.id).where(
                        Contact.amends_id.in_(ids), Contact.deleted.is_(False)
                    )
                ).all()
            )
            kinds = ref_codes(session, "contact_kind", active_only=False)
        entries = [
            TimelineEntry(c, kinds.get(c.kind, c.kind), worker, venue or c.venue_text, corrections.get(c.id))
            for c, worker, venue in rows
        ]
        return TimelinePage(entries, total, offset, limit)

    def find(self, contact_id: str) -> Contact:
        with self.ws.read() as session:
            return self.get(session, Contact, contact_id, "case note")

    # -- helpers ---------------------------------------------------------------------------------

    def _values(
        self,
        *,
        kind: str,
        occurred_at: str | dt.datetime | dt.date | None,
        note: str,
        duration_minutes: int | str | None = None,
        venue_id: str | None = None,
        venue_text: str | None = None,
    ) -> dict[str, Any]:
        errors = v.Errors()
        with self.ws.read() as session:
            kinds = ref_codes(session, "contact_kind")
        values = {
            "kind": v.choice(kind, kinds, "kind", "the kind of contact", errors, required=True),
            "occurred_at": v.moment(
                occurred_at, "occurred_at", "when it happened", errors, required=True, past=True
            ),
            "note": v.long_text(note, "note", "what happened", errors, required=True, max_length=20000),
            "duration_minutes": v.whole_number(
                duration_minutes, "duration_minutes", "how long it took in minutes", errors, high=MAX_MINUTES
            ),
            "venue_id": venue_id or None,
            "venue_text": v.text(venue_text, "venue_text", "where it happened", errors, max_length=120),
        }
        errors.raise_if_any()
        return values

    @staticmethod
    def _check_links(
        session: Session, family_id: str, venue_id: str | None, person_ids: Sequence[str]
    ) -> None:
        if venue_id is not None and live(session, Venue, venue_id) is None:
            raise InvalidInput({"venue_id": "Choose a venue from the list, or type where it happened"})
        if any(membership(session, family_id, p) is None for p in person_ids):
            raise InvalidInput({"person_ids": "Choose people who belong to this family"})

    @staticmethod
    def _episode(session: Session, family_id: str, episode_id: str | None) -> str | None:
        if episode_id is not None:
            episode = live(session, Episode, episode_id)
            if episode is None or episode.family_id != family_id:
                raise InvalidInput({"episode_id": "Choose an episode of this family"})
            return episode.id
        return session.scalar(
            select(Episode.id).where(
                Episode.family_id == family_id, Episode.status == "open", Episode.deleted.is_(False)
            )
        )
