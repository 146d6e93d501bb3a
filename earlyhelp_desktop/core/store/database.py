"""The encrypted database of one store: engine, sessions, migrations, checks and backups."""

from __future__ import annotations

import contextlib
import datetime as dt
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import sqlcipher3
from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from alembic.script.revision import ResolutionError
from alembic.util import CommandError
from sqlalchemy import Engine, text
from sqlalchemy.exc import DatabaseError, OperationalError

from earlyhelp_desktop.core.errors import CorruptStore, NewerSchema
from earlyhelp_desktop.core.fileio import private_dir
from earlyhelp_desktop.core.store.capture import CAPTURE, CaptureContext, StoreSession
from earlyhelp_desktop.core.store.engine import connector, make_engine, pragma, set_wal

MIGRATIONS = Path(__file__).with_name("migrations")
DB_FILE = "store.db"
KEEP_BACKUPS = 3


class WrongKey(Exception):
    """The key does not decrypt this database."""


def alembic_config() -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return config


def head_revision() -> str:
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert head is not None
    return head


@dataclass(frozen=True, slots=True)
class CheckReport:
    ok: bool
    kind: str  # quick | full
    problems: tuple[str, ...] = ()


class Database:
    """An open, keyed database. ``dispose()`` closes every connection."""

    def __init__(self, path: Path, key: bytes | None) -> None:
        self.path = path
        self.connect = connector(path, key)
        self.engine: Engine = make_engine(self.connect)
        self._writer = self.engine.execution_options(sqlite_immediate=True)

    def verify_key(self) -> None:
        """Raises WrongKey unless the key decrypts the file (reads page 1: fast)."""
        try:
            pragma(self.connect, "SELECT count(*) FROM sqlite_master")
        except (DatabaseError, sqlcipher3.dbapi2.DatabaseError) as exc:
            self.engine.dispose()
            raise WrongKey() from exc

    # -- sessions --------------------------------------------------------------------------------

    @contextlib.contextmanager
    def read(self) -> Iterator[StoreSession]:
        with StoreSession(bind=self.engine, expire_on_commit=False) as session:
            yield session

    @contextlib.contextmanager
    def write(self, context: CaptureContext) -> Iterator[StoreSession]:
        """One transaction: everything in it, with its ops, commits together or not at all."""
        with StoreSession(bind=self._writer, expire_on_commit=False) as session:
            session.info[CAPTURE] = context
            with session.begin():
                yield session

    # -- schema ----------------------------------------------------------------------------------

    def revision(self) -> str | None:
        with self.engine.connect() as conn:
            return MigrationContext.configure(conn).get_current_revision()

    def needs_migration(self) -> bool:
        current = self.revision()
        script = ScriptDirectory.from_config(alembic_config())
        try:
            known = current is None or script.get_revision(current) is not None
        except (ResolutionError, CommandError):
            known = False
        if not known:
            raise NewerSchema(
                f"This store was written by a newer version of Early Help Desktop (schema {current}). "
                "Update the app on this laptop to open it; nothing has been changed."
            )
        return current != script.get_current_head()

    def migrate(self, backups: Path | None) -> Path | None:
        """Brings the schema to head; backs the encrypted file up first (unless it is brand new)."""
        backup = None
        current = self.revision()
        if current is not None and backups is not None:
            backup = self.backup(backups, f"before-{head_revision()}")
        config = alembic_config()
        with self._writer.begin() as conn:
            config.attributes["connection"] = conn
            command.upgrade(config, "head")
        set_wal(self.connect)
        return backup

    # -- checks and backups ----------------------------------------------------------------------

    def quick_check(self, store_id: str) -> CheckReport:
        """What fits in the unlock budget: the key works, the schema is known, the store is this one."""
        problems = []
        with self.engine.connect() as conn:
            found = conn.execute(text("SELECT value FROM meta WHERE key = 'store_id'")).scalar()
        mode = pragma(self.connect, "PRAGMA journal_mode")[0][0]
        if found != store_id:
            problems.append("the database does not belong to this key-slot file")
        if str(mode).lower() != "wal":
            problems.append(f"journal mode is {mode}, not WAL")
        return CheckReport(not problems, "quick", tuple(problems))

    def full_check(self) -> CheckReport:
        """Every page's HMAC and SQLite's own integrity check: minutes on a big store, run in background."""
        problems: list[str] = []
        try:
            problems += [str(r[0]) for r in pragma(self.connect, "PRAGMA cipher_integrity_check")]
            result = [str(r[0]) for r in pragma(self.connect, "PRAGMA integrity_check")]
            if result != ["ok"]:
                problems += result
        except (DatabaseError, OperationalError, sqlcipher3.dbapi2.Error) as exc:
            problems.append(f"could not read the store: {getattr(exc, 'orig', exc)}")
        return CheckReport(not problems, "full", tuple(problems))

    def checkpoint(self) -> None:
        pragma(self.connect, "PRAGMA wal_checkpoint(TRUNCATE)")

    def backup(self, folder: Path, label: str) -> Path:
        """An encrypted copy of the database (the file is copied as it is on disk: ciphertext)."""
        private_dir(folder)
        stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
        target = folder / f"store-{stamp}-{label}.db"
        self.checkpoint()
        with self._writer.begin():  # BEGIN IMMEDIATE: no writer may change the file while it is copied
            shutil.copyfile(self.path, target)
        for old in sorted(folder.glob("store-*.db"))[:-KEEP_BACKUPS]:
            old.unlink()
        return target

    def rekey(self, new_key: bytes) -> None:
        """Re-encrypts every page under ``new_key`` (SQLCipher PRAGMA rekey)."""
        self.engine.dispose()
        self.checkpoint()
        connection = self.connect()  # one connection: journal mode and rekey must be on the same one
        try:
            connection.execute("PRAGMA journal_mode = DELETE").fetchall()
            connection.execute(f"PRAGMA rekey = \"x'{new_key.hex()}'\"").fetchall()
        finally:
            connection.close()

    def dispose(self) -> None:
        self.engine.dispose()


def corrupt(path: Path, exc: Exception) -> CorruptStore:
    return CorruptStore(
        f"The store at {path.parent} cannot be read ({exc}). It may be damaged: ask your supervisor to "
        "restore the latest backup. Nothing has been changed."
    )
