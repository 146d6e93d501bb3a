"""Form drafts: unsaved edits kept inside the encrypted store, per person and form, never synced.

A form saves its fields as it is edited (and when the laptop locks), so nothing typed is lost to the
privacy lock or a crash. Keys name the form and record, e.g. ``"assessment:<id>"`` or ``"family:new"``.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select

from earlyhelp_desktop.core.errors import InvalidInput
from earlyhelp_desktop.core.services.base import Service, now
from earlyhelp_desktop.core.store.models import Draft

MAX_KEY = 160
MAX_BYTES = 1_000_000


@dataclass(frozen=True, slots=True)
class SavedDraft:
    key: str
    payload: dict[str, Any]
    updated_at: dt.datetime


def _check_key(key: str) -> str:
    if not key or len(key) > MAX_KEY or key != key.strip():
        raise InvalidInput({"key": f"A draft key must be 1 to {MAX_KEY} characters without outer spaces"})
    return key


class DraftService(Service):
    def save(self, key: str, payload: dict[str, Any]) -> None:
        """Keeps (or replaces) this person's draft of one form. Local only: no op, no audit event.

        Values must be JSON-like; dates are kept as ISO text ("2019-03-27")."""
        _check_key(key)
        if not isinstance(payload, dict):
            raise InvalidInput({"payload": "A draft is a set of named fields"})
        try:
            text = json.dumps(payload, ensure_ascii=False, default=_refuse)
        except (TypeError, ValueError) as exc:
            raise InvalidInput({"payload": f"This draft cannot be kept: {exc}"}) from exc
        if len(text.encode()) > MAX_BYTES:
            raise InvalidInput({"payload": "This draft is too large to keep (over 1 MB of text)"})
        payload = json.loads(text)  # dates become ISO text, as they will read back
        with self.ws.write() as session:
            row = session.get(Draft, (self.user_id, key))
            if row is None:
                session.add(Draft(user_id=self.user_id, key=key, payload=payload, updated_at=now()))
            else:
                row.payload = payload
                row.updated_at = now()

    def load(self, key: str) -> SavedDraft | None:
        _check_key(key)
        with self.ws.read() as session:
            row = session.get(Draft, (self.user_id, key))
            if row is None:
                return None
            return SavedDraft(row.key, dict(row.payload), row.updated_at)

    def discard(self, key: str) -> bool:
        """Forgets a draft (after the form was saved or cancelled). True when there was one."""
        _check_key(key)
        with self.ws.write() as session:
            row = session.get(Draft, (self.user_id, key))
            if row is None:
                return False
            session.delete(row)
        return True

    def keys(self, prefix: str = "") -> list[SavedDraft]:
        """This person's drafts, newest first (e.g. to offer "carry on where you left off")."""
        with self.ws.read() as session:
            query = select(Draft).where(Draft.user_id == self.user_id)
            if prefix:
                query = query.where(Draft.key.startswith(prefix, autoescape=True))
            rows = session.scalars(query.order_by(Draft.updated_at.desc())).all()
            return [SavedDraft(r.key, dict(r.payload), r.updated_at) for r in rows]


def _refuse(value: object) -> Any:
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    raise TypeError(f"{type(value).__name__} values cannot be kept in a draft")
