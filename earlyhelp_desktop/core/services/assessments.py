"""The Early Help Assessment: draft -> submitted -> signed off (or returned) by a supervisor.

One assessment is in progress per episode at a time. Nothing can be changed once it is submitted,
unless a supervisor returns it with a reason. "Is any child at risk of significant harm?" answered yes
returns the front door's next steps (configured in the ``front_door`` list), and the worker records
that the front door was contacted; an assessment cannot be submitted until that is recorded.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from earlyhelp_desktop.core.errors import InvalidInput, NotPermitted, WrongState
from earlyhelp_desktop.core.ids import derived_id, new_id
from earlyhelp_desktop.core.services import validate as v
from earlyhelp_desktop.core.services.base import Changes, Service, changes, now, today
from earlyhelp_desktop.core.services.common import (
    CASEWORK,
    age_on,
    assign,
    episode_for_change,
    member,
    ref_codes,
    return_for_changes,
)
from earlyhelp_desktop.core.services.families import full_name
from earlyhelp_desktop.core.services.reference import FrontDoor
from earlyhelp_desktop.core.store.models import (
    Assessment,
    ChildVoice,
    DomainEntry,
    Family,
    Membership,
    Person,
    RefItem,
)

EDITABLE = ("draft", "returned")
IN_PROGRESS = ("draft", "returned", "submitted")
STATUS_LABELS = {
    "draft": "Draft",
    "submitted": "Waiting for sign-off",
    "signed_off": "Signed off",
    "returned": "Returned for changes",
}
TEXT_SECTIONS = {
    "reason": "the reason for the assessment",
    "family_view": "the family's view",
    "worried_about": "what we are worried about",
    "working_well": "what is working well",
    "needs_to_happen": "what needs to happen",
    "analysis": "your analysis",
}
SECTIONS = (*TEXT_SECTIONS, "started_on", "worry_scales", "level_of_need")
WORRY_SCALES = {
    "child": "the child's worry scale",
    "parent": "the parent's worry scale",
    "worker": "your worry scale",
}
DOMAIN_FIELDS = ("strengths", "needs", "score", "no_issues", "family_score")
VOICE_FIELDS = {
    "wants": "what the child wants to happen",
    "day_to_day": "the child's day-to-day experience",
    "view_of_help": "the child's view of the help so far",
}
ADULT_AGE = 18


@dataclass(frozen=True, slots=True)
class DomainLine:
    """One area of the assessment triangle, from configuration, with what is recorded for it."""

    code: str
    label: str
    group: str | None
    group_label: str | None
    entry: DomainEntry | None


@dataclass(frozen=True, slots=True)
class VoiceLine:
    person_id: str
    full_name: str
    voice: ChildVoice | None


@dataclass(frozen=True, slots=True)
class AssessmentView:
    """Everything the assessment editor and the assessment summary show."""

    assessment: Assessment
    domains: list[DomainLine]
    voices: list[VoiceLine]
    missing: dict[str, str]  # "check your answers": field -> what to do

    @property
    def editable(self) -> bool:
        return self.assessment.status in EDITABLE

    @property
    def status_label(self) -> str:
        return STATUS_LABELS.get(self.assessment.status, self.assessment.status)


@dataclass(frozen=True, slots=True)
class HarmAnswer:
    """The answer to "is any child at risk of significant harm?": yes brings the front door's steps."""

    changes: Changes
    front_door: FrontDoor | None


def domain_entry_id(assessment_id: str, code: str) -> str:
    return derived_id("domain_entry", assessment_id, code)


def child_voice_id(assessment_id: str, person_id: str) -> str:
    return derived_id("child_voice", assessment_id, person_id)


def clean_sections(values: dict[str, Any]) -> dict[str, Any]:
    unknown = set(values) - set(SECTIONS)
    if unknown:
        raise InvalidInput({k: f"{k} is not a section of the assessment" for k in sorted(unknown)})
    errors = v.Errors()
    clean: dict[str, Any] = {}
    for key, value in values.items():
        if key in TEXT_SECTIONS:
            clean[key] = v.long_text(value, key, TEXT_SECTIONS[key], errors)
        elif key == "started_on":
            clean[key] = v.date(
                value, key, "the date the assessment started", errors, required=True, past=True
            )
        elif key == "level_of_need":
            clean[key] = v.score(value, key, "the level of need", errors, 1, 4)
        else:
            clean[key] = _worry_scales(value, errors)
    errors.raise_if_any()
    return clean


def _worry_scales(value: Any, errors: v.Errors) -> dict[str, int] | None:
    if value is None:
        return None
    if not isinstance(value, dict) or set(value) - set(WORRY_SCALES):
        errors.add("worry_scales", "Give worry scales for the child, the parent and yourself")
        return None
    scales = {}
    for who, label in WORRY_SCALES.items():
        number = v.score(value.get(who), f"worry_scales.{who}", label, errors, 0, 10)
        if number is not None:
            scales[who] = number
    return scales or None


class AssessmentService(Service):
    # -- reading ---------------------------------------------------------------------------------

    def current(self, episode_id: str) -> Assessment | None:
        """The episode's latest assessment (in progress or signed off), if any."""
        with self.ws.read() as session:
            return session.scalars(
                select(Assessment)
                .where(Assessment.episode_id == episode_id, Assessment.deleted.is_(False))
                .order_by(Assessment.started_on.desc(), Assessment.created_at.desc())
            ).first()

    def view(self, assessment_id: str) -> AssessmentView:
        with self.ws.read() as session:
            assessment = self.get(session, Assessment, assessment_id, "assessment")
            domains = self._domain_lines(session, assessment_id)
            voices = self._voice_lines(session, assessment)
            missing = self._missing(session, assessment, domains, voices)
        return AssessmentView(assessment, domains, voices, missing)

    def check(self, assessment_id: str) -> dict[str, str]:
        """ "Check your answers": what must be done before it can be submitted (empty when complete)."""
        return self.view(assessment_id).missing

    def front_door(self) -> FrontDoor:
        return self.ws.services.reference.front_door()

    # -- writing ---------------------------------------------------------------------------------

    def start(
        self, episode_id: str, *, reason: str | None = None, started_on: str | dt.date | None = None
    ) -> Changes:
        """Starts a new assessment. Refused while another is in progress in the episode."""
        self.require(*CASEWORK)
        clean = clean_sections({"reason": reason, "started_on": started_on or today()})
        assessment_id = new_id()
        with self.ws.write() as session:
            episode = episode_for_change(session, episode_id)
            busy = session.scalar(
                select(Assessment.status).where(
                    Assessment.episode_id == episode_id,
                    Assessment.deleted.is_(False),
                    Assessment.status.in_(IN_PROGRESS),
                )
            )
            if busy is not None:
                raise WrongState(
                    f"This episode already has an assessment in progress ({STATUS_LABELS[busy].lower()}). "
                    "Carry on with that one."
                )
            session.add(
                Assessment(
                    id=assessment_id,
                    family_id=episode.family_id,
                    episode_id=episode_id,
                    completed_by=self.user_id,
                    status="draft",
                    **clean,
                )
            )
            self.audit(session, "create", "assessment", assessment_id, episode.family_id)
        return changes({"assessment"}, [episode.family_id], [assessment_id])

    def update(self, assessment_id: str, **sections: Any) -> Changes:
        """Saves sections (reason, family's view, worries, analysis, worry scales, level of need...)."""
        self.require(*CASEWORK)
        clean = clean_sections(sections)
        with self.ws.write() as session:
            assessment = self._editable(session, assessment_id)
            changed = assign(assessment, clean)
            if changed:
                self.audit(
                    session, "update", "assessment", assessment_id, assessment.family_id, fields=changed
                )
        return changes({"assessment"} if changed else set(), [assessment.family_id])

    def set_domain(
        self,
        assessment_id: str,
        domain_code: str,
        *,
        strengths: str | None = None,
        needs: str | None = None,
        score: int | str | None = None,
        no_issues: bool = False,
        family_score: int | str | None = None,
    ) -> Changes:
        """Strengths, needs and a score (1-5, or "no issues") for one area, and the family's own 1-5."""
        self.require(*CASEWORK)
        errors = v.Errors()
        values: dict[str, Any] = {
            "strengths": v.long_text(strengths, "strengths", "the strengths", errors, max_length=8000),
            "needs": v.long_text(needs, "needs", "the needs", errors, max_length=8000),
            "score": v.score(score, "score", "the score", errors, 1, 5),
            "no_issues": bool(no_issues),
            "family_score": v.score(family_score, "family_score", "the family's score", errors, 1, 5),
        }
        if no_issues and values["score"] is not None:
            errors.add("score", "Choose a score or 'no issues', not both")
        with self.ws.read() as session:
            known = ref_codes(session, "assessment_domain")
        if domain_code not in known:
            errors.add("domain_code", "Choose an area of the assessment from the list")
        errors.raise_if_any()
        row_id = domain_entry_id(assessment_id, domain_code)
        with self.ws.write() as session:
            assessment = self._editable(session, assessment_id)
            row = session.get(DomainEntry, row_id)
            if row is None:
                session.add(
                    DomainEntry(
                        id=row_id,
                        family_id=assessment.family_id,
                        assessment_id=assessment_id,
                        domain_code=domain_code,
                        **values,
                    )
                )
                self.audit(
                    session, "create", "domain_entry", row_id, assessment.family_id, domain=domain_code
                )
                changed = list(values)
            else:
                if row.deleted:
                    row.deleted = False
                changed = assign(row, values)
                if changed:
                    self.audit(
                        session, "update", "domain_entry", row_id, assessment.family_id, fields=changed
                    )
        return changes({"domain_entry"} if changed else set(), [assessment.family_id], [row_id])

    def set_child_voice(
        self,
        assessment_id: str,
        person_id: str,
        *,
        wants: str | None = None,
        day_to_day: str | None = None,
        view_of_help: str | None = None,
    ) -> Changes:
        """The voice of one child: what they want, their day-to-day life, their view of the help."""
        self.require(*CASEWORK)
        errors = v.Errors()
        given = {"wants": wants, "day_to_day": day_to_day, "view_of_help": view_of_help}
        values = {
            k: v.long_text(given[k], k, label, errors, max_length=8000) for k, label in VOICE_FIELDS.items()
        }
        errors.raise_if_any()
        row_id = child_voice_id(assessment_id, person_id)
        with self.ws.write() as session:
            assessment = self._editable(session, assessment_id)
            found = member(session, assessment.family_id, person_id)
            if found is None or not _is_child(*found, today()) or found[0].date_of_birth is None:
                raise InvalidInput({"person_id": "Choose a child of this family who has been born"})
            row = session.get(ChildVoice, row_id)
            if row is None:
                session.add(
                    ChildVoice(
                        id=row_id,
                        family_id=assessment.family_id,
                        assessment_id=assessment_id,
                        person_id=person_id,
                        **values,
                    )
                )
                self.audit(session, "create", "child_voice", row_id, assessment.family_id)
                changed = list(values)
            else:
                if row.deleted:
                    row.deleted = False
                changed = assign(row, values)
                if changed:
                    self.audit(session, "update", "child_voice", row_id, assessment.family_id, fields=changed)
        return changes({"child_voice"} if changed else set(), [assessment.family_id], [row_id])

    def answer_significant_harm(self, assessment_id: str, yes: bool | str) -> HarmAnswer:
        """Records the answer. Yes: the front door's number and next steps come back to show at once."""
        self.require(*CASEWORK)
        errors = v.Errors()
        answer = v.boolean(
            yes, "significant_harm", "any child is at risk of significant harm", errors, required=True
        )
        errors.raise_if_any()
        with self.ws.write() as session:
            assessment = self._editable(session, assessment_id)
            changed = assign(assessment, {"significant_harm": answer})
            if changed:
                self.audit(
                    session, "update", "assessment", assessment_id, assessment.family_id, fields=changed
                )
        result = changes({"assessment"} if changed else set(), [assessment.family_id])
        return HarmAnswer(result, self.front_door() if answer else None)

    def record_front_door_contact(
        self, assessment_id: str, note: str, *, at: str | dt.datetime | None = None
    ) -> Changes:
        """Records that the front door (MASH) was contacted: when, who was spoken to, what they advised."""
        self.require(*CASEWORK)
        errors = v.Errors()
        note_ = v.long_text(
            note,
            "front_door_note",
            "who you spoke to at the front door and what they advised",
            errors,
            required=True,
            max_length=8000,
        )
        when = v.moment(at, "front_door_contacted_at", "when you contacted the front door", errors, past=True)
        errors.raise_if_any()
        with self.ws.write() as session:
            assessment = self._editable(session, assessment_id)
            if assessment.significant_harm is not True:
                raise WrongState(
                    'Answer yes to "is any child at risk of significant harm?" before recording a front '
                    "door contact."
                )
            assign(assessment, {"front_door_contacted_at": when or now(), "front_door_note": note_})
            self.audit(session, "front_door", "assessment", assessment_id, assessment.family_id)
        return changes({"assessment"}, [assessment.family_id])

    def submit(self, assessment_id: str) -> Changes:
        """Submits for sign-off once "check your answers" finds nothing missing."""
        self.require(*CASEWORK)
        view = self.view(assessment_id)
        if not view.editable:
            raise WrongState(_not_editable(view.assessment.status))
        if view.missing:
            raise InvalidInput(view.missing)
        with self.ws.write() as session:
            assessment = self._editable(session, assessment_id)
            assign(
                assessment,
                {
                    "status": "submitted",
                    "submitted_at": now(),
                    "submitted_by": self.user_id,
                    "return_reason": None,
                },
            )
            self.audit(session, "submit", "assessment", assessment_id, assessment.family_id)
        return changes({"assessment"}, [assessment.family_id])

    def sign_off(self, assessment_id: str) -> Changes:
        """A supervisor signs off a submitted assessment; its level of need becomes the family's."""
        self.require("supervisor")
        with self.ws.write() as session:
            assessment = self._submitted(session, assessment_id)
            assign(assessment, {"status": "signed_off", "decided_at": now(), "decided_by": self.user_id})
            tables = {"assessment"}
            family = self.get(session, Family, assessment.family_id, "family")
            if assessment.level_of_need is not None and assign(
                family, {"level_of_need": assessment.level_of_need}
            ):
                tables.add("family")
            self.audit(session, "sign_off", "assessment", assessment_id, assessment.family_id)
        return changes(tables, [assessment.family_id])

    def return_for_changes(self, assessment_id: str, reason: str) -> Changes:
        """A supervisor returns a submitted assessment with a reason; it can be edited again."""
        return return_for_changes(self, "assessment", assessment_id, reason, self._submitted)

    # -- helpers ---------------------------------------------------------------------------------

    def _editable(self, session: Session, assessment_id: str) -> Assessment:
        assessment = self.get(session, Assessment, assessment_id, "assessment")
        if assessment.status not in EDITABLE:
            raise WrongState(_not_editable(assessment.status))
        episode_for_change(session, assessment.episode_id)
        return assessment

    def _submitted(self, session: Session, assessment_id: str) -> Assessment:
        assessment = self.get(session, Assessment, assessment_id, "assessment")
        if assessment.status != "submitted":
            raise WrongState(
                f"Only a submitted assessment can be signed off or returned; this one is "
                f"{STATUS_LABELS.get(assessment.status, assessment.status).lower()}."
            )
        if assessment.submitted_by == self.user_id:
            raise NotPermitted(
                "You submitted this assessment: another supervisor must sign it off or return it."
            )
        return assessment

    @staticmethod
    def _domain_lines(session: Session, assessment_id: str) -> list[DomainLine]:
        groups = ref_codes(session, "assessment_domain_group", active_only=False)
        entries = {
            e.domain_code: e
            for e in session.scalars(
                select(DomainEntry).where(
                    DomainEntry.assessment_id == assessment_id, DomainEntry.deleted.is_(False)
                )
            )
        }
        items = session.scalars(
            select(RefItem)
            .where(RefItem.list_name == "assessment_domain", RefItem.deleted.is_(False))
            .order_by(RefItem.sort_order, RefItem.label)
        ).all()
        lines = []
        for item in items:
            if not item.active and item.code not in entries:
                continue
            group = (item.extra or {}).get("group")
            lines.append(
                DomainLine(
                    item.code, item.label, group, groups.get(group or ""), entries.pop(item.code, None)
                )
            )
        for code, entry in entries.items():  # an area since removed from configuration keeps its record
            lines.append(DomainLine(code, code, None, None, entry))
        return lines

    @staticmethod
    def _voice_lines(session: Session, assessment: Assessment) -> list[VoiceLine]:
        voices = {
            cv.person_id: cv
            for cv in session.scalars(
                select(ChildVoice).where(
                    ChildVoice.assessment_id == assessment.id, ChildVoice.deleted.is_(False)
                )
            )
        }
        lines = []
        for person, membership in session.execute(
            select(Person, Membership)
            .join(Membership, Membership.person_id == Person.id)
            .where(
                Membership.family_id == assessment.family_id,
                Membership.deleted.is_(False),
                Person.deleted.is_(False),
            )
            .order_by(Person.date_of_birth.desc(), Person.given_name)
        ):
            voice = voices.pop(person.id, None)
            if voice is not None or (
                person.date_of_birth is not None
                and membership.lives_in_household
                and _is_child(person, membership, today())
            ):
                lines.append(VoiceLine(person.id, full_name(person), voice))
        return lines

    @staticmethod
    def _missing(
        session: Session, a: Assessment, domains: list[DomainLine], voices: list[VoiceLine]
    ) -> dict[str, str]:
        missing: dict[str, str] = {}
        if not a.reason:
            missing["reason"] = "Enter the reason for the assessment"
        if a.significant_harm is None:
            missing["significant_harm"] = "Answer whether any child is at risk of significant harm"
        elif a.significant_harm and a.front_door_contacted_at is None:
            missing["front_door"] = "Record your contact with the front door (MASH) about the risk of harm"
        for key in ("family_view", "worried_about", "working_well", "needs_to_happen", "analysis"):
            if not getattr(a, key):
                missing[key] = f"Enter {TEXT_SECTIONS[key]}"
        if (a.worry_scales or {}).get("worker") is None:
            missing["worry_scales.worker"] = "Enter your worry scale from 0 to 10"
        if a.level_of_need is None:
            missing["level_of_need"] = "Select the level of need"
        active = ref_codes(session, "assessment_domain")
        unscored = [
            line.label
            for line in domains
            if line.code in active
            and (line.entry is None or (line.entry.score is None and not line.entry.no_issues))
        ]
        if unscored:
            missing["domains"] = f"Score each area from 1 to 5, or mark it 'no issues': {_some(unscored)}"
        unheard = [line.full_name for line in voices if line.voice is None or not _has_voice(line.voice)]
        if unheard:
            missing["child_voice"] = f"Record the voice of {_some(unheard, joiner='and')}"
        return missing


def _is_child(person: Person, membership: Membership, on: dt.date) -> bool:
    if person.date_of_birth is not None:
        return age_on(person.date_of_birth, on) < ADULT_AGE
    return membership.is_child


def _has_voice(voice: ChildVoice) -> bool:
    return any(getattr(voice, k) for k in VOICE_FIELDS)


def _some(names: list[str], joiner: str = "and") -> str:
    if len(names) == 1:
        return names[0]
    if len(names) <= 4:
        return f"{', '.join(names[:-1])} {joiner} {names[-1]}"
    return f"{', '.join(names[:3])} {joiner} {len(names) - 3} more"


def _not_editable(status: str) -> str:
    if status == "submitted":
        return (
            "This assessment has been submitted for sign-off and cannot be changed unless a supervisor "
            "returns it."
        )
    if status == "signed_off":
        return "This assessment has been signed off and cannot be changed. Start a new assessment if needed."
    return f"This assessment cannot be changed ({STATUS_LABELS.get(status, status).lower()})."
