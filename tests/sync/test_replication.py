"""Two laptops and a real server on 127.0.0.1: what a family worker would notice."""

from __future__ import annotations

from earlyhelp_desktop.core.replication import Replicator, sync_status
from tests.sync.conftest import Laptop, RunningServer


def test_a_family_added_on_one_laptop_reaches_the_other(laptop: Laptop, sync_server: RunningServer) -> None:
    a = laptop("a")
    b = laptop("b", "j.okafor")
    changes = a.services.families.add("Ó Briain", postcode="TQ1 1AA")
    report = Replicator(a).run()
    assert report.status == "synced", report
    assert report.pushed >= 1
    report_b = Replicator(b).run()
    assert report_b.status == "synced", report_b
    assert report_b.pulled >= 1
    found = b.services.families.search("obriain")
    assert [f.id for f in found] == [changes.id]
    assert sync_status(b).pending == 0


def test_a_no_op_sync_is_one_request(laptop: Laptop) -> None:
    a = laptop("a")
    Replicator(a).run()
    report = Replicator(a).run()
    assert report.status == "synced"
    assert report.requests == 1
