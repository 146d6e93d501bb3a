"""Qt-free use cases. Screens and the CLI call these, never the ORM."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from earlyhelp_desktop.core.store.store import Workspace


class Services:
    def __init__(self, workspace: Workspace) -> None:
        self._ws = workspace
