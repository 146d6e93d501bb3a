"""Staff on this laptop: who can unlock it, passwords, reset codes."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from earlyhelp_desktop.core.crypto.vault import SlotUser
from earlyhelp_desktop.core.errors import InvalidInput, NotFound
from earlyhelp_desktop.core.ids import staff_id
from earlyhelp_desktop.core.services import validate as v
from earlyhelp_desktop.core.services.base import Changes, Service, changes
from earlyhelp_desktop.core.store.models import Staff

ROLES = ("supervisor", "family_worker", "community_connector")
MIN_PASSWORD = 8


@dataclass(frozen=True, slots=True)
class StaffSummary:
    user_id: str
    username: str
    full_name: str
    role: str
    hub_id: str | None
    can_unlock: bool


def check_password(password: str, field: str = "password") -> None:
    if len(password) < MIN_PASSWORD:
        raise InvalidInput({field: f"Choose a password of at least {MIN_PASSWORD} characters"})


def check_username(username: str) -> str:
    cleaned = username.strip()
    if not cleaned or len(cleaned) > 64 or any(ch.isspace() for ch in cleaned):
        raise InvalidInput({"user": "Enter a user name without spaces, for example j.smith"})
    return cleaned


class UserService(Service):
    def list(self) -> list[StaffSummary]:
        unlockers = {u.user_id for u in self.ws.store.vault.users()}
        with self.ws.read() as session:
            staff = session.scalars(select(Staff).where(Staff.deleted.is_(False)).order_by(Staff.full_name))
            return [
                StaffSummary(s.id, s.username, s.full_name, s.role, s.hub_id, s.id in unlockers)
                for s in staff
            ]

    def add(self, username: str, full_name: str, role: str, password: str) -> Changes:
        """A supervisor adds a colleague who can then unlock this laptop with their own password."""
        self.require("supervisor")
        username = check_username(username)
        errors = v.Errors()
        name = v.text(full_name, "full_name", "their full name", errors, required=True, max_length=120)
        v.choice(role, ROLES, "role", "a role", errors, required=True)
        errors.raise_if_any()
        check_password(password)
        user_id = staff_id(username)
        with self.ws.write() as session:
            existing = session.get(Staff, user_id)
            if (
                existing is not None
                and not existing.deleted
                and user_id in {u.user_id for u in self.ws.store.vault.users()}
            ):
                raise InvalidInput({"user": f"{username} can already unlock this laptop"})
            if existing is None:
                session.add(
                    Staff(
                        id=user_id, username=username, full_name=name, role=role, hub_id=self.ws.home_hub_id
                    )
                )
            else:
                existing.deleted = False
                existing.full_name, existing.role, existing.active = name or existing.full_name, role, True
            self.audit(session, "create", "staff", user_id)
            # The slot is written before the transaction commits: if it fails, the staff row rolls back.
            self.ws.store.vault.set_password(
                self.ws.data_key, SlotUser(user_id, username, name or "", role), password
            )
        return changes({"staff"}, created=[user_id])

    def change_password(self, new_password: str) -> None:
        """Re-wraps the acting person's own slot (the new slot is durable before the old one goes)."""
        check_password(new_password)
        user = self.ws.user
        self.ws.store.vault.set_password(
            self.ws.data_key, SlotUser(user.user_id, user.username, user.full_name, user.role), new_password
        )
        with self.ws.write() as session:
            self.audit(session, "password", "staff", user.user_id)

    def issue_reset_code(self, username: str) -> str:
        """A supervisor's one-time code for a colleague who forgot their password (72 hours)."""
        self.require("supervisor")
        try:
            target = self.ws.store.vault.find_user(username)
        except Exception as exc:
            raise NotFound(f"{username} cannot unlock this laptop, so has no password to reset.") from exc
        code = self.ws.store.vault.issue_reset_code(self.ws.data_key, target)
        with self.ws.write() as session:
            self.audit(session, "reset_code", "staff", target.user_id)
        return code
