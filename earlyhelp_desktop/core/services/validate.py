"""Input checks whose messages say what to do, after the GOV.UK Design System."""

from __future__ import annotations

import datetime as dt
import re

from earlyhelp_desktop.core.errors import InvalidInput

_POSTCODE = re.compile(r"^([A-Z]{1,2}[0-9][A-Z0-9]?) ?([0-9][A-Z]{2})$")
_DATE_PARTS = re.compile(r"^\s*(\d{1,2})[\s/.\-]+(\d{1,2})[\s/.\-]+(\d{4})\s*$")
_UPN_LETTERS = "ABCDEFGHJKLMNPQRTUVWXYZ"


class Errors:
    """Collects per-field messages; ``raise_if_any`` raises InvalidInput with all of them at once."""

    def __init__(self) -> None:
        self.messages: dict[str, str] = {}

    def add(self, field: str, message: str) -> None:
        self.messages.setdefault(field, message)

    def raise_if_any(self) -> None:
        if self.messages:
            raise InvalidInput(self.messages)


def text(
    value: str | None,
    field: str,
    label: str,
    errors: Errors,
    *,
    required: bool = False,
    max_length: int = 200,
) -> str | None:
    cleaned = " ".join(value.split()) if value is not None else None
    if not cleaned:
        if required:
            errors.add(field, f"Enter {label}")
        return None
    if len(cleaned) > max_length:
        errors.add(field, f"{label[0].upper()}{label[1:]} must be {max_length} characters or fewer")
    return cleaned


def long_text(
    value: str | None,
    field: str,
    label: str,
    errors: Errors,
    *,
    required: bool = False,
    max_length: int = 20000,
) -> str | None:
    """Free text (notes, the family's words): kept as typed, only trimmed."""
    cleaned = value.strip() if value is not None else None
    if not cleaned:
        if required:
            errors.add(field, f"Enter {label}")
        return None
    if len(cleaned) > max_length:
        errors.add(field, f"{label[0].upper()}{label[1:]} must be {max_length} characters or fewer")
    return cleaned


def parse_date(value: str | dt.date | None) -> dt.date | None:
    """'27 3 2019', '27/03/2019' or '2019-03-27'. Raises ValueError when it is not a real date."""
    if value is None or isinstance(value, dt.date):
        return value
    value = value.strip()
    if not value:
        return None
    match = _DATE_PARTS.match(value)
    if match:
        day, month, year = (int(g) for g in match.groups())
        return dt.date(year, month, day)
    return dt.date.fromisoformat(value)


def date(
    value: str | dt.date | None,
    field: str,
    label: str,
    errors: Errors,
    *,
    required: bool = False,
    past: bool = False,
    example: str = "27 3 2019",
) -> dt.date | None:
    try:
        parsed = parse_date(value)
    except ValueError:
        errors.add(field, f"{label[0].upper()}{label[1:]} must be a real date, for example {example}")
        return None
    if parsed is None:
        if required:
            errors.add(field, f"Enter {label}, for example {example}")
        return None
    if parsed.year < 1900:
        errors.add(field, f"{label[0].upper()}{label[1:]} must be after 1900")
    elif past and parsed > dt.date.today():
        errors.add(field, f"{label[0].upper()}{label[1:]} must be today or in the past")
    return parsed


def postcode(value: str | None, errors: Errors, field: str = "postcode") -> str | None:
    if value is None or not value.strip():
        return None
    cleaned = "".join(value.split()).upper()
    match = _POSTCODE.match(cleaned)
    if not match:
        errors.add(field, "Enter a full UK postcode, for example TQ1 4AB")
        return None
    return f"{match.group(1)} {match.group(2)}"


def nhs_number(value: str | None, errors: Errors, field: str = "nhs_number") -> str | None:
    if value is None or not value.strip():
        return None
    digits = "".join(value.split())
    if not (digits.isdigit() and len(digits) == 10):
        errors.add(field, "Enter the 10-digit NHS number, for example 943 476 5919")
        return None
    total = sum(int(d) * (10 - i) for i, d in enumerate(digits[:9]))
    check = 11 - total % 11
    check = 0 if check == 11 else check
    if check == 10 or check != int(digits[9]):
        errors.add(field, "That NHS number is not valid: check each digit")
        return None
    return digits


def upn(value: str | None, errors: Errors, field: str = "upn") -> str | None:
    """A unique pupil number: a check letter then 12 characters (DfE algorithm)."""
    if value is None or not value.strip():
        return None
    cleaned = "".join(value.split()).upper()
    if not re.fullmatch(r"[A-Z][0-9]{11}[0-9A-Z]", cleaned):
        errors.add(field, "Enter the 13-character unique pupil number, for example H801200001001")
        return None
    total = 0
    for position, ch in enumerate(cleaned[1:], start=2):
        value_of = int(ch) if ch.isdigit() else _UPN_LETTERS.index(ch) if ch in _UPN_LETTERS else -1
        if value_of < 0:
            errors.add(field, "That unique pupil number is not valid")
            return None
        total += value_of * position
    if _UPN_LETTERS[total % 23] != cleaned[0]:
        errors.add(field, "That unique pupil number is not valid: check each character")
        return None
    return cleaned


def choice(
    value: str | None,
    allowed: dict[str, str] | tuple[str, ...],
    field: str,
    label: str,
    errors: Errors,
    *,
    required: bool = False,
) -> str | None:
    if value is None or value == "":
        if required:
            errors.add(field, f"Select {label}")
        return None
    if value not in allowed:
        options = ", ".join(allowed)
        errors.add(field, f"Select {label} from: {options}")
        return None
    return value


def score(value: int | str | None, field: str, label: str, errors: Errors, low: int, high: int) -> int | None:
    if value is None or value == "":
        return None
    try:
        number = int(value)
    except (TypeError, ValueError):
        errors.add(field, f"{label[0].upper()}{label[1:]} must be a number from {low} to {high}")
        return None
    if not low <= number <= high:
        errors.add(field, f"{label[0].upper()}{label[1:]} must be from {low} to {high}")
        return None
    return number
