"""UI fixtures: the real app style, real workers, a real unlocked store; one widget at a time."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from earlyhelp_desktop.core.store.store import Workspace
from earlyhelp_desktop.ui.adapters import Drafts, SyncEngine
from earlyhelp_desktop.ui.app import create_application
from earlyhelp_desktop.ui.context import UiContext
from earlyhelp_desktop.ui.tasks import Tasks


@pytest.fixture(scope="session")
def styled_app(qapp: Any) -> Any:
    create_application()
    return qapp


@pytest.fixture
def tasks(styled_app: Any) -> Iterator[Tasks]:
    t = Tasks()
    yield t
    t.shutdown()


@pytest.fixture
def ctx(workspace: Workspace, tasks: Tasks) -> Iterator[UiContext]:
    context = UiContext(workspace, tasks, Drafts(), SyncEngine())
    yield context
    tasks.run_now(lambda: None)  # let queued work finish before the workspace locks
