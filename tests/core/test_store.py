"""The store on disk: creation, opening, newer schemas, damage, unclean shutdowns, no plaintext."""

from __future__ import annotations

import datetime as dt
import os
import sqlite3
from pathlib import Path

import pytest
from sqlalchemy import func, select, text

from earlyhelp_desktop.core.demo import build_demo
from earlyhelp_desktop.core.errors import CorruptStore, NewerSchema, NoStore, StoreExists
from earlyhelp_desktop.core.store.models import Family, OutboxOp, Person
from earlyhelp_desktop.core.store.running import RunningMarker
from earlyhelp_desktop.core.store.store import Store, Workspace
from tests.conftest import CHEAP_KDF, PASSWORD


def test_a_folder_without_a_store_says_so(tmp_path: Path) -> None:
    with pytest.raises(NoStore, match="There is no store in"):
        Store(tmp_path / "nothing").unlock("s.patel", PASSWORD)


def test_create_refuses_a_folder_that_holds_a_store(workspace: Workspace, store_dir: Path) -> None:
    with pytest.raises(StoreExists):
        Store.create(store_dir, username="x", full_name="X", password=PASSWORD, fixed_kdf=CHEAP_KDF)


def test_the_database_is_sqlcipher_4_in_wal_mode_and_unreadable_without_the_key(
    workspace: Workspace, store_dir: Path
) -> None:
    with workspace.read() as session:
        assert session.execute(text("PRAGMA cipher_version")).scalar().startswith("4.")
        assert session.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        session.execute(text("SELECT count(*) FROM family_search")).scalar()  # FTS5 is there
    workspace.lock()
    plain = sqlite3.connect(store_dir / "store.db")
    with pytest.raises(sqlite3.DatabaseError):
        plain.execute("SELECT count(*) FROM sqlite_master").fetchall()
    plain.close()


def test_a_store_from_a_newer_app_is_refused_and_left_alone(workspace: Workspace, store_dir: Path) -> None:
    with workspace.db.engine.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = '9999_future'"))
    workspace.lock()
    before = (store_dir / "store.db").read_bytes()
    with pytest.raises(NewerSchema, match="newer version of Early Help Desktop"):
        Store(store_dir).unlock("s.patel", PASSWORD)
    assert (store_dir / "store.db").read_bytes() == before


def test_a_damaged_database_gives_a_clear_message(workspace: Workspace, store_dir: Path) -> None:
    workspace.services.families.add("Ó Briain")
    workspace.db.checkpoint()
    workspace.lock()
    db = store_dir / "store.db"
    data = bytearray(db.read_bytes())
    data[100:4096] = os.urandom(4096 - 100)  # page 1 destroyed
    db.write_bytes(bytes(data))
    with pytest.raises(CorruptStore, match="ask your supervisor"):
        Store(store_dir).unlock("s.patel", PASSWORD)


def test_an_unclean_shutdown_triggers_a_full_check(workspace: Workspace, store_dir: Path) -> None:
    workspace.lock()
    crashed = RunningMarker(store_dir)
    crashed.acquire()
    stale = crashed._path  # noqa: SLF001 - simulate a process that died holding the store open
    crashed._handle.close()  # type: ignore[union-attr]  # noqa: SLF001 - its lock goes with it
    assert stale is not None and stale.exists()
    ws = Store(store_dir).unlock("s.patel", PASSWORD, defer_full_check=True)
    assert ws.unclean
    report = ws.run_full_check()
    assert report.ok and report.kind == "full"
    assert not stale.exists() and not ws.unclean
    ws.lock()
    with Store(store_dir).unlock("s.patel", PASSWORD) as again:
        assert not again.unclean


def test_a_cleanly_closed_store_is_not_checked_again(workspace: Workspace, store_dir: Path) -> None:
    workspace.lock()
    with Store(store_dir).unlock("s.patel", PASSWORD) as ws:
        assert not ws.unclean


def test_backups_are_encrypted_copies(workspace: Workspace, store_dir: Path) -> None:
    workspace.services.families.add("Llŷr")
    backup = workspace.db.backup(store_dir / "backups", "test")
    assert b"Ll\xc5\xb7r" not in backup.read_bytes()
    from earlyhelp_desktop.core.store.database import Database

    copy = Database(backup, workspace.data_key)
    with copy.read() as session:
        assert session.scalar(select(Family.display_name)) == "Llŷr"
    copy.dispose()


def test_no_plaintext_personal_data_in_any_file_of_the_store(tmp_path: Path) -> None:
    """Scans the database, its WAL and every other file for every synthetic person's name."""
    directory = tmp_path / "demo"
    ws = Store.create(
        directory,
        username="demo",
        full_name="Dee Demo",
        password=PASSWORD,
        demo=True,
        hub_name="Torbay North",
        fixed_kdf=CHEAP_KDF,
    )
    build_demo(ws, families=40, seed=7, today=dt.date(2026, 11, 1))
    ws.services.families.add("Wójcik", postcode="TQ2 5AA", address_line1="12 Quay Road")  # some WAL content
    with ws, ws.read() as session:
        people = session.scalars(select(Person)).all()
        # full names, and every part long enough that random ciphertext cannot contain it by chance
        names = {f"{p.given_name} {p.family_name}" for p in people}
        names |= {n for p in people for n in (p.given_name, p.family_name) if len(n.encode()) >= 6}
        names |= {
            f.display_name for f in session.scalars(select(Family)) if len(f.display_name.encode()) >= 6
        }
        names |= {"Quay Road"}
        assert {"Zoë Ó Briain", "Ó Briain", "Łukasz", "Wójcik", "Nguyễn", "Siân Llŷr"} <= names
        files = [p for p in directory.rglob("*") if p.is_file()]
        assert any(p.name.endswith("-wal") and p.stat().st_size > 0 for p in files)
        leaks = []
        for path in files:
            data = path.read_bytes()
            for name in names:
                for encoded in (name.encode("utf-8"), name.encode("utf-16-le")):
                    if encoded in data:
                        leaks.append((path.name, name))
    assert leaks == []


def test_demo_store_is_a_settled_baseline(tmp_path: Path) -> None:
    ws = Store.create(
        tmp_path / "demo",
        username="demo",
        full_name="Dee Demo",
        password=PASSWORD,
        demo=True,
        hub_name="Torbay North",
        fixed_kdf=CHEAP_KDF,
    )
    build_demo(ws, families=10, seed=3, today=dt.date(2026, 11, 1))
    with ws.read() as session:
        assert session.scalar(select(func.count()).select_from(OutboxOp)) == 0
        assert session.scalar(select(func.count()).select_from(Family)) == 10
    ws.lock()
