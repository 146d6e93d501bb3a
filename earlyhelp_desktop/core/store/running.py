"""Detects an unclean shutdown: each open store holds a locked marker file until it closes cleanly.

A marker that nobody holds a lock on belongs to a process that died (a crash, a power cut, a kill):
the next open runs a full integrity check. Works with file locks on POSIX and Windows, never with pids.
"""

from __future__ import annotations

import contextlib
import os
import sys
from pathlib import Path
from typing import IO

from earlyhelp_desktop.core.fileio import private_dir

if sys.platform == "win32":
    import msvcrt

    def _try_lock(handle: IO[bytes]) -> bool:
        try:
            msvcrt.locking(handle.fileno(), msvcrt.LK_NBLCK, 1)
        except OSError:
            return False
        return True

    def _unlock(handle: IO[bytes]) -> None:
        with contextlib.suppress(OSError):
            msvcrt.locking(handle.fileno(), msvcrt.LK_UNLCK, 1)

else:
    import fcntl

    def _try_lock(handle: IO[bytes]) -> bool:
        try:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            return False
        return True

    def _unlock(handle: IO[bytes]) -> None:
        with contextlib.suppress(OSError):
            fcntl.flock(handle.fileno(), fcntl.LOCK_UN)


class RunningMarker:
    """This process's marker in ``<store>/running/``."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory / "running"
        self._handle: IO[bytes] | None = None
        self._path: Path | None = None

    def stale_markers(self) -> list[Path]:
        """Markers left by processes that did not close the store cleanly."""
        if not self.directory.exists():
            return []
        stale = []
        for path in self.directory.glob("*.open"):
            if path == self._path:
                continue
            try:
                with open(path, "r+b") as handle:
                    if _try_lock(handle):
                        _unlock(handle)
                        stale.append(path)
            except OSError:
                continue
        return stale

    def acquire(self) -> None:
        private_dir(self.directory)
        self._path = self.directory / f"{os.urandom(6).hex()}.open"
        handle = open(self._path, "w+b")  # noqa: SIM115 - held open (locked) until release()
        handle.write(b"\0")
        handle.flush()
        _try_lock(handle)
        self._handle = handle

    def release(self) -> None:
        if self._handle is not None:
            _unlock(self._handle)
            self._handle.close()
            self._handle = None
        if self._path is not None:
            with contextlib.suppress(OSError):
                self._path.unlink()
            self._path = None

    @staticmethod
    def clear(paths: list[Path]) -> None:
        for path in paths:
            with contextlib.suppress(OSError):
                path.unlink()
