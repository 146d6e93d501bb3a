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


_TIME = re.compile(r"^\s*(\d{1,2})[:.](\d{2})\s*$")
_PHONE = re.compile(r"^\+?[0-9][0-9 ()\-]{6,20}$")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_URL = re.compile(r"^(https?://)?[^\s/$.?#][^\s]*\.[^\s]{2,}$", re.IGNORECASE)


def moment(
    value: str | dt.datetime | dt.date | None,
    field: str,
    label: str,
    errors: Errors,
    *,
    required: bool = False,
    past: bool = False,
    example: str = "27 3 2019 14:30",
) -> dt.datetime | None:
    """A date with an optional time ('27 3 2019 14:30'), as an aware UTC datetime.

    A date or time typed without a zone is the laptop's local time; a date alone means midday, except
    today's date alone when midday is still to come: that means now (a morning visit logged by date)."""
    parsed: dt.datetime | None
    date_only = False
    cap = _cap(label)
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            errors.add(field, f"Enter {label}, for example {example}")
        return None
    if isinstance(value, dt.datetime):
        parsed = value if value.tzinfo else value.astimezone()
    elif isinstance(value, dt.date):
        parsed = dt.datetime.combine(value, dt.time(12, 0)).astimezone()
        date_only = True
    else:
        text_ = value.strip()
        day_part, time_part = text_, None
        pieces = text_.split()
        if pieces and _TIME.match(pieces[-1]):
            day_part, time_part = " ".join(pieces[:-1]), pieces[-1]
        try:
            day = parse_date(day_part)
            if day is None:
                raise ValueError(text_)
            clock = dt.time(12, 0)
            date_only = time_part is None
            if time_part is not None:
                match = _TIME.match(time_part)
                assert match is not None
                clock = dt.time(int(match.group(1)), int(match.group(2)))
            parsed = dt.datetime.combine(day, clock).astimezone()
        except ValueError:
            try:
                parsed = dt.datetime.fromisoformat(text_)
            except ValueError:
                errors.add(field, f"{cap} must be a real date and time, for example {example}")
                return None
            parsed = parsed if parsed.tzinfo else parsed.astimezone()
    parsed = parsed.astimezone(dt.UTC)
    now = dt.datetime.now(dt.UTC)
    if date_only and parsed > now and parsed.astimezone().date() == now.astimezone().date():
        parsed = now
    if parsed.year < 1900:
        errors.add(field, f"{cap} must be after 1900")
    elif past and parsed > now + dt.timedelta(minutes=5):
        errors.add(field, f"{cap} must be now or in the past")
    return parsed


def phone(value: str | None, errors: Errors, field: str = "phone") -> str | None:
    if value is None or not value.strip():
        return None
    cleaned = " ".join(value.split())
    if not _PHONE.match(cleaned) or sum(ch.isdigit() for ch in cleaned) < 7:
        errors.add(field, "Enter a phone number, like 01632 960 001 or 07700 900 982")
        return None
    return cleaned


def email(value: str | None, errors: Errors, field: str = "email") -> str | None:
    if value is None or not value.strip():
        return None
    cleaned = value.strip()
    if not _EMAIL.match(cleaned) or len(cleaned) > 254:
        errors.add(field, "Enter an email address in the correct format, like name@example.com")
        return None
    return cleaned


def website(value: str | None, errors: Errors, field: str = "website") -> str | None:
    if value is None or not value.strip():
        return None
    cleaned = value.strip()
    if not _URL.match(cleaned) or len(cleaned) > 300:
        errors.add(field, "Enter a website address, like www.example.org")
        return None
    return cleaned


def boolean(value: object, field: str, label: str, errors: Errors, *, required: bool = False) -> bool | None:
    """Yes/no from a form or the command line ('yes', 'no', True, False)."""
    if isinstance(value, bool):
        return value
    if value is None or value == "":
        if required:
            errors.add(field, f"Select yes if {label}, or no if not")
        return None
    if isinstance(value, str) and value.strip().lower() in ("yes", "y", "true", "1"):
        return True
    if isinstance(value, str) and value.strip().lower() in ("no", "n", "false", "0"):
        return False
    errors.add(field, f"Select yes if {label}, or no if not")
    return None


def whole_number(
    value: int | str | None, field: str, label: str, errors: Errors, *, low: int = 0, high: int = 1_000_000
) -> int | None:
    """A count such as minutes or places: a whole number within limits."""
    if value is None or value == "":
        return None
    cap = _cap(label)
    if isinstance(value, bool):
        errors.add(field, f"{cap} must be a whole number, like 30")
        return None
    try:
        number = int(value)
    except (TypeError, ValueError):
        errors.add(field, f"{cap} must be a whole number, like 30")
        return None
    if number < low:
        errors.add(field, f"{cap} must be {low} or more")
        return None
    if number > high:
        errors.add(field, f"{cap} must be {high} or fewer")
        return None
    return number


def choices(
    values: list[str] | tuple[str, ...] | None,
    allowed: dict[str, str],
    field: str,
    label: str,
    errors: Errors,
    *,
    required: bool = False,
) -> list[str]:
    """Several codes from a configured list, each checked, duplicates dropped, order kept."""
    picked: list[str] = []
    for value in values or ():
        if value not in allowed:
            errors.add(field, f"Select {label} from the list ({value!r} is not one)")
            return []
        if value not in picked:
            picked.append(value)
    if required and not picked:
        errors.add(field, f"Select at least one {label}")
    return picked


def _cap(label: str) -> str:
    return f"{label[0].upper()}{label[1:]}" if label else label
