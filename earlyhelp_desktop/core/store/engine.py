"""The SQLCipher 4 engine: a raw 256-bit key, WAL, no plaintext temp files."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import sqlcipher3
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.pool import QueuePool

CACHE_KIB = 32 * 1024  # per connection: search stays fast, the app stays under 300 MB


def _pragmas(connection: Any, key: bytes | None) -> None:
    cursor = connection.cursor()
    try:
        cursor.execute("PRAGMA cipher_log_level = NONE")  # SQLCipher must not write to stderr
        if key is not None:
            # A raw key (x'...'): no PBKDF2 per connection. Never logged, never in a URL.
            cursor.execute(f"PRAGMA key = \"x'{key.hex()}'\"")
            cursor.execute("PRAGMA cipher_compatibility = 4")
        cursor.execute("PRAGMA busy_timeout = 10000")
        cursor.execute("PRAGMA temp_store = MEMORY")  # sorts and temp tables never touch the disk
        cursor.execute(f"PRAGMA cache_size = -{CACHE_KIB}")
        cursor.execute("PRAGMA synchronous = NORMAL")  # with WAL: durable at checkpoints, never corrupt
    finally:
        cursor.close()


def connector(path: Path, key: bytes | None) -> Callable[[], Any]:
    """A function that opens one keyed DBAPI connection to ``path``."""
    if not path.exists():
        # SQLite gives -wal and -shm files the main file's permissions: owner only.
        os.close(os.open(path, os.O_CREAT | os.O_WRONLY, 0o600))

    def connect() -> Any:
        connection = sqlcipher3.dbapi2.connect(str(path), check_same_thread=False, isolation_level=None)
        _pragmas(connection, key)
        return connection

    return connect


def make_engine(connect: Callable[[], Any], *, pool_size: int = 2) -> Engine:
    """An engine on keyed connections from ``connect`` (see ``connector``)."""
    engine = create_engine(
        "sqlite://",
        creator=connect,
        module=sqlcipher3.dbapi2,
        poolclass=QueuePool,
        pool_size=pool_size,
        max_overflow=4,
    )

    # pysqlite's own transaction handling is off (isolation_level=None); we emit BEGIN ourselves, so a
    # transaction starts where the session begins (SQLAlchemy's documented pysqlite recipe). Writers take
    # the write lock up front (BEGIN IMMEDIATE): no deadlock when two processes share a store.
    @event.listens_for(engine, "begin")
    def _begin(conn: Any) -> None:
        immediate = conn.get_execution_options().get("sqlite_immediate")
        conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")

    return engine


def pragma(connect: Callable[[], Any], sql: str) -> list[tuple[Any, ...]]:
    """Runs a PRAGMA on a fresh connection of its own, outside any transaction (checkpoints, journal
    mode, integrity checks, rekey): pooled connections may hold statements that would block it."""
    connection = connect()
    try:
        return [tuple(row) for row in connection.execute(sql).fetchall()]
    finally:
        connection.close()


def set_wal(connect: Callable[[], Any]) -> None:
    mode = pragma(connect, "PRAGMA journal_mode = WAL")[0][0]
    if str(mode).lower() != "wal":
        raise RuntimeError(f"could not switch the store to WAL (got {mode!r})")
