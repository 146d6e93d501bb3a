"""The privacy lock: after a spell with no key press or mouse use, the app locks itself; Ctrl+L locks
at once from any window (an application-wide filter, because a shortcut of the main window does not
fire while a dialog is open over it)."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QApplication

DEFAULT_MINUTES = 10
_ACTIVITY = {
    QEvent.Type.KeyPress,
    QEvent.Type.MouseButtonPress,
    QEvent.Type.MouseMove,
    QEvent.Type.Wheel,
    QEvent.Type.TouchBegin,
}


class IdleWatcher(QObject):
    """Emits ``idle`` once after ``timeout_ms`` without activity anywhere in the app."""

    idle = Signal()
    lock_key = Signal()  # Ctrl+L, in any window, even with a form open in a dialog

    def __init__(self, timeout_ms: int, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(max(1, timeout_ms))
        self._timer.timeout.connect(self.idle)
        self._running = False

    def start(self) -> None:
        app = QApplication.instance()
        if app is not None and not self._running:
            app.installEventFilter(self)
        self._running = True
        self._timer.start()

    def stop(self) -> None:
        app = QApplication.instance()
        if app is not None and self._running:
            app.removeEventFilter(self)
        self._running = False
        self._timer.stop()

    @property
    def remaining_ms(self) -> int:
        return self._timer.remainingTime()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt's name)
        if not self._running:
            return False
        kind = event.type()
        if kind in _ACTIVITY:
            self._timer.start()
        if kind == QEvent.Type.KeyPress and isinstance(event, QKeyEvent) and _is_lock_key(event):
            self.lock_key.emit()
            return True
        return False


def _is_lock_key(event: QKeyEvent) -> bool:
    mods = event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier
    return event.key() == Qt.Key.Key_L and mods == Qt.KeyboardModifier.ControlModifier
