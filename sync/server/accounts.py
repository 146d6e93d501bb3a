"""Staff passwords (Argon2id), short-lived user tokens, one-time enrolment codes."""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import secrets
import time
import unicodedata
import uuid
from dataclasses import dataclass
from typing import Any

from cryptography.hazmat.primitives.kdf.argon2 import Argon2id

from sync.server.config import PasswordCost

CODE_ALPHABET = "ABCDEFGHJKMNPQRSTVWXYZ23456789"


def now_ms() -> int:
    return time.time_ns() // 1_000_000


def _password_bytes(password: str) -> bytes:
    return unicodedata.normalize("NFC", password).encode()


def _derive(password: str, salt: bytes, memory_kib: int, iterations: int, lanes: int) -> bytes:
    kdf = Argon2id(salt=salt, length=32, iterations=iterations, lanes=lanes, memory_cost=memory_kib)
    return kdf.derive(_password_bytes(password))


def hash_password(password: str, cost: PasswordCost) -> dict[str, Any]:
    salt = os.urandom(16)
    digest = _derive(password, salt, cost.memory_kib, cost.iterations, cost.lanes)
    return {
        "alg": "argon2id",
        "salt": salt.hex(),
        "m": cost.memory_kib,
        "t": cost.iterations,
        "p": cost.lanes,
        "hash": digest.hex(),
    }


def check_password(password: str, stored: dict[str, Any]) -> bool:
    try:
        salt = bytes.fromhex(stored["salt"])
        expected = bytes.fromhex(stored["hash"])
        digest = _derive(password, salt, int(stored["m"]), int(stored["t"]), int(stored["p"]))
    except (KeyError, ValueError, TypeError):
        return False
    return hmac.compare_digest(digest, expected)


DUMMY_HASH = {"salt": "00" * 16, "hash": "00" * 32}


@dataclass(frozen=True, slots=True)
class TokenClaims:
    user_id: str
    device_id: str
    expires_ms: int


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def issue_token(secret: bytes, user_id: str, device_id: str, seconds: int) -> tuple[str, int]:
    """A compact signed token (it travels on every request): user, device, expiry, and a MAC."""
    expires = now_ms() + seconds * 1000
    body = uuid.UUID(user_id).bytes + bytes.fromhex(device_id) + expires.to_bytes(8, "big")
    mac = hmac.new(secret, body, hashlib.sha256).digest()[:16]
    return _b64(body + mac), expires


def read_token(secret: bytes, token: str) -> TokenClaims | None:
    """The claims of a token this server issued (expired or not), or None for anything else."""
    try:
        raw = _unb64(token)
    except ValueError:
        return None
    if len(raw) != 48:
        return None
    body, mac = raw[:32], raw[32:]
    if not hmac.compare_digest(hmac.new(secret, body, hashlib.sha256).digest()[:16], mac):
        return None
    return TokenClaims(str(uuid.UUID(bytes=body[:16])), body[16:24].hex(), int.from_bytes(body[24:], "big"))


def new_code() -> str:
    code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(12))
    return "-".join(code[i : i + 4] for i in range(0, 12, 4))


def code_hash(code: str) -> str:
    cleaned = "".join(ch for ch in code.upper() if ch.isalnum())
    return hashlib.sha256(cleaned.encode()).hexdigest()
