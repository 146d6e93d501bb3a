"""Plain words for printed documents: dates as people write them, statuses without codes.

``JARGON`` lists what must never reach the family plan (level-of-need numbers, codes, internal statuses);
the tests check every plan against it.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata

ACTION_PROGRESS = {
    "not_started": "Not started yet",
    "in_progress": "Under way",
    "done": "Done",
    "dropped": "No longer needed",
}
LINK_PROGRESS = {
    "offered": "Suggested to us",
    "referred": "Asked for a place",
    "accepted": "Place agreed",
    "attended": "We go to this",
}
REVIEW_PROGRESS = {"better": "Better", "same": "About the same", "worse": "Harder"}
DECISIONS = {
    "continue": "Carry on with the plan",
    "step_up": "Ask children's social care for more help (step up)",
    "step_down": "Move to everyday services (step down)",
    "close": "Close early help",
}
ASSESSMENT_STATUS = {
    "draft": "Draft: not yet checked by a supervisor",
    "submitted": "Waiting for a supervisor to check it",
    "signed_off": "Checked and agreed by a supervisor",
    "returned": "Returned by the supervisor for changes",
}
CLOSURE_STATUS = {
    "submitted": "Waiting for a supervisor to agree the closure",
    "signed_off": "Closure agreed by a supervisor",
    "returned": "Returned by the supervisor for changes",
}
LAWFUL_BASIS = {
    "public_task": "Public task (UK GDPR Article 6(1)(e))",
    "consent": "Consent (UK GDPR Article 6(1)(a))",
}
ACCESS = {"everything": "Everything", "plan": "The plan only", "nothing": "Nothing"}
MUM_DAD = {"mother": "Mum", "father": "Dad", "stepmother": "Stepmum", "stepfather": "Stepdad"}

# Words and patterns that mean nothing to a family, or reveal internal workings.
JARGON = (
    r"\blevel of need\b",
    r"\blevel [1-4]\b",
    r"\b(?:signed_off|not_started|in_progress|step_up|step_down|public_task|family_scale)\b",
    r"\bsigned off\b",
    r"\bsubmitted\b",
    r"\bdraft\b",
    r"\bepisode\b",
    r"\bTAF\b",
    r"\bMASH\b",
    r"\bEHA\b",
    r"\bdomain\b",
    r"\blead practitioner\b",
    r"\bsafeguarding\b",
    r"\bSNOMED\b",
    r"\b\d{15,18}\b",  # a SNOMED CT code
    r"\bmust not see\b",
    r"\b[a-z]+_[a-z_]+\b",  # any snake_case code
)


def jargon_in(text: str) -> list[str]:
    """Every jargon word or code found in ``text`` (empty when it reads plainly)."""
    found = []
    for pattern in JARGON:
        found += [m.group(0) for m in re.finditer(pattern, text, flags=re.IGNORECASE)]
    return found


def parse(value: str | dt.date | None) -> dt.date | None:
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(value[:10])


def long_date(value: str | dt.date | None, *, weekday: bool = False) -> str:
    """'5 March 2025' (or 'Wednesday 5 March 2025'), as GOV.UK writes dates."""
    day = parse(value)
    if day is None:
        return ""
    text = f"{day.day} {day:%B %Y}"
    return f"{day:%A} {text}" if weekday else text


def short_date(value: str | dt.date | None) -> str:
    """'5 Mar 2025', for tables."""
    day = parse(value)
    return f"{day.day} {day:%b %Y}" if day else ""


def relationship_word(code: str, label: str | None) -> str:
    """How a family says it: 'Mum' rather than 'Mother'."""
    return MUM_DAD.get(code, label or code.replace("_", " ").capitalize())


def fold(text: str) -> str:
    """For comparing agency names: case, accents and spacing ignored."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return " ".join("".join(ch for ch in decomposed if not unicodedata.combining(ch)).split())


def join_words(items: list[str]) -> str:
    """'a, b and c'."""
    items = [i for i in items if i]
    if len(items) <= 1:
        return "".join(items)
    return f"{', '.join(items[:-1])} and {items[-1]}"
