"""Admitting a signed request: its counter taken (replay protection that needs no clock), the device as it
is now and the person's account read, in one statement; and noting a laptop's pulls.

A push on PostgreSQL sends ``ADMIT_WITH_ACCOUNT`` with its own reads, in its own transaction
(``ServerStore.admit_and_push``); every other request is admitted alone (``admit``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection

from sync.server import db
from sync.server.accounts import now_ms


@dataclass(frozen=True, slots=True)
class Admitted:
    """What one signed request found: the device now, a replayed counter, the person's account."""

    device: db.Record | None
    last_counter: int | None
    account: db.Record | None


_DEVICE_COLUMNS = [c.name for c in db.devices.c]
_ACCOUNT_COLUMNS = ("user_id", "role", "hub_id", "active")
ADMIT = (
    "UPDATE devices SET counter = :counter, last_seen_ms = :now WHERE device_id = :device "
    f"AND counter < :counter RETURNING {', '.join(_DEVICE_COLUMNS)}"
)
DEVICE = f"SELECT {', '.join(_DEVICE_COLUMNS)} FROM devices WHERE device_id = :device"
ACCOUNT = f"SELECT {', '.join(_ACCOUNT_COLUMNS)} FROM accounts WHERE user_id = :user"
ADMIT_WITH_ACCOUNT = (  # PostgreSQL: the device's row as ADMIT returns it, then the account's columns
    f"WITH d AS ({ADMIT}) SELECT d.*, "
    + ", ".join(f"a.{name} AS account_{name}" for name in _ACCOUNT_COLUMNS)
    + " FROM d LEFT JOIN accounts a ON a.user_id = :user"
)
_ADMITTED_COLUMNS = [*_DEVICE_COLUMNS, *(f"account_{name}" for name in _ACCOUNT_COLUMNS)]

_NOTE_PULL = "UPDATE devices SET pending = :pending, last_seen_ms = :now WHERE device_id = :device"
_NOTE_SYNC = (
    "UPDATE devices SET pending = :pending, last_seen_ms = :now, last_sync_ms = :now "
    "WHERE device_id = :device"
)


def values(device_id: str, counter: int, user_id: str | None) -> dict[str, Any]:
    """The parameters of ``ADMIT`` and ``ADMIT_WITH_ACCOUNT``."""
    return {"counter": counter, "now": now_ms(), "device": device_id, "user": user_id}


def admit(conn: Connection, device_id: str, counter: int, user_id: str | None) -> Admitted:
    """Records the request's counter and reads the device and the account.

    ``last_counter`` is set when the counter was seen before (a replay); the account is then not read.
    The device row is as it is now, so a revoke or retire made by another server process is seen at once.
    """
    asked = values(device_id, counter, user_id)  # the counter moves in one atomic statement
    if db.is_postgres(conn):  # with the account, in the same statement
        moved = db.run(conn, ADMIT_WITH_ACCOUNT, asked)
        return admitted(moved[0]) if moved else not_admitted(conn, device_id)
    found = db.run_records(conn, ADMIT, asked)
    if not found:
        return not_admitted(conn, device_id)
    account = db.run_records(conn, ACCOUNT, {"user": user_id}) if user_id else []
    return Admitted(found[0], None, account[0] if account else None)


def admitted(row: tuple[Any, ...]) -> Admitted:
    """A row of ``ADMIT_WITH_ACCOUNT``: the device and the account (none when no account matched)."""
    named = dict(zip(_ADMITTED_COLUMNS, row, strict=True))
    account = {name: named.pop(f"account_{name}") for name in _ACCOUNT_COLUMNS}
    return Admitted(named, None, account if account["user_id"] is not None else None)


def not_admitted(conn: Connection, device_id: str) -> Admitted:
    """A counter seen before (a replay), or no such device: refused before any account is looked at."""
    device = db.run_records(conn, DEVICE, {"device": device_id})
    return Admitted(device[0] if device else None, int(device[0]["counter"]) if device else 0, None)


def note(device_id: str, pending: int, at_head: bool) -> tuple[str, dict[str, Any]]:
    """The statement recording a laptop's pull: when, how many ops it had still to send and, when the pull
    reached the head, that it synced."""
    return _NOTE_SYNC if at_head else _NOTE_PULL, {"pending": pending, "now": now_ms(), "device": device_id}
