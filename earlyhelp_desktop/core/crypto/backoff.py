"""A persisted, growing wait after wrong passwords. It never disables a slot and never deletes."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from pathlib import Path

from earlyhelp_desktop.core.fileio import atomic_write

FREE_ATTEMPTS = 3
SCHEDULE = (5, 15, 30, 60, 120, 300, 600, 900)  # seconds after the 4th, 5th... wrong password


def wait_after(failures: int) -> int:
    if failures <= FREE_ATTEMPTS:
        return 0
    return SCHEDULE[min(failures - FREE_ATTEMPTS - 1, len(SCHEDULE) - 1)]


class Backoff:
    """Per-person failure counts in ``unlock-state.json`` beside the slots (no personal data)."""

    def __init__(self, path: Path, clock: Callable[[], float] = time.time) -> None:
        self._path = path
        self._clock = clock

    def _read(self) -> dict[str, dict[str, float]]:
        try:
            data = json.loads(self._path.read_bytes())
            return data if isinstance(data, dict) else {}
        except (OSError, ValueError):
            return {}

    def remaining(self, key: str) -> int:
        """Seconds this person must still wait before trying again (0: go ahead)."""
        entry = self._read().get(key)
        if not entry:
            return 0
        return max(0, int(entry.get("not_before", 0) - self._clock() + 0.999))

    def failed(self, key: str) -> int:
        """Records a wrong password; returns the wait now in force."""
        data = self._read()
        entry = data.get(key, {})
        failures = int(entry.get("failures", 0)) + 1
        wait = wait_after(failures)
        data[key] = {"failures": failures, "not_before": self._clock() + wait}
        atomic_write(self._path, json.dumps(data).encode())
        return wait

    def succeeded(self, key: str) -> None:
        data = self._read()
        if key in data:
            del data[key]
            atomic_write(self._path, json.dumps(data).encode())
