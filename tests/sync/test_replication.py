"""Laptops and a real server on 127.0.0.1: what family workers and supervisors would notice."""

from __future__ import annotations

import gc

import pytest
from sqlalchemy import select

from earlyhelp_desktop.core.replication import Replicator, engine, login_online, sync_status
from earlyhelp_desktop.core.services.people import PersonInput
from earlyhelp_desktop.core.store.models import Family, FieldHistory, OutboxOp
from sync.server import db
from tests.conftest import CHEAP_KDF, PASSWORD
from tests.sync.conftest import Laptop, RunningServer, unlock


def synced(*laptops: object) -> None:
    for ws in laptops:
        report = Replicator(ws).run()  # type: ignore[arg-type]
        assert report.status == "synced", report


def family(ws: object, family_id: str) -> Family:
    with ws.read() as session:  # type: ignore[attr-defined]
        found = session.get(Family, family_id)
        assert found is not None
        return found


def test_a_family_added_on_one_laptop_reaches_the_other(laptop: Laptop) -> None:
    a = laptop("a")
    b = laptop("b", "j.okafor")
    changes = a.services.families.add("Ó Briain", postcode="TQ1 1AA")
    report = Replicator(a).run()
    assert report.status == "synced", report
    assert report.pushed >= 1
    report_b = Replicator(b).run()
    assert report_b.status == "synced", report_b
    assert report_b.pulled >= 1
    assert [f.id for f in b.services.families.search("obriain")] == [changes.id]
    assert sync_status(b).pending == 0
    assert sync_status(a).last_report is not None


def test_a_no_op_sync_is_one_request(laptop: Laptop) -> None:
    a = laptop("a")
    synced(a)
    report = Replicator(a).run()
    assert report.status == "synced"
    assert report.requests == 1


def test_a_sync_with_changes_is_one_request_that_also_brings_the_others_changes(laptop: Laptop) -> None:
    a = laptop("a")
    b = laptop("b", "j.okafor")
    synced(a, b)  # each has heard the server say it answers a push's pull, and kept that
    mine = b.services.families.add("Llŷr").id
    theirs = a.services.families.add("Ó Briain").id
    report = Replicator(a).run()
    assert (report.status, report.requests) == ("synced", 1) and report.pushed >= 1
    report = Replicator(b).run()  # its push, and a's family in the same answer
    assert (report.status, report.requests) == ("synced", 1) and report.pushed >= 1 and report.pulled >= 1
    assert {f.id for f in b.services.families.search("")} >= {mine, theirs}


def test_a_long_pull_sets_the_app_aside_from_the_garbage_collector_only_while_it_runs(
    laptop: Laptop, monkeypatch: pytest.MonkeyPatch
) -> None:
    a = laptop("a")
    b = laptop("b", "j.okafor")
    added = {a.services.families.add(f"Family {n}").id for n in range(5)}
    synced(a)
    monkeypatch.setattr(engine, "PULL_LIMIT", 2)  # three pages
    set_aside: list[int] = []
    report = Replicator(b).run(lambda stage, done, total: set_aside.append(gc.get_freeze_count()))
    assert report.status == "synced", report
    assert {f.id for f in b.services.families.search("")} >= added
    assert max(set_aside) > 0  # the long pull ran with the app's objects set aside
    assert gc.get_freeze_count() == 0  # and gave them back: nothing stays out of the collector's reach


def test_concurrent_guarded_edits_are_kept_until_a_supervisor_chooses(laptop: Laptop) -> None:
    a = laptop("a")
    b = laptop("b", "j.okafor")
    fid = a.services.families.add("Kowalski", level_of_need=2).id
    synced(a, b)
    a.services.families.update(fid, level_of_need=3)
    b.services.families.update(fid, level_of_need=4)
    synced(a, b, a)
    for ws in (a, b):
        found = ws.services.conflicts.list()
        assert len(found) == 1 and found[0].field == "level_of_need"
        assert sorted(o.value for o in found[0].options) == [3, 4]
        assert family(ws, fid).level_of_need == family(a, fid).level_of_need  # one shown, the same everywhere
    keep = next(o.value_id for o in a.services.conflicts.list()[0].options if o.value == 4)
    a.services.conflicts.resolve(a.services.conflicts.list()[0].id, keep)
    synced(a, b)
    for ws in (a, b):
        assert ws.services.conflicts.list() == []
        assert family(ws, fid).level_of_need == 4


def test_concurrent_ordinary_edits_agree_and_keep_the_loser_in_history(laptop: Laptop) -> None:
    a = laptop("a")
    b = laptop("b", "j.okafor")
    fid = a.services.families.add("Patel").id
    synced(a, b)
    a.services.families.update(fid, display_name="Patel-Shah")
    b.services.families.update(fid, display_name="Shah")
    synced(a, b, a)
    assert family(a, fid).display_name == family(b, fid).display_name
    for ws in (a, b):
        assert ws.services.conflicts.list() == []
        with ws.read() as session:
            kept = set(session.scalars(select(FieldHistory.value).where(FieldHistory.row_id == fid)))
        assert {"Patel-Shah", "Shah"} - {family(ws, fid).display_name} <= kept


def test_work_under_a_family_deleted_elsewhere_restores_it(laptop: Laptop) -> None:
    a = laptop("a")
    b = laptop("b", "j.okafor")
    fid = a.services.families.add("Nguyen").id
    synced(a, b)
    a.services.families.delete_family(fid)
    b.services.people.add(fid, PersonInput(given_name="Linh", family_name="Nguyen"), relationship="daughter")
    synced(a, b, a)
    for ws in (a, b):
        assert family(ws, fid).deleted is False
        conflicts = ws.services.conflicts.list()
        assert [c.kind for c in conflicts] == ["edit_delete"]
    # the supervisor confirms the deletion, having seen the new work
    conflict = a.services.conflicts.list()[0]
    delete = next(o.value_id for o in conflict.options if o.value is True)
    a.services.conflicts.resolve(conflict.id, delete)
    synced(a, b)
    for ws in (a, b):
        assert family(ws, fid).deleted is True
        assert ws.services.conflicts.list() == []


def test_a_family_kept_by_the_supervisor_shows_its_case_notes_again_on_every_laptop(laptop: Laptop) -> None:
    a = laptop("a")
    b = laptop("b", "j.okafor")
    fid = a.services.families.add("Nguyen").id
    a.services.contacts.record(fid, kind="visit", occurred_at="1 3 2026", note="Home visit")
    synced(a, b)
    a.services.families.delete_family(fid)  # having seen the case note: it goes with the family
    b.services.people.add(fid, PersonInput(given_name="Linh", family_name="Nguyen"), relationship="daughter")
    synced(a, b, a)
    for ws in (a, b):
        assert ws.services.contacts.timeline(fid).total == 0  # the family is contested; the note was deleted
    conflict = a.services.conflicts.list()[0]
    keep = next(o.value_id for o in conflict.options if o.value is False)  # keep the family
    a.services.conflicts.resolve(conflict.id, keep)
    synced(a, b)
    for ws in (a, b):
        assert family(ws, fid).deleted is False
        assert ws.services.conflicts.list() == []
        assert [e.contact.note for e in ws.services.contacts.timeline(fid).entries] == ["Home visit"]


def test_changes_of_several_staff_offline_on_one_laptop_keep_their_authors(
    laptop: Laptop, sync_server: RunningServer
) -> None:
    a = laptop("a")
    a.lock()
    # a colleague with no slot on this laptop logs in online: the server releases the escrow secret
    colleague = login_online(a.store.directory, None, "j.okafor", PASSWORD, fixed_kdf=CHEAP_KDF)
    first = colleague.services.families.add("Osei").id
    colleague.lock()  # locking or switching user never clears the outbox
    again = unlock(a, "s.patel")
    second = again.services.families.add("Evans").id
    with again.read() as session:
        waiting = {
            r.row_id: r.user_id for r in session.scalars(select(OutboxOp).where(OutboxOp.state == "pending"))
        }
    assert waiting[first] != waiting[second]
    synced(again)
    with sync_server.store.engine.connect() as conn:
        authors = dict(
            conn.execute(
                select(db.ops.c.row_id, db.ops.c.user_id).where(
                    db.ops.c.table_name == "family", db.ops.c.row_id.in_((first, second))
                )
            ).all()
        )
    assert authors[first] == colleague.user.user_id
    assert authors[second] == again.user.user_id
    again.lock()
    # the colleague's own password now opens the laptop offline
    unlock(a, "j.okafor").lock()


def test_a_redacted_note_leaves_every_copy_and_the_server_log(
    laptop: Laptop, sync_server: RunningServer
) -> None:
    from earlyhelp_desktop.core.store.models import Contact

    a = laptop("a")
    b = laptop("b", "j.okafor")
    fid = a.services.families.add("Wrong family").id
    secret = "Home visit notes about a different family"
    cid = a.services.contacts.record(fid, kind="visit", occurred_at="1 3 2026", note=secret).id
    synced(a, b)
    with b.read() as session:
        assert session.get(Contact, cid).note == secret  # type: ignore[union-attr]
    a.services.redaction.redact("contact", cid, "note")
    synced(a, b)
    for ws in (a, b):
        with ws.read() as session:
            assert session.get(Contact, cid).note != secret  # type: ignore[union-attr]
            history = session.scalars(select(FieldHistory.value).where(FieldHistory.row_id == cid)).all()
            assert secret not in history
    with sync_server.store.engine.connect() as conn:
        payloads = conn.execute(select(db.ops.c.payload).where(db.ops.c.row_id == cid)).scalars().all()
    assert payloads and not any(secret in p for p in payloads)
    # the server still had the note ready to serve from b's first pull: no pull from the start has it now
    with sync_server.store.engine.connect() as conn:
        author = conn.execute(select(db.ops.c.device_id).where(db.ops.c.row_id == cid)).scalar()
        device = conn.execute(select(db.devices).where(db.devices.c.device_id != author)).mappings().first()
    assert device is not None
    page = sync_server.store.pull(device, None, 1000)
    assert cid.encode() in page.body() and secret.encode() not in page.body()


def test_a_store_restored_from_a_backup_catches_up_and_makes_no_duplicate_op_ids(laptop: Laptop) -> None:
    import shutil

    a = laptop("a")
    first = a.services.families.add("Before the backup").id
    synced(a)
    directory = a.store.directory
    a.db.checkpoint()
    a.lock()
    shutil.copy(directory / "store.db", directory.parent / "backup.db")
    a = unlock(a)
    second = a.services.families.add("After the backup").id
    synced(a)
    a.lock()
    for leftover in directory.glob("store.db*"):
        leftover.unlink()
    shutil.copy(directory.parent / "backup.db", directory / "store.db")
    a = unlock(a)
    # the first sync notices what the restored store lacks and merges it back from the server
    assert Replicator(a).run().status in ("synced", "partial")
    third = a.services.families.add("After the restore").id
    synced(a)
    for fid in (first, second, third):
        assert family(a, fid).deleted is False
    with a.read() as session:
        assert session.scalars(select(OutboxOp).where(OutboxOp.state == "rejected")).first() is None
    a.lock()
