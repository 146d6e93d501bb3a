"""The Early Help Assessment, step-up/step-down and closure."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import String, Text
from sqlalchemy.orm import Mapped, mapped_column

from earlyhelp_desktop.core.store.models.base import Base, guarded
from earlyhelp_desktop.core.store.models.family import FamilyScoped


class Assessment(FamilyScoped, Base):
    """An Early Help Assessment: draft -> submitted -> signed_off (or returned) by a supervisor."""

    __tablename__ = "assessment"

    episode_id: Mapped[str] = mapped_column(String(36), index=True)
    reason: Mapped[str | None] = mapped_column(Text)
    started_on: Mapped[dt.date]
    completed_by: Mapped[str | None] = mapped_column(String(36))
    significant_harm: Mapped[bool | None] = guarded()
    front_door_contacted_at: Mapped[dt.datetime | None] = guarded()
    front_door_note: Mapped[str | None] = mapped_column(Text)
    family_view: Mapped[str | None] = mapped_column(Text)
    worried_about: Mapped[str | None] = mapped_column(Text)
    working_well: Mapped[str | None] = mapped_column(Text)
    needs_to_happen: Mapped[str | None] = mapped_column(Text)
    analysis: Mapped[str | None] = mapped_column(Text)
    worry_scales: Mapped[dict[str, Any] | None]  # {"child": 0-10, "parent": 0-10, "worker": 0-10}
    level_of_need: Mapped[int | None] = guarded()
    status: Mapped[str] = guarded(
        String(16), default="draft", index=True
    )  # draft|submitted|signed_off|returned
    submitted_at: Mapped[dt.datetime | None]
    submitted_by: Mapped[str | None] = mapped_column(String(36))
    decided_at: Mapped[dt.datetime | None]
    decided_by: Mapped[str | None] = mapped_column(String(36))
    return_reason: Mapped[str | None] = mapped_column(Text)


class DomainEntry(FamilyScoped, Base):
    """Strengths, needs and scores for one assessment domain (id from assessment + domain)."""

    __tablename__ = "domain_entry"

    assessment_id: Mapped[str] = mapped_column(String(36), index=True)
    domain_code: Mapped[str] = mapped_column(String(64))
    strengths: Mapped[str | None] = mapped_column(Text)
    needs: Mapped[str | None] = mapped_column(Text)
    score: Mapped[int | None]  # 1-5; None with no_issues
    no_issues: Mapped[bool] = mapped_column(default=False)
    family_score: Mapped[int | None]  # the family's own 1-5


class ChildVoice(FamilyScoped, Base):
    """The voice of one child in an assessment (id from assessment + person)."""

    __tablename__ = "child_voice"

    assessment_id: Mapped[str] = mapped_column(String(36), index=True)
    person_id: Mapped[str] = mapped_column(String(36))
    wants: Mapped[str | None] = mapped_column(Text)
    day_to_day: Mapped[str | None] = mapped_column(Text)
    view_of_help: Mapped[str | None] = mapped_column(Text)


class StepChange(FamilyScoped, Base):
    """A step up to social care (the front door / MASH) or a step down from it."""

    __tablename__ = "step_change"

    episode_id: Mapped[str] = mapped_column(String(36), index=True)
    direction: Mapped[str] = mapped_column(String(8))  # up | down
    reason: Mapped[str] = mapped_column(Text)
    requested_on: Mapped[dt.date]
    decision: Mapped[str] = guarded(String(12), default="pending")  # pending|accepted|declined
    decided_on: Mapped[dt.date | None] = guarded()
    mash_reference: Mapped[str | None] = mapped_column(String(48))
    fgc_considered: Mapped[bool] = mapped_column(default=False)  # family group conference
    signed_off_by: Mapped[str | None] = guarded(String(36))


class Closure(FamilyScoped, Base):
    """The closure of an episode: reason, final scores, follow-up, supervisor sign-off."""

    __tablename__ = "closure"

    episode_id: Mapped[str] = mapped_column(String(36), index=True)
    reason_code: Mapped[str] = guarded(String(48))
    closed_on: Mapped[dt.date] = guarded()
    moving_on_note: Mapped[str | None] = mapped_column(Text)
    follow_up_on: Mapped[dt.date | None] = mapped_column(index=True)
    final_scores: Mapped[dict[str, Any] | None]  # {"worker": {domain: 1-5}, "family": {...}}
    status: Mapped[str] = guarded(
        String(16), default="submitted", index=True
    )  # submitted|signed_off|returned
    decided_by: Mapped[str | None] = mapped_column(String(36))
    decided_at: Mapped[dt.datetime | None]
    return_reason: Mapped[str | None] = mapped_column(Text)
