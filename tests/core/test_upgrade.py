"""A store written by an earlier schema opens, upgrades and keeps everything (``tests/fixtures``).

``store-0001`` was written by schema 0001 and is never regenerated: when a migration is added, this test
proves that laptops carrying weeks of unsynced work at 0001 upgrade without losing any of it.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from sqlalchemy import func, select

from earlyhelp_desktop.core.services.families import FamilyFilter
from earlyhelp_desktop.core.store.database import head_revision
from earlyhelp_desktop.core.store.models import Family, OutboxOp, Person
from earlyhelp_desktop.core.store.store import Store
from tests.conftest import CHEAP_KDF, PASSWORD

FROZEN = Path(__file__).resolve().parents[1] / "fixtures" / "store-0001"


def test_a_store_written_by_schema_0001_opens_at_the_newest_schema_with_all_its_work(tmp_path: Path) -> None:
    directory = tmp_path / "store"
    shutil.copytree(FROZEN, directory)
    ws = Store(directory, fixed_kdf=CHEAP_KDF).unlock("s.patel", PASSWORD)
    try:
        assert ws.db.revision() == head_revision()
        assert ws.run_full_check().ok
        with ws.read() as session:
            families = session.scalar(select(func.count()).select_from(Family))
            people = session.scalar(select(func.count()).select_from(Person))
            waiting = session.scalar(select(func.count()).select_from(OutboxOp))
        assert families == 7 and people >= 14
        assert waiting >= 3  # the unsynced work is still there to push
        found = ws.services.families.search(FamilyFilter(text="gwion llyr"))
        assert [f.display_name for f in found] == ["Llŷr"]
        added = ws.services.families.add("After the upgrade", postcode="TQ1 1AA").id
        assert ws.services.families.find_ids(FamilyFilter(text="After the upgrade")) == [added]
    finally:
        ws.lock()
    original = (FROZEN / "store.db").read_bytes()
    assert (
        "Llŷr".encode() not in original and b"SQLite format 3" not in original
    )  # encrypted as it was written
