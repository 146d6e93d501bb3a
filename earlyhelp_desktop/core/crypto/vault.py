"""Everything about the data key outside the database: who can open the store and how.

The vault never sees the database; ``Store`` combines the two.
"""

from __future__ import annotations

import datetime as dt
import os
import secrets
from dataclasses import dataclass
from pathlib import Path

from earlyhelp_desktop.core.crypto.backoff import Backoff
from earlyhelp_desktop.core.crypto.kdf import KdfParams, calibrate
from earlyhelp_desktop.core.crypto.keyslots import (
    KeySlotFile,
    Slot,
    SlotMismatch,
    new_slot,
    open_slot,
    seal,
    secret_for,
)
from earlyhelp_desktop.core.errors import (
    BackoffActive,
    InvalidResetCode,
    UnknownUser,
    WrongPassword,
    wait_phrase,
)

SLOTS_FILE = "keyslots.json"
BACKOFF_FILE = "unlock-state.json"
RESET_CODE_HOURS = 72
_CODE_ALPHABET = "ABCDEFGHJKMNPQRSTVWXYZ23456789"


@dataclass(frozen=True, slots=True)
class SlotUser:
    """A person who can unlock this laptop's store (read without the key: names only)."""

    user_id: str
    username: str
    full_name: str
    role: str


@dataclass(frozen=True, slots=True)
class Opened:
    """The outcome of an unlock: the person, and the data key(s) to try (two during a rekey)."""

    user: SlotUser
    keys: tuple[bytes, ...]


def normalise_code(code: str) -> str:
    return "".join(ch for ch in code.upper() if ch.isalnum())


class Vault:
    def __init__(self, directory: Path, fixed_kdf: KdfParams | None = None) -> None:
        self.directory = directory
        self.slots_path = directory / SLOTS_FILE
        self.backoff = Backoff(directory / BACKOFF_FILE)
        # Tests pass cheap fixed parameters explicitly; production calibrates on this laptop.
        self._fixed_kdf = fixed_kdf

    # -- reading ---------------------------------------------------------------------------------

    def exists(self) -> bool:
        return self.slots_path.exists()

    def load(self) -> KeySlotFile:
        return KeySlotFile.load(self.slots_path)

    def users(self) -> list[SlotUser]:
        seen: dict[str, SlotUser] = {}
        for slot in self.load().slots:
            if slot.kind == "password" and slot.user_id and slot.username:
                seen.setdefault(slot.user_id, _slot_user(slot))
        return sorted(seen.values(), key=lambda u: u.full_name.casefold())

    def find_user(self, username: str) -> SlotUser:
        wanted = username.strip().casefold()
        for user in self.users():
            if user.username.casefold() == wanted:
                return user
        raise UnknownUser(f"No one called {username!r} can unlock this laptop's store.")

    # -- creating and changing slots -------------------------------------------------------------

    def kdf(self) -> KdfParams:
        return self._fixed_kdf.with_new_salt() if self._fixed_kdf else calibrate()

    def create(self, store_id: str, data_key: bytes, user: SlotUser, password: str) -> None:
        if self.exists():
            raise FileExistsError(self.slots_path)
        file = KeySlotFile(self.slots_path, store_id)
        file.slots.append(self._password_slot(store_id, data_key, user, password))
        file.save()

    def _password_slot(self, store_id: str, data_key: bytes, user: SlotUser, password: str) -> Slot:
        kdf = self.kdf()
        return new_slot(
            "password",
            secret_for(kdf, password),
            data_key,
            store_id,
            kdf=kdf,
            user_id=user.user_id,
            username=user.username,
            full_name=user.full_name,
            role=user.role,
        )

    def set_password(self, data_key: bytes, user: SlotUser, password: str) -> None:
        """Adds or replaces a person's slot: the new slot is durable before the old one goes."""
        file = self.load()
        old = file.for_user(user.user_id)
        file.slots.append(self._password_slot(file.store_id, data_key, user, password))
        file.save()
        if old:
            old_ids = {s.slot_id for s in old}
            file.slots = [s for s in file.slots if s.slot_id not in old_ids]
            file.save()

    def remove_user(self, user_id: str) -> None:
        file = self.load()
        file.slots = [s for s in file.slots if s.user_id != user_id]
        file.save()

    # -- unlocking -------------------------------------------------------------------------------

    def unlock(self, username: str, password: str) -> Opened:
        """Opens the person's slot, or raises WrongPassword / BackoffActive (nothing is ever disabled)."""
        user = self.find_user(username)
        self._check_backoff(user)
        file = self.load()
        for slot in file.for_user(user.user_id):
            if slot.kdf is None:
                continue
            secret = secret_for(slot.kdf, password)
            try:
                key = open_slot(slot, secret, file.store_id)
            except SlotMismatch:
                continue
            self.backoff.succeeded(user.user_id)
            return Opened(user, (key, *self._pending_keys(file, slot, secret)))
        wait = self.backoff.failed(user.user_id)
        hint = f" Wait {wait_phrase(wait)} before trying again." if wait else ""
        raise WrongPassword(f"That password is not right for {user.full_name}.{hint}", wait)

    def _check_backoff(self, user: SlotUser) -> None:
        remaining = self.backoff.remaining(user.user_id)
        if remaining:
            raise BackoffActive(
                f"Too many wrong passwords for {user.full_name}. Try again in {wait_phrase(remaining)}.",
                remaining,
            )

    @staticmethod
    def _pending_keys(file: KeySlotFile, slot: Slot, secret: bytes) -> list[bytes]:
        keys = []
        for pending in file.pending:
            if pending.slot_id == slot.slot_id:
                try:
                    keys.append(open_slot(pending, secret, file.store_id))
                except SlotMismatch:
                    pass
        return keys

    # -- forgotten passwords ---------------------------------------------------------------------

    def issue_reset_code(self, data_key: bytes, user: SlotUser) -> str:
        """A one-time code with which ``user`` sets a new password on this laptop (72 hours)."""
        code = "".join(secrets.choice(_CODE_ALPHABET) for _ in range(12))
        file = self.load()
        file.slots = [s for s in file.slots if not (s.kind == "reset" and s.user_id == user.user_id)]
        kdf = self.kdf()
        expires = dt.datetime.now(dt.UTC) + dt.timedelta(hours=RESET_CODE_HOURS)
        file.slots.append(
            new_slot(
                "reset",
                secret_for(kdf, code),
                data_key,
                file.store_id,
                kdf=kdf,
                user_id=user.user_id,
                username=user.username,
                expires_at=expires,
            )
        )
        file.save()
        return "-".join(code[i : i + 4] for i in range(0, 12, 4))

    def use_reset_code(self, username: str, code: str, new_password: str) -> Opened:
        """Opens the store with a reset code, sets the new password and spends the code."""
        user = self.find_user(username)
        self._check_backoff(user)
        file = self.load()
        now = dt.datetime.now(dt.UTC)
        for slot in file.for_user(user.user_id, "reset"):
            if slot.kdf is None or slot.expired(now):
                continue
            secret = secret_for(slot.kdf, normalise_code(code))
            try:
                key = open_slot(slot, secret, file.store_id)
            except SlotMismatch:
                continue
            self.backoff.succeeded(user.user_id)
            keys = (key, *self._pending_keys(file, slot, secret))
            return Opened(user, keys)
        wait = self.backoff.failed(user.user_id)
        raise InvalidResetCode(
            "That reset code is not right or has expired. Ask your supervisor for a new one."
            + (f" Wait {wait_phrase(wait)} before trying again." if wait else "")
        )

    def spend_reset_codes(self, user_id: str) -> None:
        file = self.load()
        file.slots = [s for s in file.slots if not (s.kind == "reset" and s.user_id == user_id)]
        file.save()

    # -- escrow (switched on when the laptop is enrolled with a server) --------------------------

    def set_escrow(self, data_key: bytes, device_secret: bytes) -> None:
        """Wraps the data key under a device secret the server keeps (replacing any older one)."""
        file = self.load()
        slot = new_slot("escrow", device_secret, data_key, file.store_id, kdf=None)
        others = [s for s in file.slots if s.kind != "escrow"]
        file.slots = [*others, slot]
        file.save()

    def open_escrow(self, device_secret: bytes) -> tuple[bytes, ...]:
        file = self.load()
        for slot in file.slots:
            if slot.kind == "escrow":
                try:
                    key = open_slot(slot, device_secret, file.store_id)
                except SlotMismatch:
                    continue
                return (key, *self._pending_keys(file, slot, device_secret))
        raise WrongPassword("The server's escrow secret does not open this laptop's store.")

    # -- rekey -----------------------------------------------------------------------------------

    def rekey_prepare(self, new_key: bytes) -> None:
        """Wraps the new key for every slot, beside the old wraps, before the database is rekeyed."""
        file = self.load()
        file.pending = [seal(s, new_key, file.store_id) for s in file.slots]
        file.save()

    def rekey_commit(self) -> None:
        """After the database is rekeyed: the new wraps replace the old ones."""
        file = self.load()
        if not file.pending:
            return
        pending = {s.slot_id: s for s in file.pending}
        file.slots = [pending.get(s.slot_id, s) for s in file.slots if s.slot_id in pending]
        file.pending = []
        file.save()

    def rekey_abandon(self) -> None:
        file = self.load()
        if file.pending:
            file.pending = []
            file.save()

    # -- retire and revoke only ------------------------------------------------------------------

    def destroy(self) -> None:
        """Overwrites and removes every slot. Only a signed retire or revoke message may call this."""
        if self.slots_path.exists():
            size = self.slots_path.stat().st_size
            with open(self.slots_path, "r+b") as handle:
                handle.write(os.urandom(size))
                handle.flush()
                os.fsync(handle.fileno())
            self.slots_path.unlink()


def _slot_user(slot: Slot) -> SlotUser:
    return SlotUser(
        slot.user_id or "", slot.username or "", slot.full_name or slot.username or "", slot.role or ""
    )
