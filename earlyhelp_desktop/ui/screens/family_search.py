"""Search as you type, kept apart from the screen that shows it.

Each keystroke asks the database worker for the first rows a screen shows (``FIRST``); while one
search runs, later keystrokes wait as a single pending search, so typing never queues stale work.
Answers are remembered until anything changes, so Backspace is instant, and while nobody types the
worker quietly answers the one-letter searches in advance (a first letter matches thousands of
families and is the slowest search). The whole result, for scrolling and the count, is fetched once
typing pauses.
"""

from __future__ import annotations

import string
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import replace
from typing import Any

from PySide6.QtCore import QObject, QTimer, Signal

from earlyhelp_desktop.core.services.families import FamilyFilter, FamilySummary
from earlyhelp_desktop.ui.context import UiContext

FIRST = 20  # rows fetched with each keystroke: more than a 1366x768 screen shows (about 14)
COUNT_AFTER_MS = 200  # the whole result once typing pauses this long
PREFETCH_AFTER_MS = 400  # answering one-letter searches in advance starts after this pause
KEEP = 64  # answers remembered

Answer = tuple[list[str], list[FamilySummary]]


class FamilySearch(QObject):
    shown = Signal(object, object, object)  # filter, ids (the first rows' or all), first rows
    counted = Signal(object, object)  # filter, every id
    failed = Signal(object)  # the error

    def __init__(self, ctx: UiContext, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.latest: FamilyFilter | None = None
        self.current: FamilyFilter | None = None  # what the list shows
        self._running = False
        self._pending: FamilyFilter | None = None
        self._answers: OrderedDict[FamilyFilter, Answer] = OrderedDict()
        self._letters: list[str] = []
        self._letters_for: FamilyFilter | None = None  # the filters the one-letter answers were made for
        self._count = self._timer(COUNT_AFTER_MS, self._count_all)
        self._prefetch = self._timer(PREFETCH_AFTER_MS, self._prefetch_next)
        ctx.changed.connect(lambda _changes: self.forget())

    def _timer(self, ms: int, slot: Callable[[], None]) -> QTimer:
        timer = QTimer(self)
        timer.setSingleShot(True)
        timer.setInterval(ms)
        timer.timeout.connect(slot)
        return timer

    # -- asking --------------------------------------------------------------------------------------

    def ask(self, flt: FamilyFilter) -> None:
        self.latest = flt
        self._count.stop()
        self._prefetch.stop()
        answer = self._answers.get(flt)
        if answer is not None:
            self._answers.move_to_end(flt)
            self._show(flt, answer)
        elif self._running:
            self._pending = flt
        else:
            self._run(flt)

    def forget(self) -> None:
        """Something changed: remembered answers may be wrong now."""
        self._answers.clear()
        self._letters = []
        self._letters_for = None

    def _run(self, flt: FamilyFilter) -> None:
        self._running = True

        def work(services: Any) -> tuple[FamilyFilter, Answer]:
            ids = services.families.find_ids(flt, limit=FIRST + 1)
            return flt, (ids, services.families.summaries(ids[:FIRST]))

        self.ctx.call(work, self._answered, self._failed, owner=self)

    def _answered(self, result: tuple[FamilyFilter, Answer]) -> None:
        self._running = False
        flt, answer = result
        self._remember(flt, answer)
        pending, self._pending = self._pending, None
        if pending is not None and pending != flt:
            self.ask(pending)
        elif flt == self.latest:
            self._show(flt, answer)
        else:
            self._prefetch_next()  # a one-letter answer made in advance: on to the next letter

    def _remember(self, flt: FamilyFilter, answer: Answer) -> None:
        self._answers[flt] = answer
        self._answers.move_to_end(flt)
        while len(self._answers) > KEEP:
            self._answers.popitem(last=False)

    def _show(self, flt: FamilyFilter, answer: Answer) -> None:
        ids, rows = answer
        self.current = flt
        self.shown.emit(flt, ids[:FIRST], rows)
        if len(ids) > FIRST:
            self._count.start()
        else:
            self._prefetch.start()

    def _failed(self, error: BaseException) -> None:
        self._running = False
        self._pending = None
        self.failed.emit(error)

    # -- while nobody types --------------------------------------------------------------------------

    def _count_all(self) -> None:
        flt = self.current
        if flt is None or self._running or self._pending is not None:
            return

        def done(ids: list[str]) -> None:
            if flt == self.current and not self._running:
                self.counted.emit(flt, ids)
            self._prefetch.start()

        self.ctx.call(lambda s: s.families.find_ids(flt), done, self._failed, owner=self)

    def _prefetch_next(self) -> None:
        if self._running or self._pending is not None or self.current is None:
            return
        base = replace(self.current, text="")
        if base != self._letters_for:  # once per set of filters: never round and round the cache
            self._letters_for = base
            self._letters = list(string.ascii_lowercase)
        while self._letters:
            flt = replace(base, text=self._letters.pop(0))
            if flt not in self._answers:
                self._run(flt)  # its answer is remembered; the list is not touched
                return
