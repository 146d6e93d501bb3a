"""Reference data shared by every device: localities, hubs, venues, staff and configurable lists."""

from __future__ import annotations

from typing import Any, ClassVar

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from earlyhelp_desktop.core.store.models.base import Base, Syncable
from sync.merge import Scope


class Locality(Syncable, Base):
    __tablename__ = "locality"
    __sync_scope__: ClassVar[Scope] = Scope.REFERENCE

    name: Mapped[str]


class Hub(Syncable, Base):
    """A locality hub (a children's centre or family hub) that holds families."""

    __tablename__ = "hub"
    __sync_scope__: ClassVar[Scope] = Scope.REFERENCE

    locality_id: Mapped[str | None] = mapped_column(String(36))
    name: Mapped[str]
    code: Mapped[str] = mapped_column(String(8))  # prefix of family references, e.g. "TN"


class Venue(Syncable, Base):
    """A delivery point: the hub itself or a spoke (school, library, church hall...)."""

    __tablename__ = "venue"
    __sync_scope__: ClassVar[Scope] = Scope.REFERENCE

    hub_id: Mapped[str | None] = mapped_column(String(36), index=True)
    name: Mapped[str]
    kind: Mapped[str] = mapped_column(default="spoke")  # hub | spoke
    address: Mapped[str | None]
    postcode: Mapped[str | None]
    active: Mapped[bool] = mapped_column(default=True)


class Staff(Syncable, Base):
    """A member of staff. The id is derived from the user name, so every copy agrees on it."""

    __tablename__ = "staff"
    __sync_scope__: ClassVar[Scope] = Scope.REFERENCE

    username: Mapped[str] = mapped_column(String(64), index=True)
    full_name: Mapped[str]
    role: Mapped[str]  # supervisor | family_worker | community_connector
    hub_id: Mapped[str | None] = mapped_column(String(36))
    job_title: Mapped[str | None]
    phone: Mapped[str | None]
    email: Mapped[str | None]
    active: Mapped[bool] = mapped_column(default=True)


class RefItem(Syncable, Base):
    """One entry of a configurable list (levels of need, domains, closure reasons, categories...)."""

    __tablename__ = "ref_item"
    __sync_scope__: ClassVar[Scope] = Scope.REFERENCE

    list_name: Mapped[str] = mapped_column(String(48), index=True)
    code: Mapped[str] = mapped_column(String(64))
    label: Mapped[str]
    sort_order: Mapped[int] = mapped_column(default=0)
    active: Mapped[bool] = mapped_column(default=True)
    extra: Mapped[dict[str, Any] | None]


class Instrument(Syncable, Base):
    """An outcome measure defined as configuration: items and scale, never code."""

    __tablename__ = "instrument"
    __sync_scope__: ClassVar[Scope] = Scope.REFERENCE

    code: Mapped[str] = mapped_column(String(48), index=True)
    name: Mapped[str]
    description: Mapped[str | None]
    scale_min: Mapped[int]
    scale_max: Mapped[int]
    items: Mapped[list[Any]]  # [{"code", "text", "reverse": bool}]
    scale_labels: Mapped[dict[str, Any] | None]  # {"0": "Not at all", "10": "Completely"}
    licence: Mapped[str | None]
    active: Mapped[bool] = mapped_column(default=True)
