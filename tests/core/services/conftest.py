"""Fixtures for the service tests (the helpers they use live in helpers.py)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from earlyhelp_desktop.core.crypto.kdf import KdfParams
from earlyhelp_desktop.core.store.store import Workspace
from tests.core.services.helpers import Household, Outbox, Unchanged, colleague, make_household


@pytest.fixture
def ws(workspace: Workspace) -> Workspace:
    """The supervisor, Sunita Patel."""
    return workspace


@pytest.fixture
def worker(workspace: Workspace, store_dir: Path, cheap_kdf: KdfParams) -> Iterator[Workspace]:
    """A family worker, Jamal Okafor, on the same laptop."""
    other = colleague(workspace, store_dir, cheap_kdf, "j.okafor", "Jamal Okafor", "family_worker")
    yield other
    other.lock()


@pytest.fixture
def connector(workspace: Workspace, store_dir: Path, cheap_kdf: KdfParams) -> Iterator[Workspace]:
    """A community connector, Łukasz Wójcik, on the same laptop."""
    other = colleague(workspace, store_dir, cheap_kdf, "l.wojcik", "Łukasz Wójcik", "community_connector")
    yield other
    other.lock()


@pytest.fixture
def household(worker: Workspace) -> Household:
    """A household created by the family worker (who is its lead practitioner)."""
    return make_household(worker)


@pytest.fixture
def unchanged() -> type[Unchanged]:
    return Unchanged


@pytest.fixture
def outbox() -> type[Outbox]:
    return Outbox
