"""Shared fixtures. Stores here use cheap key-derivation settings passed explicitly (never silently)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from earlyhelp_desktop.core.crypto.kdf import KdfParams
from earlyhelp_desktop.core.store.store import Store, Workspace

# 8 MiB, one pass: fast enough for hundreds of tests. Production slots are calibrated at >= 64 MiB.
CHEAP_KDF = KdfParams(salt=b"\0" * 16, memory_kib=8 * 1024, iterations=1, lanes=1)
PASSWORD = "correct horse battery"


@pytest.fixture
def cheap_kdf() -> KdfParams:
    return CHEAP_KDF


@pytest.fixture
def store_dir(tmp_path: Path) -> Path:
    return tmp_path / "store"


@pytest.fixture
def workspace(store_dir: Path) -> Iterator[Workspace]:
    """A fresh store, unlocked by its first supervisor, Sunita Patel."""
    ws = Store.create(
        store_dir,
        username="s.patel",
        full_name="Sunita Patel",
        password=PASSWORD,
        role="supervisor",
        hub_name="Torbay North",
        fixed_kdf=CHEAP_KDF,
    )
    yield ws
    if not ws.locked:
        ws.lock()


def postgres_url() -> str | None:
    return os.environ.get("EARLYHELP_TEST_DATABASE_URL")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """PostgreSQL tests skip only when no database was configured; CI always configures one."""
    if postgres_url():
        return
    skip = pytest.mark.skip(reason="set EARLYHELP_TEST_DATABASE_URL to run the PostgreSQL tests")
    for item in items:
        if "postgres" in item.keywords:
            item.add_marker(skip)


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """With EARLYHELP_REQUIRE_POSTGRES=1 (set by .ci/run) a skipped PostgreSQL test fails the run."""
    if os.environ.get("EARLYHELP_REQUIRE_POSTGRES") != "1":
        return
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    skipped = reporter.stats.get("skipped", []) if reporter else []
    missed = [r.nodeid for r in skipped if "postgres" in getattr(r, "keywords", {})]
    if missed:
        if reporter:
            reporter.write_line(f"PostgreSQL tests were skipped in CI: {missed}", red=True)
        session.exitstatus = 1
