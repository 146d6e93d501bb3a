"""How the printing dialogs hand work to a worker and get the answer back on the GUI thread.

A *runner* has the signature of ``Tasks.db``: ``runner(fn, on_done, on_error)``. In the app, pass the
database worker (``ctx.tasks.db``); tests use ``ThreadRunner``, which runs each job on a thread of its
own and delivers the result through a queued Qt signal, exactly as the app's workers do.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, Signal

from earlyhelp_desktop.core.errors import EarlyHelpError

Done = Callable[[Any], None]
Failed = Callable[[BaseException], None]
Runner = Callable[[Callable[[], Any], Done, Failed], object]


def describe(error: BaseException) -> str:
    """A message for a person: ours say what to do; anything else says nothing was half-done."""
    if isinstance(error, EarlyHelpError):
        return str(error)
    if isinstance(error, OSError):
        reason = error.strerror or str(error)
        return f"The printer or disk reported a problem ({reason}). Nothing was printed or recorded."
    return f"Something went wrong ({type(error).__name__}). Nothing was printed or recorded. Try again."


class ThreadRunner(QObject):
    """Runs each job on its own thread; results come back on the GUI thread."""

    _finished = Signal(object, object)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._threads: list[threading.Thread] = []
        self._finished.connect(self._deliver)

    def __call__(self, fn: Callable[[], Any], on_done: Done, on_error: Failed) -> threading.Thread:
        def work() -> None:
            try:
                value = fn()
            except BaseException as exc:  # noqa: BLE001 - handed to on_error on the GUI thread
                self._finished.emit(on_error, exc)
            else:
                self._finished.emit(on_done, value)

        thread = threading.Thread(target=work, name="earlyhelp-print", daemon=True)
        self._threads.append(thread)
        thread.start()
        return thread

    def _deliver(self, callback: Callable[[Any], None], value: Any) -> None:
        callback(value)

    def wait(self, timeout: float = 30) -> None:
        for thread in self._threads:
            thread.join(timeout)
