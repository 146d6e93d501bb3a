"""The key-slot file kept beside the database (LUKS-style).

Each slot holds the store's random 256-bit data key, wrapped for one way in:

* ``password``: a person's password -> Argon2id (parameters kept in the slot) -> an X25519 private key;
* ``reset``: a one-time reset code issued by a supervisor, same derivation, with an expiry;
* ``escrow``: a device secret that only the sync server keeps (released to an authorised online login).

The data key is sealed to the slot's X25519 *public* key (ephemeral X25519, HKDF-SHA256, AES-256-GCM
with associated data binding store id, slot id, kind, user id, KDF parameters and public key). Sealing
to a public key lets a supervisor rotate the data key and re-wrap every slot without anyone's password.
"""

from __future__ import annotations

import base64
import datetime as dt
import json
import os
import unicodedata
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Literal

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from earlyhelp_desktop.core.crypto.kdf import KdfParams
from earlyhelp_desktop.core.errors import CorruptStore
from earlyhelp_desktop.core.fileio import atomic_write

FORMAT = 1
SlotKind = Literal["password", "reset", "escrow"]
MAX_MEMORY_KIB = 4 * 1024 * 1024
MAX_ITERATIONS = 200


class SlotMismatch(Exception):
    """The secret does not open this slot (a wrong password or code)."""


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


def _unb64(text: str) -> bytes:
    return base64.b64decode(text.encode(), validate=True)


def password_bytes(password: str) -> bytes:
    """Passwords are compared as NFC UTF-8, so the same letters typed differently still match."""
    return unicodedata.normalize("NFC", password).encode()


@dataclass(frozen=True, slots=True)
class Slot:
    slot_id: str
    kind: SlotKind
    public_key: bytes
    ephemeral: bytes
    nonce: bytes
    wrapped: bytes
    kdf: KdfParams | None = None
    user_id: str | None = None
    username: str | None = None
    full_name: str | None = None
    role: str | None = None  # a display hint for the unlock screen; the store's staff table decides
    created_at: str = ""
    expires_at: str | None = None

    def associated_data(self, store_id: str) -> bytes:
        bound = {
            "store_id": store_id,
            "slot_id": self.slot_id,
            "kind": self.kind,
            "user_id": self.user_id,
            "kdf": self.kdf.to_json() if self.kdf else None,
            "public_key": self.public_key.hex(),
        }
        return json.dumps(bound, sort_keys=True, separators=(",", ":")).encode()

    def to_json(self) -> dict[str, Any]:
        return {
            "slot_id": self.slot_id,
            "kind": self.kind,
            "user_id": self.user_id,
            "username": self.username,
            "full_name": self.full_name,
            "role": self.role,
            "kdf": self.kdf.to_json() if self.kdf else None,
            "public_key": _b64(self.public_key),
            "ephemeral": _b64(self.ephemeral),
            "nonce": _b64(self.nonce),
            "wrapped": _b64(self.wrapped),
            "created_at": self.created_at,
            "expires_at": self.expires_at,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Slot:
        kdf = KdfParams.from_json(data["kdf"]) if data.get("kdf") else None
        if kdf and not (0 < kdf.memory_kib <= MAX_MEMORY_KIB and 0 < kdf.iterations <= MAX_ITERATIONS):
            raise ValueError("key derivation parameters out of range")
        if data["kind"] not in ("password", "reset", "escrow"):
            raise ValueError("unknown slot kind")
        return cls(
            slot_id=str(data["slot_id"]),
            kind=data["kind"],
            public_key=_unb64(data["public_key"]),
            ephemeral=_unb64(data["ephemeral"]),
            nonce=_unb64(data["nonce"]),
            wrapped=_unb64(data["wrapped"]),
            kdf=kdf,
            user_id=data.get("user_id"),
            username=data.get("username"),
            full_name=data.get("full_name"),
            role=data.get("role"),
            created_at=data.get("created_at", ""),
            expires_at=data.get("expires_at"),
        )

    def expired(self, now: dt.datetime) -> bool:
        return self.expires_at is not None and dt.datetime.fromisoformat(self.expires_at) <= now


def secret_for(kdf: KdfParams, password: str) -> bytes:
    """The slot secret for a password or reset code (the slow Argon2id step)."""
    return kdf.derive(password_bytes(password))


def public_key_for(secret: bytes) -> bytes:
    return X25519PrivateKey.from_private_bytes(secret).public_key().public_bytes_raw()


def _wrapping_key(shared: bytes, ephemeral: bytes, public_key: bytes) -> bytes:
    hkdf = HKDF(
        algorithm=hashes.SHA256(), length=32, salt=None, info=b"earlyhelp keyslot v1" + ephemeral + public_key
    )
    return hkdf.derive(shared)


def seal(slot: Slot, data_key: bytes, store_id: str) -> Slot:
    """Returns ``slot`` with ``data_key`` freshly sealed to its public key."""
    ephemeral_key = X25519PrivateKey.generate()
    ephemeral = ephemeral_key.public_key().public_bytes_raw()
    shared = ephemeral_key.exchange(X25519PublicKey.from_public_bytes(slot.public_key))
    key = _wrapping_key(shared, ephemeral, slot.public_key)
    nonce = os.urandom(12)
    sealed = replace(slot, ephemeral=ephemeral, nonce=nonce, wrapped=b"")
    wrapped = AESGCM(key).encrypt(nonce, data_key, sealed.associated_data(store_id))
    return replace(sealed, wrapped=wrapped)


def open_slot(slot: Slot, secret: bytes, store_id: str) -> bytes:
    """The data key, or SlotMismatch when ``secret`` is not this slot's."""
    private = X25519PrivateKey.from_private_bytes(secret)
    if private.public_key().public_bytes_raw() != slot.public_key:
        raise SlotMismatch()
    shared = private.exchange(X25519PublicKey.from_public_bytes(slot.ephemeral))
    key = _wrapping_key(shared, slot.ephemeral, slot.public_key)
    try:
        return AESGCM(key).decrypt(slot.nonce, slot.wrapped, slot.associated_data(store_id))
    except InvalidTag as exc:  # the file was tampered with (e.g. a slot moved to another user)
        raise SlotMismatch() from exc


def new_slot(
    kind: SlotKind,
    secret: bytes,
    data_key: bytes,
    store_id: str,
    *,
    kdf: KdfParams | None,
    user_id: str | None = None,
    username: str | None = None,
    full_name: str | None = None,
    role: str | None = None,
    expires_at: dt.datetime | None = None,
) -> Slot:
    now = dt.datetime.now(dt.UTC)
    blank = Slot(
        slot_id=os.urandom(8).hex(),
        kind=kind,
        public_key=public_key_for(secret),
        ephemeral=b"",
        nonce=b"",
        wrapped=b"",
        kdf=kdf,
        user_id=user_id,
        username=username,
        full_name=full_name,
        role=role,
        created_at=now.isoformat(timespec="seconds"),
        expires_at=expires_at.isoformat(timespec="seconds") if expires_at else None,
    )
    return seal(blank, data_key, store_id)


@dataclass
class KeySlotFile:
    """The slots of one store. ``pending`` holds wraps of a new data key during a rekey."""

    path: Path
    store_id: str
    slots: list[Slot] = field(default_factory=list)
    pending: list[Slot] = field(default_factory=list)

    @classmethod
    def load(cls, path: Path) -> KeySlotFile:
        try:
            data = json.loads(path.read_bytes())
            if data.get("format") != FORMAT:
                raise ValueError(f"unknown key-slot format {data.get('format')!r}")
            return cls(
                path=path,
                store_id=str(data["store_id"]),
                slots=[Slot.from_json(s) for s in data["slots"]],
                pending=[Slot.from_json(s) for s in data.get("pending", [])],
            )
        except FileNotFoundError:
            raise
        except (ValueError, KeyError, TypeError) as exc:
            raise CorruptStore(
                f"The key-slot file {path.name} is damaged ({exc}). Restore it from a backup of this "
                "laptop's store folder, or ask your supervisor."
            ) from exc

    def save(self) -> None:
        data = {
            "format": FORMAT,
            "store_id": self.store_id,
            "slots": [s.to_json() for s in self.slots],
            "pending": [s.to_json() for s in self.pending],
        }
        atomic_write(self.path, json.dumps(data, indent=1).encode())

    def for_user(self, user_id: str, kind: SlotKind = "password") -> list[Slot]:
        return [s for s in self.slots if s.user_id == user_id and s.kind == kind]
