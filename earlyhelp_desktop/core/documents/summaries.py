"""From a family's record to the professional documents: assessment summary, review record, closure
summary. Professionals may read practice words (level of need, sign-off); agencies that must not see the
family's information are never named, and the address follows the disclosure rules of ``policy``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from earlyhelp_desktop.core.documents.content import Block, Facts, Grid, ProfessionalContent, Section, Text
from earlyhelp_desktop.core.documents.context import Lookups, PlanParts
from earlyhelp_desktop.core.documents.plan_content import person_name
from earlyhelp_desktop.core.documents.policy import Disclosure, agency_label
from earlyhelp_desktop.core.documents.words import (
    ACCESS,
    ACTION_PROGRESS,
    ASSESSMENT_STATUS,
    CLOSURE_STATUS,
    DECISIONS,
    LAWFUL_BASIS,
    REVIEW_PROGRESS,
    join_words,
    long_date,
    short_date,
)
from earlyhelp_desktop.core.store.models import Assessment, Closure, DomainEntry, Review

if TYPE_CHECKING:
    from earlyhelp_desktop.core.services.record import EpisodeRecord, FamilyRecord

TITLES = {
    "assessment": "Early help assessment summary",
    "review": "Early help review record",
    "closure": "Early help closure summary",
}


@dataclass(frozen=True)
class Printing:
    """Who prints, when, for whom, and what they may see."""

    on: dt.date
    by: str
    disclosure: Disclosure
    copies_to: tuple[str, ...] = ()  # agencies that get a copy, as the family agreed


def _yes_no(value: bool | None) -> str:
    return "Not answered" if value is None else ("Yes" if value else "No")


def _when(value: dt.datetime | None) -> str:
    return f"{long_date(value)} at {value:%H:%M}" if value else ""


def _score(value: int | None, out_of: int) -> str:
    return "" if value is None else f"{value} out of {out_of}"


def _frame(
    kind: str,
    record: FamilyRecord,
    lookups: Lookups,
    printing: Printing,
    version: str | None,
    sections: Sequence[Section],
) -> ProfessionalContent:
    family = record.family
    disclosure = printing.disclosure
    address: tuple[str, ...] = ()
    if disclosure.show_address:
        address = tuple(
            x for x in (family.address_line1, family.address_line2, family.town, family.postcode) if x
        )
    return ProfessionalContent(
        kind=kind,
        title=TITLES[kind],
        family_name=family.display_name,
        reference=family.reference,
        prepared_for=disclosure.prepared_for,
        printed_on=printing.on.isoformat(),
        printed_by=printing.by,
        record_version=version,
        address=address,
        address_note=None if address else (disclosure.address_note or "No address recorded."),
        sections=tuple(sections),
        copies_to=tuple(a for a in printing.copies_to if not disclosure.hides(a)),
    )


def household(record: FamilyRecord, lookups: Lookups) -> Section:
    rows = []
    for m in record.members:
        p, ms = m.person, m.membership
        born = short_date(p.date_of_birth) if p.date_of_birth else ""
        if p.due_date and not p.date_of_birth:
            born = f"Due {short_date(p.due_date)}"
        language = p.language or ""
        if p.interpreter_needed:
            language = f"{language} (interpreter needed)".strip()
        notes = [x for x in (p.disability, p.communication_needs) if x]
        if p.must_not_know_whereabouts:
            notes.insert(0, "Must not know where the family lives")
        if ms.parental_responsibility:
            notes.append("Has parental responsibility")
        rows.append(
            (
                person_name(p),
                lookups.label("relationship", ms.relationship),
                born,
                "Yes" if ms.lives_in_household else "No",
                p.school or "",
                language,
                "; ".join(notes),
            )
        )
    grid = Grid(
        ("Name", "Relationship", "Born", "Lives here", "School or setting", "Language", "Notes"),
        tuple(rows),
        (1.9, 1.5, 1.2, 1.0, 1.5, 1.3, 1.9),
        "No one recorded yet.",
    )
    lead = record.lead_worker.full_name if record.lead_worker else "Not assigned"
    return Section("The family", (Facts((("Lead practitioner", lead),)), grid))


def professionals(record: FamilyRecord, lookups: Lookups, disclosure: Disclosure) -> Grid:
    labels = lookups.labels.get("agency", {})
    rows = tuple(
        (agency_label(p.agency, labels), p.name, p.role or "", ", ".join(x for x in (p.phone, p.email) if x))
        for p in record.professionals
        if not disclosure.hides(p.agency, agency_label(p.agency, labels), p.role)
    )
    return Grid(
        ("Agency", "Name", "Role", "Contact"), rows, (1.5, 1.5, 1.5, 2.5), title="Professionals involved"
    )


def _domain_grids(entries: Sequence[DomainEntry], lookups: Lookups) -> list[Block]:
    """Strengths, needs and scores, one table per group of areas (as configured)."""
    domains = list(lookups.labels.get("assessment_domain", {}))
    groups = [*lookups.labels.get("assessment_domain_group", {}).items(), ("", "Other areas")]
    by_code = {e.domain_code: e for e in entries}
    order = sorted(by_code, key=lambda c: domains.index(c) if c in domains else len(domains))
    blocks: list[Block] = []
    for group_code, group_label in groups:
        rows = []
        for code in order:
            if lookups.domain_groups.get(code, "") != group_code:
                continue
            e = by_code[code]
            rows.append(
                (
                    lookups.label("assessment_domain", code),
                    e.strengths or "",
                    e.needs or "",
                    "No issues" if e.no_issues else _score(e.score, 5),
                    _score(e.family_score, 5),
                )
            )
        if rows:
            header = ("Area", "Strengths", "Needs", "Worker's score", "Family's score")
            blocks.append(Grid(header, tuple(rows), (1.4, 2.6, 2.6, 0.9, 0.9), title=group_label))
    return blocks


def assessment_content(
    record: FamilyRecord, assessment: Assessment, lookups: Lookups, printing: Printing
) -> ProfessionalContent:
    a = assessment
    status = ASSESSMENT_STATUS.get(a.status, a.status)
    if a.status in ("signed_off", "returned") and a.decided_by:
        status += f" ({lookups.staff_name(a.decided_by)}, {long_date(a.decided_at)})"
    if a.status == "returned" and a.return_reason:
        status += f": {a.return_reason}"
    harm = _yes_no(a.significant_harm)
    if a.significant_harm and a.front_door_contacted_at:
        harm += f". The front door was contacted on {_when(a.front_door_contacted_at)}"
    level = lookups.label("level_of_need", str(a.level_of_need)) if a.level_of_need else ""
    about = Facts(
        (
            ("Started", long_date(a.started_on)),
            ("Completed by", lookups.staff_name(a.completed_by) or "Not recorded"),
            ("Status", status),
            ("Level of need", f"{a.level_of_need}: {level}" if a.level_of_need else "Not decided"),
            ("Any child at risk of significant harm?", harm),
        )
    )
    names = {m.person.id: person_name(m.person) for m in record.members}
    voices: list[Block] = [
        Facts(
            tuple(
                (label, text)
                for label, text in (
                    ("What they want to happen", v.wants),
                    ("Their day-to-day life", v.day_to_day),
                    ("Their view of the help so far", v.view_of_help),
                )
                if text
            ),
            title=names.get(v.person_id, "A child"),
        )
        for v in record.child_voices.get(a.id, [])
    ]
    scales = a.worry_scales or {}
    worry = Facts(
        tuple(
            (f"{who.capitalize()}'s scale", f"{scales[who]} out of 10")
            for who in ("child", "parent", "worker")
            if scales.get(who) is not None
        ),
        title="Worry scales (0 to 10)",
    )
    sections = [
        Section("About this assessment", (about, Text("Reason for the assessment", a.reason))),
        household(record, lookups),
        Section("The family's view", (Text("In their words", a.family_view),)),
        Section("Voice of the child", tuple(voices) or (Text("Not recorded", None),)),
        Section(
            "What we found",
            (
                Text("What are we worried about?", a.worried_about),
                Text("What is working well?", a.working_well),
                Text("What needs to happen?", a.needs_to_happen),
                *((worry,) if worry.rows else ()),
            ),
        ),
        Section("Strengths and needs", tuple(_domain_grids(record.domains.get(a.id, []), lookups))),
        Section("Practitioner's analysis", (Text("Analysis", a.analysis),)),
        Section("Who is involved", (professionals(record, lookups, printing.disclosure),)),
        _agreement(record, lookups, printing.disclosure),
    ]
    return _frame("assessment", record, lookups, printing, a.version, sections)


def _agreement(record: FamilyRecord, lookups: Lookups, disclosure: Disclosure) -> Section:
    names = {m.person.id: person_name(m.person) for m in record.members}
    agreements = Grid(
        ("Person", "Agreed", "How", "When", "Withdrawn"),
        tuple(
            (
                names.get(a.person_id, "Someone no longer in the household"),
                "Yes" if a.agreed else "No",
                a.method or "",
                long_date(a.agreed_on),
                long_date(a.withdrawn_on),
            )
            for a in record.agreements
        ),
        (2.2, 0.8, 1, 1.4, 1.4),
        title="Agreement to early help",
    )
    labels = lookups.labels.get("agency", {})
    sharing = Grid(
        ("Agency", "May see", "Gets a copy"),
        tuple(
            (agency_label(p.agency, labels), ACCESS.get(p.access, p.access), "Yes" if p.gets_copy else "No")
            for p in record.sharing
            if not p.must_not_see and not disclosure.hides(p.agency, agency_label(p.agency, labels))
        ),
        (2.5, 2, 1),
        title="Sharing agreed with the family",
    )
    family = record.family
    facts = [("Lawful basis", LAWFUL_BASIS.get(family.lawful_basis, family.lawful_basis))]
    facts.append(("National evaluation", "The family opted out" if family.evaluation_opt_out else "Included"))
    if disclosure.hidden:
        facts.append(("Not to be shared with", "Some agencies must not see this. Check the record first."))
    return Section("Agreement and sharing", (agreements, sharing, Facts(tuple(facts))))


def _progress_rows(parts: PlanParts, review: Review, disclosure: Disclosure) -> tuple[tuple[str, ...], ...]:
    texts = {o.id: o.text for o in parts.outcomes}
    return tuple(
        (
            texts.get(p.outcome_id, "A goal no longer in the plan"),
            REVIEW_PROGRESS.get(p.progress, p.progress),
            _score(p.worker_score, 10),
            _score(p.family_score, 10),
            p.note or "",
        )
        for p in parts.progress.get(review.id, ())
    )


def _actions_grid(parts: PlanParts, disclosure: Disclosure) -> Grid:
    return Grid(
        ("What", "Who", "By when", "Status"),
        tuple(
            (a.text, a.owner, short_date(a.due_on), ACTION_PROGRESS.get(a.status, a.status))
            for a in parts.actions
        ),
        (3.4, 1.6, 1, 1.1),
        title="Actions",
    )


def review_content(
    record: FamilyRecord, parts: PlanParts, review: Review, lookups: Lookups, printing: Printing
) -> ProfessionalContent:
    disclosure = printing.disclosure
    attendees = [a for a in review.attendees or [] if not disclosure.hides(a)]
    number = next((i for i, r in enumerate(parts.reviews, start=1) if r.id == review.id), None)
    facts = Facts(
        (
            ("Held on", long_date(review.held_on)),
            ("Review", f"Review {number} of this plan" if number else "Review"),
            ("Who came", join_words(attendees) or "Not recorded"),
            ("Decision", DECISIONS.get(review.decision, review.decision)),
            ("Next review", long_date(review.next_review_on, weekday=True) or "Not set"),
        )
    )
    progress = Grid(
        ("Goal (in the family's words)", "Progress", "Worker's score", "Family's score", "Note"),
        _progress_rows(parts, review, disclosure),
        (2.8, 1, 0.9, 0.9, 2),
        title="Progress on each goal",
    )
    team = Grid(
        ("Name", "Role", "Agency", "Contact"),
        tuple(
            (t.name, t.role or "", t.agency or "", ", ".join(x for x in (t.phone, t.email) if x))
            for t in parts.taf
            if not disclosure.hides(t.agency, t.role)
        ),
        (1.6, 1.4, 1.4, 2.4),
        title="Team around the family",
    )
    sections = [
        Section("About this review", (facts,)),
        Section("Progress", (progress, _actions_grid(parts, disclosure))),
        Section(
            "What was said",
            (Text("Notes", review.notes), Text("What the family said", review.family_comments)),
        ),
        Section("Who is involved", (team, professionals(record, lookups, disclosure))),
    ]
    return _frame("review", record, lookups, printing, review.version, sections)


def closure_content(
    record: FamilyRecord,
    episode: EpisodeRecord,
    closure: Closure,
    parts: PlanParts | None,
    lookups: Lookups,
    printing: Printing,
) -> ProfessionalContent:
    status = CLOSURE_STATUS.get(closure.status, closure.status)
    if closure.status in ("signed_off", "returned") and closure.decided_by:
        status += f" ({lookups.staff_name(closure.decided_by)}, {long_date(closure.decided_at)})"
    if closure.status == "returned" and closure.return_reason:
        status += f": {closure.return_reason}"
    facts = Facts(
        (
            ("Early help began", long_date(episode.episode.opened_on)),
            ("Closed on", long_date(closure.closed_on)),
            ("Reason", lookups.label("closure_reason", closure.reason_code)),
            ("Status", status),
            ("Follow-up check", long_date(closure.follow_up_on) or "None planned"),
        )
    )
    blocks: list[Block] = []
    if parts is not None:
        latest: dict[str, str] = {}
        for review in parts.reviews:
            for p in parts.progress.get(review.id, ()):
                latest[p.outcome_id] = REVIEW_PROGRESS.get(p.progress, p.progress)
        outcome_words = {"achieved": "Achieved", "open": "Not yet achieved", "dropped": "No longer needed"}
        blocks.append(
            Grid(
                ("Goal (in the family's words)", "Outcome", "Last review"),
                tuple(
                    (o.text, outcome_words.get(o.status, o.status), latest.get(o.id, ""))
                    for o in parts.outcomes
                ),
                (4, 1.3, 1.3),
                title="Goals",
            )
        )
    scores = closure.final_scores or {}
    worker, family = scores.get("worker") or {}, scores.get("family") or {}
    codes = [c for c in lookups.labels.get("assessment_domain", {}) if c in worker or c in family]
    codes += [c for c in {*worker, *family} if c not in codes]
    blocks.append(
        Grid(
            ("Area", "Worker's final score", "Family's final score"),
            tuple(
                (lookups.label("assessment_domain", c), _score(worker.get(c), 5), _score(family.get(c), 5))
                for c in codes
            ),
            (3, 1.3, 1.3),
            title="Final scores",
        )
    )
    reviews = Grid(
        ("Review held", "Decision", "Next review set for"),
        tuple(
            (long_date(r.held_on), DECISIONS.get(r.decision, r.decision), long_date(r.next_review_on))
            for r in episode.reviews
        ),
        (1.5, 3, 1.5),
        title="Reviews",
    )
    steps = Grid(
        ("Step", "Requested", "Decision", "Decided"),
        tuple(
            (
                "Up to children's social care" if s.direction == "up" else "Down from children's social care",
                long_date(s.requested_on),
                s.decision.capitalize(),
                long_date(s.decided_on),
            )
            for s in episode.steps
        ),
        (2.5, 1.3, 1.2, 1.3),
        title="Steps up or down",
    )
    sections = [
        Section("About this closure", (facts, Text("Moving on", closure.moving_on_note))),
        household(record, lookups),
        Section("What happened", (*blocks, reviews, steps)),
        Section("Who was involved", (professionals(record, lookups, printing.disclosure),)),
    ]
    return _frame("closure", record, lookups, printing, closure.version, sections)
