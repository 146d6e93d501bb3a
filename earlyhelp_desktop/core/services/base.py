"""What every service shares: the acting person, Changes, role checks, audit, soft delete."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol, TypeVar

from sqlalchemy.orm import Session

from earlyhelp_desktop.core.errors import NotFound, NotPermitted
from earlyhelp_desktop.core.ids import new_id
from earlyhelp_desktop.core.store.models import AuditEvent, Syncable

if TYPE_CHECKING:
    from earlyhelp_desktop.core.store.store import Workspace

T = TypeVar("T", bound=Syncable)

ROLE_LABELS = {
    "supervisor": "supervisor",
    "family_worker": "family worker",
    "community_connector": "community connector",
}


class HasRole(Protocol):
    @property
    def role(self) -> str: ...


@dataclass(frozen=True, slots=True)
class Changes:
    """What a mutating call changed, so a screen refreshes only that (Anki's OpChanges)."""

    families: frozenset[str] = frozenset()
    tables: frozenset[str] = frozenset()
    created: tuple[str, ...] = ()
    warnings: tuple[str, ...] = ()

    @property
    def id(self) -> str:
        """The id of the main row created (first in ``created``)."""
        return self.created[0]

    def __or__(self, other: Changes) -> Changes:
        return Changes(
            self.families | other.families,
            self.tables | other.tables,
            self.created + other.created,
            self.warnings + other.warnings,
        )


def changes(
    tables: Iterable[str],
    families: Iterable[str | None] = (),
    created: Iterable[str] = (),
    warnings: Iterable[str] = (),
) -> Changes:
    return Changes(frozenset(f for f in families if f), frozenset(tables), tuple(created), tuple(warnings))


def require_role(user: HasRole, *roles: str) -> None:
    if user.role not in roles:
        wanted = " or ".join(ROLE_LABELS.get(r, r) for r in roles)
        raise NotPermitted(f"Only a {wanted} can do this. Ask your supervisor.")


def today() -> dt.date:
    return dt.date.today()


def now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


@dataclass
class Service:
    """Base of the use-case services: holds the workspace (store, person, device)."""

    ws: Workspace
    _cache: dict[str, Any] = field(default_factory=dict, repr=False)

    @property
    def user_id(self) -> str:
        return self.ws.user.user_id

    def require(self, *roles: str) -> None:
        require_role(self.ws.user, *roles)

    def get(self, session: Session, model: type[T], row_id: str, what: str = "record") -> T:
        obj = session.get(model, row_id)
        if obj is None or obj.deleted:
            raise NotFound(f"No {what} with id {row_id} on this laptop.")
        return obj

    def audit(
        self,
        session: Session,
        action: str,
        table: str | None = None,
        row_id: str | None = None,
        family_id: str | None = None,
        **detail: Any,
    ) -> None:
        """Appends an audit event in the same transaction (who, what, which family, device, when)."""
        session.add(
            AuditEvent(
                id=new_id(),
                at=now(),
                user_id=self.user_id,
                device_id=self.ws.device_id,
                action=action,
                table_name=table,
                row_id=row_id,
                family_id=family_id,
                detail=detail or None,
            )
        )

    @staticmethod
    def delete(obj: Syncable) -> None:
        """A tombstone: change capture turns this into a delete op with what this laptop has seen."""
        obj.deleted = True
