"""Gives freed memory back to the operating system while the app is idle (glibc on Linux).

Opening families and searching make and drop many short-lived objects; glibc keeps the freed pages in the
process, so its footprint only grows on a laptop shared with a browser and Teams. ``malloc_trim`` returns
them (a few milliseconds, on the database worker, at most once a second). Elsewhere it does nothing.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import sys
import threading
import time
from collections.abc import Callable


def _trimmer() -> Callable[[], object] | None:
    if not sys.platform.startswith("linux"):
        return None
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        trim = libc.malloc_trim
    except (OSError, AttributeError):  # not glibc (musl has no malloc_trim)
        return None
    trim.argtypes = [ctypes.c_size_t]
    return lambda: trim(0)


class MemoryReturner:
    """Call ``idle()`` when background work has drained; it trims on ``run`` at most once per interval."""

    def __init__(self, run: Callable[[Callable[[], object]], object], interval: float = 1.0) -> None:
        self._run = run
        self._trim = _trimmer()
        self._interval = interval
        self._last = 0.0
        self._lock = threading.Lock()

    def idle(self) -> None:
        if self._trim is None:
            return
        with self._lock:
            now = time.monotonic()
            if now - self._last < self._interval:
                return
            self._last = now
        self._run(self._trim)
