"""Background work: one single-worker executor owns the database; sync runs in its own worker.

The sync worker also takes the few slow, non-interactive reads (the counts beside the navigation,
which take a second on a cold 20,000-family hub), so they never hold up a keystroke's search.

Screens never call a service on the GUI thread. They hand a function to ``Tasks.db`` (or ``Tasks.sync``)
and receive its result, or its error, back on the GUI thread through a Qt signal, so no widget is ever
touched from a worker. A result whose owner widget has gone (the screen was closed) is dropped.

Model: Anki's ``aqt/taskman.py`` and ``QueryOp(...).success(...)``.
"""

from __future__ import annotations

import contextlib
import itertools
import logging
import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

import shiboken6
from PySide6.QtCore import QObject, Qt, Signal

from earlyhelp_desktop.core.errors import EarlyHelpError
from earlyhelp_desktop.ui.memory import MemoryReturner

log = logging.getLogger(__name__)

Done = Callable[[Any], None]
Failed = Callable[[BaseException], None]


def describe(error: BaseException) -> str:
    """A message fit to show a person: ours say what to do; anything else says nothing was half-saved."""
    if isinstance(error, EarlyHelpError):
        return str(error)
    return (
        f"Something went wrong ({type(error).__name__}). Nothing half-done was saved. "
        "Try again; if it keeps happening, tell your supervisor."
    )


@dataclass
class Job:
    """A piece of work handed to a worker. ``cancel()`` stops its result being delivered."""

    future: Future[Any]
    on_done: Done | None
    on_error: Failed | None
    owner: QObject | None
    cancelled: bool = False

    def cancel(self) -> None:
        self.cancelled = True
        self.future.cancel()

    def done(self) -> bool:
        return self.future.done()


class Tasks(QObject):
    """The two workers. ``failed`` carries a message for work that had no error handler of its own."""

    failed = Signal(str)
    busy_changed = Signal(bool)
    _finished = Signal(int)  # a job number: the job itself stays in ``_jobs``, never passes through Qt

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._db = ThreadPoolExecutor(max_workers=1, thread_name_prefix="earlyhelp-db")
        self._sync = ThreadPoolExecutor(max_workers=1, thread_name_prefix="earlyhelp-sync")
        self._pending = 0
        self._jobs: dict[int, Job] = {}
        self._numbers = itertools.count(1)
        self._lock = threading.Lock()
        self._closed = False
        # Always queued: a job that is already done when its callback is added would otherwise be
        # delivered at once, inside the caller, before the caller has finished setting up.
        self._finished.connect(self._deliver, Qt.ConnectionType.QueuedConnection)
        self._memory = MemoryReturner(self._quietly)

    # -- submitting --------------------------------------------------------------------------------

    def db(
        self,
        fn: Callable[[], Any],
        on_done: Done | None = None,
        on_error: Failed | None = None,
        *,
        owner: QObject | None = None,
    ) -> Job:
        """Runs ``fn`` on the database worker (first in, first out)."""
        return self._submit(self._db, fn, on_done, on_error, owner)

    def sync(
        self,
        fn: Callable[[], Any],
        on_done: Done | None = None,
        on_error: Failed | None = None,
        *,
        owner: QObject | None = None,
    ) -> Job:
        """Runs ``fn`` on the sync worker, so a slow network never holds up the database worker."""
        return self._submit(self._sync, fn, on_done, on_error, owner)

    def slow(
        self,
        fn: Callable[[], Any],
        on_done: Done | None = None,
        on_error: Failed | None = None,
        *,
        owner: QObject | None = None,
    ) -> Job:
        """Runs a slow read that no one is waiting for (counts) on the second worker, beside sync."""
        return self._submit(self._sync, fn, on_done, on_error, owner)

    def _submit(
        self,
        pool: ThreadPoolExecutor,
        fn: Callable[[], Any],
        on_done: Done | None,
        on_error: Failed | None,
        owner: QObject | None,
    ) -> Job:
        if self._closed:  # the app is closing: late timers' work is dropped, quietly
            dropped: Future[Any] = Future()
            dropped.cancel()
            return Job(dropped, on_done, on_error, owner, cancelled=True)
        number = next(self._numbers)
        with self._lock:
            self._pending += 1
            first = self._pending == 1
            future = pool.submit(fn)
            job = Job(future, on_done, on_error, owner)
            self._jobs[number] = job
        if first:
            self.busy_changed.emit(True)
        # Called on the worker thread: the signal queues the job's number to the GUI thread. Only a plain
        # int crosses threads (Python objects in queued signals are where PySide's reference counting has
        # slipped), and never on a Tasks whose Qt object has gone (the app closing with work running).
        future.add_done_callback(lambda _f: self._finished.emit(number) if shiboken6.isValid(self) else None)
        return job

    # -- delivering (GUI thread) -------------------------------------------------------------------

    def _deliver(self, number: int) -> None:
        with self._lock:
            job = self._jobs.pop(number, None)
            if job is None:
                return
            self._pending -= 1
            idle = self._pending == 0
        try:
            if job.cancelled or job.future.cancelled():
                return
            if job.owner is not None and not shiboken6.isValid(job.owner):
                return
            error = job.future.exception()
            if error is None:
                if job.on_done is not None:
                    job.on_done(job.future.result())
                return
            if not isinstance(error, EarlyHelpError):
                # Only the type: messages of unexpected errors may hold a person's details.
                log.error("background work failed: %s", type(error).__name__)
            if job.on_error is not None:
                job.on_error(error)
            else:
                self.failed.emit(describe(error))
        finally:
            if idle:
                self.busy_changed.emit(False)
                self._memory.idle()

    def _quietly(self, fn: Callable[[], object]) -> None:
        """Housekeeping on the database worker: not counted as work, nothing delivered."""
        if not self._closed:
            with contextlib.suppress(RuntimeError):  # the worker has stopped: nothing to tidy
                self._db.submit(fn)

    @property
    def busy(self) -> bool:
        return self._pending > 0

    def wait_for_sync(self, timeout: float = 60.0) -> None:
        """Blocks (on a worker) until sync work already running has finished: locking waits for it."""
        if self._closed:
            return
        try:
            self._sync.submit(lambda: None).result(timeout=timeout)
        except Exception:  # noqa: BLE001 - a sync that does not stop in time is left to fail on its own
            log.warning("a sync did not stop within %s s of locking", timeout)

    def run_now(self, fn: Callable[[], Any]) -> Any:
        """Runs ``fn`` on the database worker and waits for it (closing the app, benchmarks)."""
        return self._db.submit(fn).result()

    def shutdown(self) -> None:
        """Finishes queued database work (a lock, a last save) and stops both workers.

        A sync still running is waited for (it stops at its next safe point once cancelled, see
        ``SyncController.cancel``); sync work not yet started is dropped."""
        self._closed = True
        self._sync.shutdown(wait=True, cancel_futures=True)
        self._db.shutdown(wait=True)
