"""Qt-free use cases. Screens and the CLI call these, never the ORM directly.

``Services`` hangs every service off one workspace: ``ws.services.families.search("zoe")``.
Services are created on first use, so importing this package stays cheap.
"""

from __future__ import annotations

from functools import cached_property
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from earlyhelp_desktop.core.services.conflicts import ConflictService
    from earlyhelp_desktop.core.services.families import FamilyService
    from earlyhelp_desktop.core.services.people import PeopleService
    from earlyhelp_desktop.core.services.record import RecordService
    from earlyhelp_desktop.core.services.users import UserService
    from earlyhelp_desktop.core.store.store import Workspace


class Services:
    """Every use case of one unlocked workspace."""

    def __init__(self, workspace: Workspace) -> None:
        self._ws = workspace

    @cached_property
    def conflicts(self) -> ConflictService:
        from earlyhelp_desktop.core.services.conflicts import ConflictService

        return ConflictService(self._ws)

    @cached_property
    def families(self) -> FamilyService:
        from earlyhelp_desktop.core.services.families import FamilyService

        return FamilyService(self._ws)

    @cached_property
    def people(self) -> PeopleService:
        from earlyhelp_desktop.core.services.people import PeopleService

        return PeopleService(self._ws)

    @cached_property
    def record(self) -> RecordService:
        from earlyhelp_desktop.core.services.record import RecordService

        return RecordService(self._ws)

    @cached_property
    def users(self) -> UserService:
        from earlyhelp_desktop.core.services.users import UserService

        return UserService(self._ws)
