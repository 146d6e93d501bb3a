"""A date entered as day, month and year, after the GOV.UK date input pattern."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import Signal
from PySide6.QtGui import QIntValidator
from PySide6.QtWidgets import QLabel, QLineEdit, QVBoxLayout, QWidget

from earlyhelp_desktop.ui.widgets.common import hbox, repolish


class DateInput(QWidget):
    """Three boxes: Day, Month, Year. ``text()`` gives "27 3 2019" (what the services parse), or ""."""

    changed = Signal()

    def __init__(self, name: str = "Date", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = hbox(self, spacing=12)
        self.day = self._part(layout, "Day", 2, 4, name)
        self.month = self._part(layout, "Month", 2, 4, name)
        self.year = self._part(layout, "Year", 4, 6, name)
        layout.addStretch(1)
        self.setFocusProxy(self.day)
        self.setAccessibleName(name)

    def _part(self, layout: object, caption: str, digits: int, width_chars: int, name: str) -> QLineEdit:
        box = QVBoxLayout()
        box.setSpacing(2)
        label = QLabel(caption)
        edit = QLineEdit()
        edit.setMaxLength(digits)
        edit.setValidator(QIntValidator(0, 10**digits - 1, edit))
        edit.setFixedWidth(self.fontMetrics().horizontalAdvance("0") * width_chars + 24)
        edit.setAccessibleName(f"{name}, {caption.lower()}")
        edit.setObjectName(caption.lower())
        edit.textChanged.connect(self.changed)
        label.setBuddy(edit)
        box.addWidget(label)
        box.addWidget(edit)
        layout.addLayout(box)  # type: ignore[attr-defined]
        return edit

    def text(self) -> str:
        parts = [self.day.text().strip(), self.month.text().strip(), self.year.text().strip()]
        if not any(parts):
            return ""
        # A missing part stays visible to the parser ("27 3 ?"), which then says "must be a real date".
        return " ".join(p or "?" for p in parts)

    def set_text(self, value: str | dt.date | None) -> None:
        if isinstance(value, dt.date):
            self.set_date(value)
            return
        parts = (value or "").replace("?", "").split()
        parts = [*parts, "", "", ""][:3]
        self.day.setText(parts[0])
        self.month.setText(parts[1])
        self.year.setText(parts[2])

    def set_date(self, value: dt.date | None) -> None:
        self.day.setText(str(value.day) if value else "")
        self.month.setText(str(value.month) if value else "")
        self.year.setText(str(value.year) if value else "")

    def set_invalid(self, invalid: bool) -> None:
        for edit in (self.day, self.month, self.year):
            edit.setProperty("invalid", invalid)
            repolish(edit)
