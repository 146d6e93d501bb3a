"""Identifier types and generators. Ids are distinct types so a person id is never passed as a family."""

from __future__ import annotations

import secrets
import unicodedata
import uuid
from collections.abc import Callable
from typing import NewType

FamilyId = NewType("FamilyId", str)
PersonId = NewType("PersonId", str)
EpisodeId = NewType("EpisodeId", str)
StaffId = NewType("StaffId", str)
HubId = NewType("HubId", str)

# Fixed namespace for ids derived from names, so every laptop and the server derive the same ids.
NAMESPACE = uuid.UUID("6f1d3c52-8a7e-4c1b-9d2e-0b7a5e4c3f21")

# Crockford base32: no I, L, O, U, so a reference read over the phone is not misheard.
_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"


def new_id() -> str:
    return str(uuid.uuid4())


def derived_id(*parts: str) -> str:
    """A deterministic id from parts (e.g. family + person for a membership)."""
    return str(uuid.uuid5(NAMESPACE, "\x1f".join(parts)))


def staff_id(username: str) -> StaffId:
    return StaffId(derived_id("staff", username.strip().casefold()))


def hub_id(name: str) -> HubId:
    return HubId(derived_id("hub", " ".join(name.split()).casefold()))


def hub_code(name: str) -> str:
    """Two or three capital letters from a hub's name: "Torbay North" -> "TN"."""
    words = [w for w in _ascii(name).upper().split() if w[:1].isalpha()]
    if not words:
        return "EH"
    if len(words) == 1:
        return words[0][:3]
    return "".join(w[0] for w in words[:3])


def _ascii(text: str) -> str:
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()


def _check_char(body: str) -> str:
    total = 0
    for i, ch in enumerate(body):
        total += (i + 1) * _ALPHABET.index(ch)
    return _ALPHABET[total % 32]


def family_reference(code: str, choice: Callable[[str], str] = secrets.choice) -> str:
    """A reference unique without coordination: hub code, 7 random characters and a check character.

    32**7 (3.4e10) codes per hub: two laptops creating families offline will not collide in practice.
    ``choice`` is injectable so the demo generator can be deterministic.
    """
    body = "".join(choice(_ALPHABET) for _ in range(7))
    full = body + _check_char(body)
    return f"{code}-{full[:4]}-{full[4:]}"


def normalise_reference(text: str) -> str | None:
    """The canonical form of a typed reference, or None when it cannot be one (bad check character)."""
    cleaned = "".join(text.split()).upper()
    code, dash, rest = cleaned.partition("-")
    if not dash and len(cleaned) > 8:  # typed without dashes: the last 8 characters are the code
        code, dash, rest = cleaned[:-8], "-", cleaned[-8:]
    body = rest.replace("-", "").translate(str.maketrans("OIL", "011"))
    if not dash or not code.isalpha() or len(body) != 8 or any(ch not in _ALPHABET for ch in body):
        return None
    if _check_char(body[:7]) != body[7]:
        return None
    return f"{code}-{body[:4]}-{body[4:]}"
