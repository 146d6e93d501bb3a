"""What a printed document may show: agencies that must not see are never named; the address rule.

* Whether an agency may be given a document at all is the consent service's decision
  (``ConsentService.may_see``: everything / the plan only / nothing, must not see, a safeguarding
  override); the documents service asks it. An agency marked "must not see" is never a recipient and
  is never named in a document (``Disclosure.hides``).
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

PLAN = "plan"
PROFESSIONAL_KINDS = ("assessment", "review", "closure")
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
