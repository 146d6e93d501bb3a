"""From a family's record to the content of "Our family plan", in plain words.

Leaves out everything a family plan must not carry: level of need, codes, internal statuses, dropped
goals, agencies that must not see the plan, people who must not know where the family lives, and the
family's address (the plan is the family's own: it never needs it).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import TYPE_CHECKING

from earlyhelp_desktop.core.documents.content import (
    Activity,
    Goal,
    Helper,
    Issue,
    Member,
    PlanContent,
    Rating,
    Step,
)
from earlyhelp_desktop.core.documents.context import Lookups, PlanParts
from earlyhelp_desktop.core.documents.policy import Disclosure, agency_label
from earlyhelp_desktop.core.documents.words import (
    ACTION_PROGRESS,
    LINK_PROGRESS,
    fold,
    join_words,
    relationship_word,
)
from earlyhelp_desktop.core.store.models import Person, PlanAction

if TYPE_CHECKING:
    from earlyhelp_desktop.core.services.record import FamilyRecord

FAMILY_SCALE_MAX = 5
GOAL_SCALE_MAX = 10


def person_name(person: Person) -> str:
    """The name as the person writes it: preferred name, family name first where that is their custom."""
    first = person.preferred_name or person.given_name
    if person.family_name_first:
        return f"{person.family_name} {first}".strip()
    return f"{first} {person.family_name}".strip()


def build_plan_content(
    record: FamilyRecord, parts: PlanParts, lookups: Lookups, issue: Issue, disclosure: Disclosure
) -> PlanContent:
    plan = parts.plan
    family = record.family
    members = tuple(
        Member(
            person_name(m.person),
            relationship_word(
                m.membership.relationship, lookups.label("relationship", m.membership.relationship)
            ),
        )
        for m in record.members
        if not m.person.must_not_know_whereabouts
    )
    goals, other = _goals(parts)
    share = tuple(
        sorted(
            {
                agency_label(p.agency, lookups.labels.get("agency", {}))
                for p in record.sharing
                if p.access in ("everything", "plan")
                and not p.must_not_see
                and not disclosure.hides(p.agency, agency_label(p.agency, lookups.labels.get("agency", {})))
            },
            key=fold,
        )
    )
    next_review = record.next_review
    return PlanContent(
        family_name=family.display_name,
        reference=family.reference,
        issue=issue,
        members=members,
        about_us=plan.about_us,
        going_well=plan.going_well,
        want_to_change=plan.want_to_change,
        goals=goals,
        other_steps=other,
        ratings=_area_ratings(record, parts, lookups),
        ratings_scale=lookups.scale_note,
        helpers=_helpers(record, parts, lookups, disclosure),
        activities=_activities(record, lookups, disclosure),
        next_review=next_review.isoformat() if isinstance(next_review, dt.date) else None,
        share_with=share,
        share_note=plan.share_with_note,
        title=lookups.label("terms", "plan_title") or "Our family plan",
    )


def _step(action: PlanAction) -> Step:
    return Step(
        text=action.text,
        who=action.owner,
        by_when=action.due_on.isoformat() if action.due_on else None,
        progress=ACTION_PROGRESS.get(action.status, "Not started yet"),
    )


def _goals(parts: PlanParts) -> tuple[tuple[Goal, ...], tuple[Step, ...]]:
    outcomes = [o for o in parts.outcomes if o.status != "dropped"]
    live = [a for a in parts.actions if a.status != "dropped"]
    by_outcome: dict[str | None, list[PlanAction]] = defaultdict(list)
    ids = {o.id for o in outcomes}
    for action in live:
        by_outcome[action.outcome_id if action.outcome_id in ids else None].append(action)
    scores: dict[str, list[tuple[dt.date, int]]] = defaultdict(list)
    for review in parts.reviews:
        for entry in parts.progress.get(review.id, ()):
            if entry.family_score is not None:
                scores[entry.outcome_id].append((review.held_on, entry.family_score))
    goals = []
    for outcome in outcomes:
        series = sorted(scores.get(outcome.id, []))
        goals.append(
            Goal(
                text=outcome.text,
                achieved=outcome.status == "achieved",
                steps=tuple(_step(a) for a in by_outcome.get(outcome.id, [])),
                rating=_rating("", series, GOAL_SCALE_MAX),
            )
        )
    return tuple(goals), tuple(_step(a) for a in by_outcome.get(None, []))


def _rating(label: str, series: list[tuple[dt.date, int]], scale_max: int) -> Rating | None:
    if not series:
        return None
    latest_on, latest = series[-1]
    previous = series[-2] if len(series) > 1 else None
    return Rating(
        label=label,
        scale_max=scale_max,
        latest=latest,
        latest_on=latest_on.isoformat(),
        previous=previous[1] if previous else None,
        previous_on=previous[0].isoformat() if previous else None,
    )


def _area_ratings(record: FamilyRecord, parts: PlanParts, lookups: Lookups) -> tuple[Rating, ...]:
    """The family's own 1-5 scores per area: from the assessment, then any later scorings."""
    series: dict[str, list[tuple[dt.date, int]]] = defaultdict(list)
    current = record.current
    assessment = current.assessment if current else None
    if assessment is not None:
        for entry in record.domains.get(assessment.id, []):
            if entry.family_score is not None:
                series[entry.domain_code].append((assessment.started_on, entry.family_score))
    for taken_on, scores in lookups.family_scores:
        for code, score in scores.items():
            if isinstance(score, int) and 1 <= score <= FAMILY_SCALE_MAX:
                series[code].append((taken_on, score))
    # The areas this plan is about (its goals' needs, the areas assessed with the family) when known;
    # a family scale covers every area, and twenty bars would bury the ones that matter.
    relevant = {need for o in parts.outcomes if o.status != "dropped" for need in (o.needs or [])}
    if assessment is not None:
        entries = record.domains.get(assessment.id, [])
        relevant |= {e.domain_code for e in entries if e.family_score is not None}
    if relevant & set(series):
        series = {code: points for code, points in series.items() if code in relevant}
    order = list(lookups.labels.get("assessment_domain", {}))
    ratings = []
    for code in sorted(series, key=lambda c: order.index(c) if c in order else len(order)):
        by_day = dict(series[code])  # two scorings on one day (assessment and baseline): the later one
        points = sorted(by_day.items())
        rating = _rating(lookups.label("assessment_domain", code), points, FAMILY_SCALE_MAX)
        if rating is not None:
            ratings.append(rating)
    return tuple(ratings)


def _helpers(
    record: FamilyRecord, parts: PlanParts, lookups: Lookups, disclosure: Disclosure
) -> tuple[Helper, ...]:
    helpers: list[Helper] = []
    seen: set[str] = set()
    agency_labels = lookups.labels.get("agency", {})
    lead = record.lead_worker
    if lead is not None:
        card = lookups.staff.get(lead.id)
        role: str = (card.job_title if card else None) or "Family worker"
        if card and card.hub:
            role = f"{role}, {card.hub}"
        contact = tuple(c for c in ((card.phone, card.email) if card else ()) if c)
        if not contact and card and card.hub:
            contact = (f"Ask for them at {card.hub}",)
        helpers.append(Helper(lead.full_name, role, contact, main_contact=True))
        seen.add(fold(lead.full_name))
    people: list[tuple[str, str | None, str | None, str | None, str | None]] = [
        (t.name, t.role, t.agency, t.phone, t.email) for t in parts.taf
    ]
    people += [(p.name, p.role, p.agency, p.phone, p.email) for p in record.professionals]
    for name, job, agency, phone, email in people:
        agency_name = agency_label(agency, agency_labels) if agency else None
        if fold(name) in seen or disclosure.hides(agency, agency_name, job):
            continue
        seen.add(fold(name))
        described = job or ""
        if agency_name and fold(agency_name) not in fold(described):
            described = f"{described}, {agency_name}" if described else agency_name
        helpers.append(Helper(name, described or None, tuple(c for c in (phone, email) if c)))
    return tuple(helpers)


def _activities(record: FamilyRecord, lookups: Lookups, disclosure: Disclosure) -> tuple[Activity, ...]:
    names = {m.person.id: m.person.preferred_name or m.person.given_name for m in record.members}
    hidden_people = {m.person.id for m in record.members if m.person.must_not_know_whereabouts}
    grouped: dict[str, list[str]] = defaultdict(list)
    status: dict[str, str] = {}
    rank = list(LINK_PROGRESS)
    for link in record.links:
        if link.status not in LINK_PROGRESS or link.person_id in hidden_people:
            continue
        if link.asset_id not in lookups.assets:
            continue
        grouped[link.asset_id].append(names.get(link.person_id, ""))
        best = status.get(link.asset_id)
        if best is None or rank.index(link.status) > rank.index(best):
            status[link.asset_id] = link.status
    activities = []
    for asset_id, who in grouped.items():
        asset = lookups.assets[asset_id]
        if disclosure.hides(asset.organisation):
            continue
        where = ", ".join(x for x in (asset.venue_name, asset.address, asset.postcode) if x) or None
        contact = ", ".join(x for x in (asset.contact_name, asset.phone, asset.email) if x) or None
        people = sorted({w for w in who if w}, key=fold)
        activities.append(
            Activity(
                name=asset.activity,
                organisation=asset.organisation,
                for_whom=join_words(people) or None,
                where=where,
                when=asset.days_times,
                cost=asset.cost,
                contact=contact,
                progress=LINK_PROGRESS[status[asset_id]],
            )
        )
    return tuple(sorted(activities, key=lambda a: fold(a.name)))
