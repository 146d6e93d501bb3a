"""Small building blocks every screen uses: buttons of a kind, headings, hints and banners."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import (
    QApplication,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLayout,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

BASE_POINTS = 10.0  # the size the layouts were drawn at; bigger text (up to 200% and more) scales them


def scaled(pixels: int) -> int:
    """A width drawn for 10-point text, scaled to the app's text size (people who need text bigger)."""
    points = QApplication.font().pointSizeF()
    return round(pixels * max(points, BASE_POINTS) / BASE_POINTS)


def sized(widget: QLabel, factor: float) -> QLabel:
    """Text ``factor`` times the app's size (titles, headings), so they grow with it."""
    font = widget.font()
    font.setPointSizeF(QApplication.font().pointSizeF() * factor)
    font.setBold(True)
    widget.setFont(font)
    return widget


def button(
    text: str,
    kind: str = "primary",
    *,
    shortcut: str | QKeySequence | QKeySequence.StandardKey | None = None,
    name: str | None = None,
    parent: QWidget | None = None,
) -> QPushButton:
    """A button; ``kind`` is primary, secondary, warning, link or nav. The shortcut goes in the tooltip."""
    widget = QPushButton(text, parent)
    widget.setProperty("kind", kind)
    widget.setAccessibleName(text.replace("&", ""))
    widget.setAutoDefault(False)
    if name:
        widget.setObjectName(name)
    if shortcut is not None:
        sequence = QKeySequence(shortcut)
        widget.setShortcut(sequence)
        readable = sequence.toString(QKeySequence.SequenceFormat.NativeText)
        widget.setToolTip(f"{text.replace('&', '')} ({readable})")
    if kind == "link":
        widget.setCursor(Qt.CursorShape.PointingHandCursor)
        widget.setSizePolicy(QSizePolicy.Policy.Maximum, QSizePolicy.Policy.Fixed)
    return widget


def label(text: str = "", role: str | None = None, *, wrap: bool = True, name: str | None = None) -> QLabel:
    widget = QLabel(text)
    if role:
        widget.setProperty("role", role)
    widget.setWordWrap(wrap)
    widget.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    if name:
        widget.setObjectName(name)
    return widget


def title(text: str) -> QLabel:
    widget = sized(label(text, "title"), 1.8)
    widget.setAccessibleName(text)
    return widget


def heading(text: str) -> QLabel:
    widget = sized(label(text, "heading"), 1.3)
    widget.setAccessibleName(text)
    return widget


def hint(text: str) -> QLabel:
    return label(text, "hint")


class Banner(QFrame):
    """A calm message: notice (blue), warning (red), success (green) or demo. Words say which."""

    PREFIX = {"notice": "", "warning": "Warning: ", "success": "Done: ", "demo": ""}

    def __init__(self, kind: str = "notice", text: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setProperty("role", kind)
        self.kind = kind
        layout = QHBoxLayout(self)
        layout.setContentsMargins(12, 8, 12, 8)
        self.text_label = label("")
        self.text_label.setObjectName("bannerText")
        layout.addWidget(self.text_label, 1)
        self.buttons = QHBoxLayout()
        layout.addLayout(self.buttons)
        self.set_text(text)

    def set_text(self, text: str, kind: str | None = None) -> None:
        if kind and kind != self.kind:
            self.kind = kind
            self.setProperty("role", kind)
            self.style().unpolish(self)
            self.style().polish(self)
        full = f"{self.PREFIX.get(self.kind, '')}{text}" if text else ""
        self.text_label.setText(full)
        self.setAccessibleName(full)
        self.setVisible(bool(text))

    def text(self) -> str:
        return self.text_label.text()


def vbox(parent: QWidget | None = None, margins: int = 0, spacing: int = 8) -> QVBoxLayout:
    layout = QVBoxLayout(parent) if parent is not None else QVBoxLayout()
    layout.setContentsMargins(margins, margins, margins, margins)
    layout.setSpacing(spacing)
    return layout


def hbox(parent: QWidget | None = None, margins: int = 0, spacing: int = 8) -> QHBoxLayout:
    layout = QHBoxLayout(parent) if parent is not None else QHBoxLayout()
    layout.setContentsMargins(margins, margins, margins, margins)
    layout.setSpacing(spacing)
    return layout


def repolish(widget: QWidget) -> None:
    """Re-applies the style sheet after a dynamic property (``invalid``, ``kind``) changed."""
    widget.style().unpolish(widget)
    widget.style().polish(widget)


def clear_layout(layout: QLayout) -> None:
    """Removes and deletes every widget in ``layout`` (rebuilt lists such as flags)."""
    while layout.count():
        item = layout.takeAt(0)
        widget = item.widget() if item is not None else None
        if widget is not None:
            widget.deleteLater()


def start_page(window: QWidget) -> QHBoxLayout:
    """The centred column of the unlock and first-run screens, inside a scroll area so the whole form
    stays reachable on a 1366x768 screen and at 200% text size. Returns the row to put the column in."""
    window.setObjectName("startPage")
    outer = vbox(window)
    scroll = QScrollArea()
    scroll.setWidgetResizable(True)
    scroll.setFrameShape(QFrame.Shape.NoFrame)
    body = QWidget()
    scroll.setWidget(body)
    outer.addWidget(scroll)
    row = hbox(body, margins=24)
    row.addStretch(1)
    return row
