"""What documents need besides a family's record: labels, staff, directory entries, the chosen plan.

The documents service reads these from the store; the content builders only read them (no database
access), which keeps building and rendering testable and fast.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from earlyhelp_desktop.core.store.models import (
    CommunityAsset,
    Plan,
    PlanAction,
    PlanOutcome,
    Review,
    ReviewProgress,
    TafMember,
)


@dataclass(frozen=True)
class StaffCard:
    """A member of staff as a family or partner sees them."""

    name: str
    job_title: str | None = None
    phone: str | None = None
    email: str | None = None
    hub: str | None = None


@dataclass(frozen=True)
class PlanParts:
    """One plan with its outcomes, actions, team and the reviews of its episode."""

    plan: Plan
    outcomes: Sequence[PlanOutcome]
    actions: Sequence[PlanAction]
    taf: Sequence[TafMember]
    reviews: Sequence[Review]  # oldest first
    progress: Mapping[str, Sequence[ReviewProgress]]  # review id -> entries


@dataclass(frozen=True)
class Lookups:
    labels: Mapping[str, Mapping[str, str]]  # list name -> code -> label
    staff: Mapping[str, StaffCard]
    assets: Mapping[str, CommunityAsset]
    domain_groups: Mapping[str, str] = field(default_factory=dict)  # area code -> group code
    family_scores: Sequence[tuple[dt.date, Mapping[str, int]]] = ()  # the family's own 1-5 area scores
    scale_note: str = "1 means really hard right now, 5 means going well."
    today: dt.date = field(default_factory=dt.date.today)

    def label(self, list_name: str, code: str | None) -> str:
        if not code:
            return ""
        return self.labels.get(list_name, {}).get(code, code.replace("_", " ").capitalize())

    def staff_name(self, staff_id: str | None) -> str:
        if not staff_id:
            return ""
        card = self.staff.get(staff_id)
        return card.name if card else "a colleague"
