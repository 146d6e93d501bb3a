"""The digest check at the end of each sync counts again only what changed since the last one.

Hashing every row takes seconds on a big hub, so a laptop keeps its digest parts and brings them up to
date from what changed: ops it captured, ops it pulled, families it evicted. These tests count the full
counts (``full_counts``: ``verify.local_parts`` wrapped, not replaced) and hold the kept parts to a full
count of the rows: a mark the check missed would still end in "synced" (a difference makes it count
everything again), so only this shows it."""

from __future__ import annotations

from earlyhelp_desktop.core.replication import Replicator
from earlyhelp_desktop.core.services.people import PersonInput
from earlyhelp_desktop.core.store.store import Workspace
from tests.sync.conftest import Counter, Laptop, assert_kept_parts_are_the_rows


def synced(*laptops: Workspace) -> None:
    for ws in laptops:
        report = Replicator(ws).run()
        assert report.status == "synced", report


def test_the_check_counts_only_the_changed_families_and_tables(laptop: Laptop, full_counts: Counter) -> None:
    a = laptop("a")
    b = laptop("b", "j.okafor")
    first = a.services.families.add("Ó Briain").id
    second = a.services.families.add("Llŷr").id
    a.services.people.add(first, PersonInput(given_name="Zoë", family_name="Ó Briain"), relationship="mother")
    synced(a, b)
    assert full_counts() == 2  # each laptop's first check counts everything once
    assert_kept_parts_are_the_rows(b)

    # captured here and pulled there: an edit, a new person, a deletion, a directory entry, a new family
    a.services.families.update(first, display_name="Ó Briain (Zoë)")
    a.services.people.add(first, PersonInput(given_name="Siân", family_name="Ó Briain"), relationship="aunt")
    a.services.families.delete_family(second)
    a.services.directory.add(organisation="Hope Church", activity="Cook and eat", category_code="food")
    b.services.families.add("Nowak")
    synced(a, b, a)
    assert full_counts() == 0
    for ws in (a, b):
        assert_kept_parts_are_the_rows(ws)

    synced(b)  # nothing changed: the kept parts as they are
    assert full_counts() == 0
    assert_kept_parts_are_the_rows(b)
