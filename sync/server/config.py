"""Server settings: every limit in one place, passed into the app and the store (no globals)."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

import platformdirs


def default_database_url() -> str:
    folder = Path(platformdirs.site_data_dir("earlyhelp-sync", appauthor=False))
    if not os.access(folder.parent if not folder.exists() else folder, os.W_OK):
        folder = Path(platformdirs.user_data_dir("earlyhelp-sync", appauthor=False))
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    return f"sqlite:///{folder / 'server.db'}"


def default_threads() -> int:
    """Request threads per server process: one per core this process may use, and at least two, so that
    pushes and pulls each have one (see ``create_app``'s lanes). Pushes take turns on the op counter row
    anyway, and more threads only queue for it and for the GIL: with 200 laptops syncing at once on 2
    cores (two processes), p95 was lower with 2 threads each than with 4 in eight of nine runs side by
    side (2.1-3.2 s against 2.5-4.0 s, as the machine's speed varied), and 8 or 16 were slower still."""
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        cores = os.cpu_count() or 2
    return max(2, cores)


@dataclass(frozen=True)
class PasswordCost:
    """Argon2id for staff passwords on the server (tests pass a cheap one explicitly)."""

    memory_kib: int = 64 * 1024
    iterations: int = 2
    lanes: int = 1


@dataclass(frozen=True)
class Settings:
    database_url: str
    token_seconds: int = 12 * 3600  # a working day: refreshed while in use, then log in online again
    clock_allowance_ms: int = 5 * 60 * 1000  # stamps further ahead than this are clamped, device flagged
    mass_delete_share: float = 0.10
    mass_delete_families: int = 20
    max_body_bytes: int = 8 * 1024 * 1024  # on the wire (compressed)
    max_json_bytes: int = 32 * 1024 * 1024  # once decompressed
    enrol_code_hours: int = 7 * 24
    threads: int = field(default_factory=default_threads)  # request threads per process
    password_cost: PasswordCost = field(default_factory=PasswordCost)

    @classmethod
    def from_env(cls, database_url: str) -> Settings:
        memory = os.environ.get("EARLYHELP_SYNC_PASSWORD_MEMORY_KIB")
        cost = PasswordCost(memory_kib=int(memory), iterations=1) if memory else PasswordCost()
        threads = os.environ.get("EARLYHELP_SYNC_THREADS")
        if threads is None:
            return cls(database_url=database_url, password_cost=cost)
        if not threads.isdigit() or not 1 <= int(threads) <= 256:
            raise ValueError(f"EARLYHELP_SYNC_THREADS must be a whole number from 1 to 256, not {threads!r}.")
        return cls(database_url=database_url, password_cost=cost, threads=int(threads))
