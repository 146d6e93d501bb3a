"""Cyclic garbage is collected on the GUI thread only.

Python's collector runs on whichever thread happens to allocate when a threshold is crossed. If that is
the database worker and the garbage holds Qt wrappers (a closed dialog, a model kept alive by a lambda),
Qt objects are destroyed off their thread and the app can crash (seen once in the end-to-end test, the
worker "Garbage-collecting" while the GUI showed a file dialog). So automatic collection is switched
off and this timer, on the GUI thread, collects with the same thresholds Python would have used.
"""

from __future__ import annotations

import gc

from PySide6.QtCore import QObject, QTimer

NAME = "guiGarbageCollector"


class GuiCollector(QObject):
    def __init__(self, parent: QObject, interval_ms: int = 500) -> None:
        super().__init__(parent)
        self.setObjectName(NAME)
        self._threshold = gc.get_threshold()
        gc.disable()
        self._timer = QTimer(self)
        self._timer.timeout.connect(self.check)
        self._timer.start(interval_ms)

    def check(self) -> None:
        first, second, third = gc.get_count()
        if first > self._threshold[0]:
            gc.collect(0)
            if second > self._threshold[1]:
                gc.collect(1)
                if third > self._threshold[2]:
                    gc.collect(2)


def collect_on_gui_thread(app: QObject) -> None:
    """Installs the collector on the application once (calling again changes nothing)."""
    if app.findChild(GuiCollector, NAME) is None:
        GuiCollector(app)
