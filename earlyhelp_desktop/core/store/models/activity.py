"""Contacts, outcome measures, the community directory, social-prescribing links and audit."""

from __future__ import annotations

import datetime as dt
from typing import Any, ClassVar

from sqlalchemy import String, Text
from sqlalchemy.orm import Mapped, mapped_column

from earlyhelp_desktop.core.store.models.base import Base, Syncable
from earlyhelp_desktop.core.store.models.family import FamilyScoped
from sync.merge import Scope, TableKind


class Contact(FamilyScoped, Base):
    """A case note: a visit, call, message or group session. Append-only."""

    __tablename__ = "contact"
    __sync_kind__: ClassVar[TableKind] = TableKind.APPEND

    episode_id: Mapped[str | None] = mapped_column(String(36))
    kind: Mapped[str] = mapped_column(String(16))  # visit | call | message | group | other
    occurred_at: Mapped[dt.datetime] = mapped_column(index=True)
    venue_id: Mapped[str | None] = mapped_column(String(36))
    venue_text: Mapped[str | None]
    duration_minutes: Mapped[int | None]
    note: Mapped[str] = mapped_column(Text)
    worker_id: Mapped[str | None] = mapped_column(String(36))
    person_ids: Mapped[list[str] | None]
    amends_id: Mapped[str | None] = mapped_column(
        String(36), index=True
    )  # a correction points at what it corrects


class OutcomeMeasure(FamilyScoped, Base):
    """One completed instrument (ONS4, family-scored domains...). Append-only."""

    __tablename__ = "outcome_measure"
    __sync_kind__: ClassVar[TableKind] = TableKind.APPEND

    person_id: Mapped[str | None] = mapped_column(String(36))
    instrument_code: Mapped[str] = mapped_column(String(48))
    taken_on: Mapped[dt.date]
    context: Mapped[str] = mapped_column(String(16))  # baseline|review|closure|link_before|link_after
    scores: Mapped[dict[str, Any]]
    link_id: Mapped[str | None] = mapped_column(String(36))
    recorded_by: Mapped[str | None] = mapped_column(String(36))


class CommunityAsset(Syncable, Base):
    """An entry in the community directory (groups, courses, food clubs, peer support)."""

    __tablename__ = "community_asset"
    __sync_scope__: ClassVar[Scope] = Scope.DIRECTORY
    __sync_groups__: ClassVar[dict[str, tuple[str, ...]]] = {
        "location": ("venue_name", "address", "postcode"),
    }

    organisation: Mapped[str]
    activity: Mapped[str]
    description: Mapped[str | None] = mapped_column(Text)
    category_code: Mapped[str] = mapped_column(String(48), index=True)
    venue_name: Mapped[str | None]
    address: Mapped[str | None]
    postcode: Mapped[str | None] = mapped_column(String(12))
    days_times: Mapped[str | None]
    age_range: Mapped[str | None]
    cost: Mapped[str | None]
    contact_name: Mapped[str | None]
    phone: Mapped[str | None] = mapped_column(String(32))
    email: Mapped[str | None]
    website: Mapped[str | None]
    takes_referrals: Mapped[bool] = mapped_column(default=True)
    kitemark: Mapped[str] = mapped_column(String(16), default="none")  # none|applied|awarded|expired
    capacity: Mapped[int | None]
    review_on: Mapped[dt.date | None]
    active: Mapped[bool] = mapped_column(default=True)


class SocialLink(FamilyScoped, Base):
    """A social-prescribing link between a person and a community asset."""

    __tablename__ = "social_link"

    person_id: Mapped[str] = mapped_column(String(36), index=True)
    asset_id: Mapped[str] = mapped_column(String(36), index=True)
    need_area: Mapped[str | None] = mapped_column(String(48))
    connector_id: Mapped[str | None] = mapped_column(String(36))
    status: Mapped[str] = mapped_column(String(16), default="offered", index=True)
    offered_on: Mapped[dt.date]
    referred_on: Mapped[dt.date | None]
    responded_on: Mapped[dt.date | None]
    attended_on: Mapped[dt.date | None]
    ended_on: Mapped[dt.date | None]
    outcome: Mapped[str | None] = mapped_column(Text)
    snomed_code: Mapped[str | None] = mapped_column(String(24))


class LinkEvent(FamilyScoped, Base):
    """One step in a link's life (offered, referred, accepted...). Append-only."""

    __tablename__ = "link_event"
    __sync_kind__: ClassVar[TableKind] = TableKind.APPEND

    link_id: Mapped[str] = mapped_column(String(36), index=True)
    status: Mapped[str] = mapped_column(String(16))
    occurred_on: Mapped[dt.date]
    note: Mapped[str | None] = mapped_column(Text)
    recorded_by: Mapped[str | None] = mapped_column(String(36))


class AuditEvent(Syncable, Base):
    """Who viewed, changed, printed, exported or synced what, when, on which device. Append-only."""

    __tablename__ = "audit_event"
    __sync_kind__: ClassVar[TableKind] = TableKind.APPEND
    __sync_scope__: ClassVar[Scope] = Scope.AUDIT

    at: Mapped[dt.datetime] = mapped_column(index=True)
    user_id: Mapped[str] = mapped_column(String(36))
    device_id: Mapped[str] = mapped_column(String(16))
    action: Mapped[str] = mapped_column(String(24))  # view|create|update|print|export|sync|unlock...
    table_name: Mapped[str | None] = mapped_column(String(48))
    row_id: Mapped[str | None] = mapped_column(String(36))
    family_id: Mapped[str | None] = mapped_column(String(36), index=True)
    detail: Mapped[dict[str, Any] | None]
