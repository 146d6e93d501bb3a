"""Professionals involved with a family: the GP, the school, the health visitor, housing..."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from earlyhelp_desktop.core.errors import InvalidInput, WrongState
from earlyhelp_desktop.core.ids import new_id
from earlyhelp_desktop.core.services import validate as v
from earlyhelp_desktop.core.services.base import Changes, Service, changes
from earlyhelp_desktop.core.services.common import CASEWORK, assign
from earlyhelp_desktop.core.store.models import Family, Professional

FIELDS = ("agency", "name", "role", "phone", "email", "note")


def clean_professional(values: dict[str, Any], *, partial: bool = False) -> dict[str, Any]:
    """Checked fields of a professional; every message says what to enter."""
    unknown = set(values) - set(FIELDS)
    if unknown:
        raise InvalidInput({k: f"{k} is not part of a professional's details" for k in sorted(unknown)})
    errors = v.Errors()
    clean: dict[str, Any] = {}
    for key in FIELDS:
        if partial and key not in values:
            continue
        value = values.get(key)
        if key == "agency":
            clean[key] = v.text(
                value,
                key,
                "their agency, for example Torbay Primary School",
                errors,
                required=True,
                max_length=120,
            )
        elif key == "name":
            clean[key] = v.text(value, key, "their name", errors, required=True, max_length=120)
        elif key == "role":
            clean[key] = v.text(value, key, "their role", errors, max_length=120)
        elif key == "phone":
            clean[key] = v.phone(value, errors)
        elif key == "email":
            clean[key] = v.email(value, errors)
        else:
            clean[key] = v.long_text(value, key, "a note", errors, max_length=2000)
    errors.raise_if_any()
    return clean


class ProfessionalService(Service):
    def add(
        self,
        family_id: str,
        *,
        agency: str,
        name: str,
        role: str | None = None,
        phone: str | None = None,
        email: str | None = None,
        note: str | None = None,
    ) -> Changes:
        self.require(*CASEWORK)
        values = clean_professional(
            {"agency": agency, "name": name, "role": role, "phone": phone, "email": email, "note": note}
        )
        row_id = new_id()
        with self.ws.write() as session:
            family = self.get(session, Family, family_id, "family")
            if family.merged_into_id:
                raise WrongState("This family record was merged into another: open the other record.")
            session.add(Professional(id=row_id, family_id=family_id, **values))
            self.audit(session, "create", "professional", row_id, family_id)
        return changes({"professional"}, [family_id], [row_id])

    def update(self, professional_id: str, **values: Any) -> Changes:
        self.require(*CASEWORK)
        clean = clean_professional(values, partial=True)
        with self.ws.write() as session:
            row = self.get(session, Professional, professional_id, "professional")
            changed = assign(row, clean)
            if changed:
                self.audit(session, "update", "professional", row.id, row.family_id, fields=changed)
        return changes({"professional"} if changed else set(), [row.family_id])

    def remove(self, professional_id: str) -> Changes:
        """No longer involved (the row stays in the record's history)."""
        self.require(*CASEWORK)
        with self.ws.write() as session:
            row = self.get(session, Professional, professional_id, "professional")
            self.delete(row)
            self.audit(session, "delete", "professional", row.id, row.family_id)
        return changes({"professional"}, [row.family_id])

    def for_family(self, family_id: str) -> list[Professional]:
        with self.ws.read() as session:
            return list(
                session.scalars(
                    select(Professional)
                    .where(Professional.family_id == family_id, Professional.deleted.is_(False))
                    .order_by(Professional.agency, Professional.name)
                )
            )
