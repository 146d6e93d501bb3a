"""Accessible forms: a label (with buddy), an optional hint, the error next to the field, the input.

``Form`` keeps the fields in tab order, gives each input an accessible name, shows a service's
``InvalidInput`` messages next to each field and in a summary at the top that links to them, and knows
whether anything was changed since it was filled (so nothing is lost on cancel without asking).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from earlyhelp_desktop.ui.widgets.common import label, repolish, vbox
from earlyhelp_desktop.ui.widgets.date_input import DateInput
from earlyhelp_desktop.ui.widgets.error_summary import ErrorSummary
from earlyhelp_desktop.ui.widgets.multi_choice import MultiChoice

Options = Sequence[tuple[str, str]]


@dataclass
class Field:
    name: str
    kind: str  # text | long | date | choice | check | number
    input: QWidget
    caption: QLabel | None
    error: QLabel
    hint: QLabel | None
    box: QWidget


class Form(QObject):
    """Builds fields into ``layout`` (a vertical layout of the host widget)."""

    changed = Signal()

    def __init__(self, host: QWidget, layout: QVBoxLayout | None = None) -> None:
        super().__init__(host)
        self.host = host
        self.layout = layout if layout is not None else vbox(host)
        self.summary = ErrorSummary(host)
        self.summary.activated.connect(self.focus_field)
        self.layout.addWidget(self.summary)
        self.fields: dict[str, Field] = {}
        self._baseline: dict[str, Any] = {}

    # -- building ----------------------------------------------------------------------------------

    def _add(
        self,
        name: str,
        kind: str,
        caption: str,
        widget: QWidget,
        hint: str | None,
        layout: QVBoxLayout | None,
    ) -> QWidget:
        box = QWidget(self.host)
        box_layout = vbox(box, spacing=3)
        caption_label: QLabel | None = None
        if kind != "check":
            caption_label = label(caption, "field")
            caption_label.setBuddy(widget)
            box_layout.addWidget(caption_label)
        hint_label = label(hint, "hint") if hint else None
        if hint_label is not None and kind != "check":
            box_layout.addWidget(hint_label)
        error = label("", "error")
        error.setObjectName(f"error_{name}")
        error.hide()
        box_layout.addWidget(error)
        box_layout.addWidget(widget)
        if hint_label is not None and kind == "check":
            hint_label.setContentsMargins(34, 0, 0, 0)  # under the box's words, as GOV.UK does
            box_layout.addWidget(hint_label)
        widget.setObjectName(name)
        plain = caption.replace("&", "")
        widget.setAccessibleName(plain)
        if hint:
            widget.setAccessibleDescription(hint)
        (layout if layout is not None else self.layout).addWidget(box)
        self.fields[name] = Field(name, kind, widget, caption_label, error, hint_label, box)
        return widget

    def text(
        self,
        name: str,
        caption: str,
        *,
        hint: str | None = None,
        width_chars: int | None = None,
        password: bool = False,
        layout: QVBoxLayout | None = None,
    ) -> QLineEdit:
        edit = QLineEdit()
        if password:
            edit.setEchoMode(QLineEdit.EchoMode.Password)
        if width_chars:
            edit.setMaximumWidth(edit.fontMetrics().horizontalAdvance("M") * width_chars + 24)
        edit.textChanged.connect(self.changed)
        self._add(name, "text", caption, edit, hint, layout)
        return edit

    def long_text(
        self,
        name: str,
        caption: str,
        *,
        hint: str | None = None,
        lines: int = 4,
        layout: QVBoxLayout | None = None,
    ) -> QPlainTextEdit:
        edit = QPlainTextEdit()
        edit.setTabChangesFocus(True)  # Tab moves on; text areas never trap the keyboard
        line = edit.fontMetrics().lineSpacing()
        edit.setMinimumHeight(line * lines + 16)
        edit.setMaximumHeight(line * lines * 2 + 16)  # grows a little, never fills the page
        edit.textChanged.connect(self.changed)
        self._add(name, "long", caption, edit, hint, layout)
        return edit

    def date(
        self,
        name: str,
        caption: str,
        *,
        hint: str | None = "For example, 27 3 2019",
        layout: QVBoxLayout | None = None,
    ) -> DateInput:
        widget = DateInput(caption.replace("&", ""))
        widget.changed.connect(self.changed)
        self._add(name, "date", caption, widget, hint, layout)
        return widget

    def choice(
        self,
        name: str,
        caption: str,
        options: Options,
        *,
        empty: str | None = "Select an option",
        hint: str | None = None,
        layout: QVBoxLayout | None = None,
    ) -> QComboBox:
        combo = QComboBox()
        self.set_options(combo, options, empty)
        combo.currentIndexChanged.connect(self.changed)
        self._add(name, "choice", caption, combo, hint, layout)
        return combo

    @staticmethod
    def set_options(combo: QComboBox, options: Options, empty: str | None = "Select an option") -> None:
        current = combo.currentData()
        combo.blockSignals(True)
        combo.clear()
        if empty is not None:
            combo.addItem(empty, None)
        for code, text in options:
            combo.addItem(text, code)
        index = combo.findData(current)
        combo.setCurrentIndex(max(index, 0))
        combo.blockSignals(False)

    def check(
        self, name: str, caption: str, *, hint: str | None = None, layout: QVBoxLayout | None = None
    ) -> QCheckBox:
        box = QCheckBox(caption)
        box.toggled.connect(self.changed)
        self._add(name, "check", caption, box, hint, layout)
        return box

    def number(
        self,
        name: str,
        caption: str,
        low: int,
        high: int,
        *,
        hint: str | None = None,
        none_text: str = "Not scored",
        layout: QVBoxLayout | None = None,
    ) -> QSpinBox:
        """A number from ``low`` to ``high``, or none (shown as ``none_text``, one step below ``low``)."""
        spin = QSpinBox()
        spin.setRange(low - 1, high)
        spin.setSpecialValueText(none_text)
        spin.setValue(low - 1)
        spin.setMaximumWidth(spin.fontMetrics().horizontalAdvance(none_text) + 60)
        spin.valueChanged.connect(self.changed)
        self._add(name, "number", caption, spin, hint, layout)
        return spin

    def multi(
        self,
        name: str,
        caption: str,
        options: Options,
        *,
        hint: str | None = None,
        layout: QVBoxLayout | None = None,
    ) -> MultiChoice:
        widget = MultiChoice(caption.replace("&", ""), options)
        widget.changed.connect(self.changed)
        self._add(name, "multi", caption, widget, hint, layout)
        return widget

    # -- values ------------------------------------------------------------------------------------

    def value(self, name: str) -> Any:
        field = self.fields[name]
        widget = field.input
        if isinstance(widget, QLineEdit):
            return widget.text()
        if isinstance(widget, QPlainTextEdit):
            return widget.toPlainText()
        if isinstance(widget, DateInput):
            return widget.text()
        if isinstance(widget, QComboBox):
            return widget.currentData()
        if isinstance(widget, QCheckBox):
            return widget.isChecked()
        if isinstance(widget, QSpinBox):
            return None if widget.value() < widget.minimum() + 1 else widget.value()
        if isinstance(widget, MultiChoice):
            return widget.value()
        raise TypeError(name)

    def values(self) -> dict[str, Any]:
        return {name: self.value(name) for name in self.fields}

    def set_value(self, name: str, value: Any) -> None:
        widget = self.fields[name].input
        if isinstance(widget, QLineEdit):
            widget.setText("" if value is None else str(value))
        elif isinstance(widget, QPlainTextEdit):
            widget.setPlainText("" if value is None else str(value))
        elif isinstance(widget, DateInput):
            widget.set_text(value if isinstance(value, dt.date) else (value or ""))
        elif isinstance(widget, QComboBox):
            widget.setCurrentIndex(max(widget.findData(value), 0))
        elif isinstance(widget, QCheckBox):
            widget.setChecked(bool(value))
        elif isinstance(widget, QSpinBox):
            widget.setValue(widget.minimum() if value is None else int(value))
        elif isinstance(widget, MultiChoice):
            widget.set_value(value)

    def set_values(self, values: dict[str, Any], *, clean: bool = True) -> None:
        for name, value in values.items():
            if name in self.fields:
                self.set_value(name, value)
        if clean:
            self.mark_clean()

    def mark_clean(self) -> None:
        self._baseline = self.values()

    @property
    def dirty(self) -> bool:
        return self.values() != self._baseline

    # -- errors ------------------------------------------------------------------------------------

    def show_errors(self, errors: dict[str, str], *, aliases: dict[str, str] | None = None) -> None:
        """Shows each message next to its field and in the summary (which takes the focus)."""
        self.clear_errors()
        shown: dict[str, str] = {}
        for key, message in errors.items():
            name = (aliases or {}).get(key, key)
            field = self.fields.get(name)
            if field is None:
                shown[""] = f"{shown[''] + ' ' if '' in shown else ''}{message}"
                continue
            shown[name] = message
            field.error.setText(f"Error: {message}")
            field.error.show()
            self._mark(field, True, message)
        ordered = {n: shown[n] for n in self.fields if n in shown}
        if "" in shown:
            ordered = {"": shown[""], **ordered}
        self.summary.show_errors(ordered)

    def clear_errors(self) -> None:
        for field in self.fields.values():
            if field.error.isVisible() or field.error.text():
                field.error.setText("")
                field.error.hide()
                self._mark(field, False, None)
        self.summary.clear()

    def _mark(self, field: Field, invalid: bool, message: str | None) -> None:
        widget = field.input
        hint = field.hint.text() if field.hint else ""
        widget.setAccessibleDescription(
            " ".join(p for p in (f"Error: {message}" if message else "", hint) if p)
        )
        if isinstance(widget, DateInput):
            widget.set_invalid(invalid)
        else:
            widget.setProperty("invalid", invalid)
            repolish(widget)

    def error_text(self, name: str) -> str:
        return self.fields[name].error.text()

    def focus_field(self, name: str) -> None:
        field = self.fields.get(name)
        if field is not None:
            field.input.setFocus(Qt.FocusReason.OtherFocusReason)

    def set_visible(self, name: str, visible: bool) -> None:
        self.fields[name].box.setVisible(visible)
