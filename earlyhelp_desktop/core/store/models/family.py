"""Households, people, memberships, episodes, agreement and sharing, professionals."""

from __future__ import annotations

import datetime as dt
from typing import ClassVar

from sqlalchemy import Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from earlyhelp_desktop.core.store.models.base import Base, Syncable, guarded
from sync.merge import TableKind


class FamilyScoped(Syncable):
    """A row that belongs to one family (its scope follows the family's hub)."""

    family_id: Mapped[str] = mapped_column(String(36), index=True)


class Family(FamilyScoped, Base):
    """A household receiving early help. ``family_id`` equals ``id``."""

    __tablename__ = "family"
    # the families list is ordered by name: lets a one-letter search stop after the first page
    __table_args__ = (Index("ix_family_name_order", "display_name", "reference"),)
    __sync_groups__: ClassVar[dict[str, tuple[str, ...]]] = {
        "address": ("address_line1", "address_line2", "town", "postcode"),
        "override": ("safeguarding_override", "override_reason"),
    }

    reference: Mapped[str] = mapped_column(String(24), index=True)
    display_name: Mapped[str]  # e.g. "Ó Briain" shown as "Ó Briain family"
    hub_id: Mapped[str] = mapped_column(String(36), index=True)
    address_line1: Mapped[str | None]
    address_line2: Mapped[str | None]
    town: Mapped[str | None]
    postcode: Mapped[str | None] = mapped_column(String(12))
    confidential_address: Mapped[bool] = guarded(default=False)
    status: Mapped[str] = guarded(String(12), default="open")  # open | closed
    level_of_need: Mapped[int | None] = guarded()
    lead_worker_id: Mapped[str | None] = mapped_column(String(36), index=True)
    lawful_basis: Mapped[str] = guarded(default="public_task")  # public_task | consent
    evaluation_opt_out: Mapped[bool] = guarded(default=False)
    safeguarding_override: Mapped[bool] = guarded(default=False)
    override_reason: Mapped[str | None] = guarded(Text)
    merged_into_id: Mapped[str | None] = guarded(String(36))


class FamilyFlag(FamilyScoped, Base):
    """A safeguarding or practice flag ("do not visit alone"). Id derived from family and code."""

    __tablename__ = "family_flag"

    code: Mapped[str] = mapped_column(String(48))
    label: Mapped[str]
    note: Mapped[str | None] = mapped_column(Text)


class FamilyTag(FamilyScoped, Base):
    """A free tag; concurrent additions both survive and a removal never beats an addition."""

    __tablename__ = "family_tag"
    __sync_kind__: ClassVar[TableKind] = TableKind.SET

    tag: Mapped[str] = mapped_column(String(64))


class Person(FamilyScoped, Base):
    """A person. ``family_id`` is the household they were first recorded in; memberships link others."""

    __tablename__ = "person"

    given_name: Mapped[str]
    family_name: Mapped[str]
    preferred_name: Mapped[str | None]
    family_name_first: Mapped[bool] = mapped_column(default=False)  # "Nguyễn Thị Hoa", not "Hoa Nguyễn"
    date_of_birth: Mapped[dt.date | None]
    due_date: Mapped[dt.date | None]  # an unborn child
    gender: Mapped[str | None] = mapped_column(String(32))
    ethnicity: Mapped[str | None] = mapped_column(String(64))
    religion: Mapped[str | None] = mapped_column(String(64))
    language: Mapped[str | None] = mapped_column(String(64))
    interpreter_needed: Mapped[bool] = mapped_column(default=False)
    communication_needs: Mapped[str | None] = mapped_column(Text)
    disability: Mapped[str | None] = mapped_column(Text)
    school: Mapped[str | None]
    nhs_number: Mapped[str | None] = mapped_column(String(10))
    upn: Mapped[str | None] = mapped_column(String(13))
    must_not_know_whereabouts: Mapped[bool] = guarded(default=False)
    merged_into_id: Mapped[str | None] = guarded(String(36))


class Membership(FamilyScoped, Base):
    """A person in a household (a child of separated parents belongs to two). Id from family + person."""

    __tablename__ = "membership"
    __sync_kind__: ClassVar[TableKind] = TableKind.SET

    person_id: Mapped[str] = mapped_column(String(36), index=True)
    relationship: Mapped[str] = mapped_column(String(48))  # mother, father, child, grandparent...
    is_child: Mapped[bool] = mapped_column(default=False)
    lives_in_household: Mapped[bool] = mapped_column(default=True)
    parental_responsibility: Mapped[bool] = mapped_column(default=False)


class Episode(FamilyScoped, Base):
    """One period of early help, from a request for support to closure."""

    __tablename__ = "episode"

    opened_on: Mapped[dt.date]
    request_source: Mapped[str | None]  # who asked: school, health visitor, self...
    request_reason: Mapped[str | None] = mapped_column(Text)
    status: Mapped[str] = guarded(String(12), default="open")  # open | closed
    closed_on: Mapped[dt.date | None] = guarded()


class Agreement(FamilyScoped, Base):
    """One person's agreement to receive early help in an episode (id from episode + person)."""

    __tablename__ = "agreement"

    episode_id: Mapped[str] = mapped_column(String(36), index=True)
    person_id: Mapped[str] = mapped_column(String(36))
    agreed: Mapped[bool] = guarded(default=False)
    agreed_on: Mapped[dt.date | None]
    method: Mapped[str | None] = mapped_column(String(16))  # written | verbal
    withdrawn_on: Mapped[dt.date | None] = guarded()
    note: Mapped[str | None] = mapped_column(Text)


class SharingPermission(FamilyScoped, Base):
    """What one partner agency may see (id from family + agency)."""

    __tablename__ = "sharing_permission"

    agency: Mapped[str]
    access: Mapped[str] = guarded(String(12), default="nothing")  # everything | plan | nothing
    gets_copy: Mapped[bool] = mapped_column(default=False)
    must_not_see: Mapped[bool] = guarded(default=False)
    note: Mapped[str | None] = mapped_column(Text)


class Professional(FamilyScoped, Base):
    """A professional involved with the family (GP, school, health visitor...)."""

    __tablename__ = "professional"

    agency: Mapped[str]
    name: Mapped[str]
    role: Mapped[str | None]
    phone: Mapped[str | None] = mapped_column(String(32))
    email: Mapped[str | None]
    note: Mapped[str | None] = mapped_column(Text)
