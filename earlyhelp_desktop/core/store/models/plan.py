"""The Team Around the Family plan, its issued versions, and reviews."""

from __future__ import annotations

import datetime as dt
from typing import Any, ClassVar

from sqlalchemy import String, Text
from sqlalchemy.orm import Mapped, mapped_column

from earlyhelp_desktop.core.store.models.base import Base, guarded
from earlyhelp_desktop.core.store.models.family import FamilyScoped
from sync.merge import TableKind


class Plan(FamilyScoped, Base):
    """The plan of an episode. The family's own words come first: about us, going well, to change."""

    __tablename__ = "plan"

    episode_id: Mapped[str] = mapped_column(String(36), index=True)
    status: Mapped[str] = mapped_column(String(12), default="active")  # active | ended
    about_us: Mapped[str | None] = mapped_column(Text)
    going_well: Mapped[str | None] = mapped_column(Text)
    want_to_change: Mapped[str | None] = mapped_column(Text)
    share_with_note: Mapped[str | None] = mapped_column(Text)
    review_on: Mapped[dt.date | None] = mapped_column(index=True)


class PlanOutcome(FamilyScoped, Base):
    """An outcome in the family's words, tagged to needs (domains) and headline categories."""

    __tablename__ = "plan_outcome"

    plan_id: Mapped[str] = mapped_column(String(36), index=True)
    text: Mapped[str] = mapped_column(Text)
    needs: Mapped[list[str]]  # assessment domain codes
    categories: Mapped[list[str]]  # headline outcome category codes
    sort_order: Mapped[int] = mapped_column(default=0)
    status: Mapped[str] = mapped_column(String(12), default="open")  # open | achieved | dropped


class PlanAction(FamilyScoped, Base):
    """What needs to happen: who does what by when."""

    __tablename__ = "plan_action"

    plan_id: Mapped[str] = mapped_column(String(36), index=True)
    outcome_id: Mapped[str | None] = mapped_column(String(36))
    text: Mapped[str] = mapped_column(Text)
    owner: Mapped[str]  # a name as the family knows it ("Mum", "Ms Patel, school")
    due_on: Mapped[dt.date | None]
    status: Mapped[str] = mapped_column(
        String(16), default="not_started"
    )  # not_started|in_progress|done|dropped
    sort_order: Mapped[int] = mapped_column(default=0)


class TafMember(FamilyScoped, Base):
    """A member of the Team Around the Family for this plan."""

    __tablename__ = "taf_member"

    plan_id: Mapped[str] = mapped_column(String(36), index=True)
    name: Mapped[str]
    role: Mapped[str | None]
    agency: Mapped[str | None]
    phone: Mapped[str | None] = mapped_column(String(32))
    email: Mapped[str | None]


class IssuedPlan(FamilyScoped, Base):
    """A plan as given to the family: an immutable snapshot and its hash, numbered per plan."""

    __tablename__ = "issued_plan"
    __sync_kind__: ClassVar[TableKind] = TableKind.APPEND

    plan_id: Mapped[str] = mapped_column(String(36), index=True)
    number: Mapped[int]
    issued_at: Mapped[dt.datetime]
    issued_by: Mapped[str] = mapped_column(String(36))
    snapshot: Mapped[dict[str, Any]]
    sha256: Mapped[str] = mapped_column(String(64))
    channel: Mapped[str] = mapped_column(String(12), default="print")  # print | pdf
    large_print: Mapped[bool] = mapped_column(default=False)


class Review(FamilyScoped, Base):
    """A review meeting: who came, progress, updated scores and the decision."""

    __tablename__ = "review"

    episode_id: Mapped[str] = mapped_column(String(36), index=True)
    plan_id: Mapped[str | None] = mapped_column(String(36))
    held_on: Mapped[dt.date]
    attendees: Mapped[list[str]]
    decision: Mapped[str] = guarded(String(16), default="continue")  # continue|step_up|step_down|close
    notes: Mapped[str | None] = mapped_column(Text)
    family_comments: Mapped[str | None] = mapped_column(Text)
    next_review_on: Mapped[dt.date | None] = mapped_column(index=True)


class ReviewProgress(FamilyScoped, Base):
    """Progress on one outcome at a review (id from review + outcome)."""

    __tablename__ = "review_progress"

    review_id: Mapped[str] = mapped_column(String(36), index=True)
    outcome_id: Mapped[str] = mapped_column(String(36))
    progress: Mapped[str] = mapped_column(String(8))  # better | same | worse
    worker_score: Mapped[int | None]  # 0-10
    family_score: Mapped[int | None]  # 0-10
    note: Mapped[str | None] = mapped_column(Text)
