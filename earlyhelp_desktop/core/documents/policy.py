"""Who may be given a document, and what it may show: the family's sharing permissions, applied.

* Printing for a partner agency follows that agency's permission: "everything" allows every document,
  "the plan only" allows the family plan only, "nothing" (or no recorded permission) refuses, with the
  reason. An agency marked "must not see" is never a recipient and is never named in a document.
* A confidential address is never printed. Nothing printed for or about a person who must not know the
  family's whereabouts includes the address: if anyone in the household is marked so, or the document is
  for such a person, the address is left out.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Protocol

from earlyhelp_desktop.core.documents.words import fold
from earlyhelp_desktop.core.errors import NotPermitted

PLAN = "plan"
PROFESSIONAL_KINDS = ("assessment", "review", "closure")
DOCUMENT_NAMES = {
    "plan": "the family plan",
    "assessment": "the assessment summary",
    "review": "the review record",
    "closure": "the closure summary",
}
INTERNAL = "Internal use (the early help team)"


class Permission(Protocol):
    @property
    def agency(self) -> str: ...
    @property
    def access(self) -> str: ...
    @property
    def gets_copy(self) -> bool: ...
    @property
    def must_not_see(self) -> bool: ...


class Whereabouts(Protocol):
    @property
    def id(self) -> str: ...
    @property
    def must_not_know_whereabouts(self) -> bool: ...


@dataclass(frozen=True)
class Disclosure:
    """What one printing may show."""

    prepared_for: str
    show_address: bool
    address_note: str | None
    hidden: frozenset[str] = field(default_factory=frozenset)  # folded names of must-not-see agencies

    def hides(self, *texts: str | None) -> bool:
        """True if any of ``texts`` names an agency that must not see this family's information."""
        for text in texts:
            if not text:
                continue
            folded = fold(text)
            for name in self.hidden:
                if re.search(rf"(?<!\w){re.escape(name)}(?!\w)", folded):
                    return True
        return False


def agency_label(value: str, labels: Mapping[str, str]) -> str:
    """A permission's agency in words (permissions may hold a configured code such as "gp")."""
    return labels.get(value, value)


def _names(permission: Permission, labels: Mapping[str, str]) -> set[str]:
    return {fold(permission.agency), fold(agency_label(permission.agency, labels))}


def find_permission(
    sharing: Iterable[Permission], agency: str, labels: Mapping[str, str]
) -> Permission | None:
    wanted = fold(agency)
    matches = [p for p in sharing if wanted in _names(p, labels)]
    # two records for one agency (made offline at two venues): the more restrictive wins
    matches.sort(key=lambda p: (not p.must_not_see, {"nothing": 0, "plan": 1}.get(p.access, 2)))
    return matches[0] if matches else None


def check_recipient(
    sharing: Sequence[Permission], agency: str, kind: str, labels: Mapping[str, str], family: str
) -> str:
    """The agency's name in words if it may be given ``kind``; otherwise NotPermitted with the reason."""
    what = DOCUMENT_NAMES.get(kind, kind)
    permission = find_permission(sharing, agency, labels)
    if permission is None:
        raise NotPermitted(
            f"The {family} family has not said what {agency} may see, so nothing can be printed for them. "
            "Record the family's sharing permission for this agency first."
        )
    name = agency_label(permission.agency, labels)
    if permission.must_not_see:
        raise NotPermitted(
            f"The {family} family asked that {name} must not see their information. Nothing was printed."
        )
    if permission.access == "nothing":
        raise NotPermitted(
            f"The {family} family has not agreed to share anything with {name}. Nothing was printed."
        )
    if permission.access == PLAN and kind != PLAN:
        raise NotPermitted(
            f"The {family} family agreed that {name} may see the plan only, not {what}. "
            "Print the family plan for them instead."
        )
    if permission.access not in ("everything", PLAN):
        raise NotPermitted(f"The sharing permission for {name} is not clear; check it with the family.")
    return name


def hidden_agencies(sharing: Iterable[Permission], labels: Mapping[str, str]) -> frozenset[str]:
    return frozenset(n for p in sharing if p.must_not_see for n in _names(p, labels) if n)


def disclosure(
    *,
    confidential_address: bool,
    household: Iterable[Whereabouts],
    sharing: Sequence[Permission],
    labels: Mapping[str, str],
    prepared_for: str = INTERNAL,
    for_person: Whereabouts | None = None,
) -> Disclosure:
    hidden = hidden_agencies(sharing, labels)
    if confidential_address:
        return Disclosure(prepared_for, False, "Not shown: this is a confidential address.", hidden)
    if for_person is not None and for_person.must_not_know_whereabouts:
        note = "Not shown: this copy is for someone who must not know where the family lives."
        return Disclosure(prepared_for, False, note, hidden)
    if any(p.must_not_know_whereabouts for p in household):
        note = "Not shown: someone connected to this family must not know where they live."
        return Disclosure(prepared_for, False, note, hidden)
    return Disclosure(prepared_for, True, None, hidden)


def copies_to(sharing: Iterable[Permission], kind: str, labels: Mapping[str, str]) -> tuple[str, ...]:
    """Agencies that get a copy of ``kind``, as agreed with the family (never a must-not-see one)."""
    sharing = list(sharing)
    allowed = ("everything", PLAN) if kind == PLAN else ("everything",)
    hidden = Disclosure("", False, None, hidden_agencies(sharing, labels))
    names = {
        agency_label(p.agency, labels)
        for p in sharing
        if p.gets_copy and p.access in allowed and not hidden.hides(p.agency, agency_label(p.agency, labels))
    }
    return tuple(sorted(names, key=fold))
