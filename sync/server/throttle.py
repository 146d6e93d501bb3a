"""A growing wait after wrong passwords at online login and enrolment, kept in the database.

Failures are counted per name typed (known or not, so the answer never tells which names exist), per
laptop and per enrolment code. The first ``FREE_TRIES`` - 1 cost nothing; then the wait starts at
``FIRST_WAIT_S`` and doubles with each further failure, up to ``LONGEST_WAIT_S``. While a wait runs,
attempts are refused before any password is checked. A right password clears the counts. Nothing is ever
disabled: the wait always ends.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import Connection, delete, insert, select, update

from sync.server import db

FREE_TRIES = 5
FIRST_WAIT_S = 30
LONGEST_WAIT_S = 15 * 60


def wait_after(failures: int) -> int:
    """Seconds to wait after ``failures`` wrong passwords in a row."""
    if failures < FREE_TRIES:
        return 0
    return int(min(FIRST_WAIT_S * 2 ** (failures - FREE_TRIES), LONGEST_WAIT_S))


def name_key(username: str) -> str:
    return "name:" + username.strip().casefold()[:100]


def seconds_to_wait(conn: Connection, keys: Iterable[str], now_ms: int) -> int:
    until = conn.execute(
        select(db.login_throttle.c.wait_until_ms).where(db.login_throttle.c.key.in_(list(keys)))
    ).scalars()
    latest = max(until, default=0)
    return max(0, -(-(latest - now_ms) // 1000))


def record_failure(conn: Connection, keys: Iterable[str], now_ms: int) -> None:
    for key in sorted(set(keys)):
        failures = conn.execute(
            select(db.login_throttle.c.failures).where(db.login_throttle.c.key == key)
        ).scalar()
        count = (failures or 0) + 1
        values = {"failures": count, "wait_until_ms": now_ms + 1000 * wait_after(count)}
        if failures is None:
            conn.execute(insert(db.login_throttle).values(key=key, **values))
        else:
            conn.execute(update(db.login_throttle).where(db.login_throttle.c.key == key).values(**values))


def clear(conn: Connection, keys: Iterable[str]) -> None:
    conn.execute(delete(db.login_throttle).where(db.login_throttle.c.key.in_(list(keys))))


def in_words(seconds: int) -> str:
    if seconds < 90:
        return f"{seconds} second{'s' if seconds != 1 else ''}"
    minutes = -(-seconds // 60)
    return f"{minutes} minutes"
