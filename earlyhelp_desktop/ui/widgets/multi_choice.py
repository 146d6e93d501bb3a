"""Several choices from a short list, as checkboxes in columns (tags such as headline outcomes)."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QCheckBox, QGridLayout, QWidget


class MultiChoice(QWidget):
    changed = Signal()

    def __init__(self, name: str, options: Sequence[tuple[str, str]] = (), columns: int = 2) -> None:
        super().__init__()
        self.setAccessibleName(name)
        self._grid = QGridLayout(self)
        self._grid.setContentsMargins(0, 0, 0, 0)
        self._columns = columns
        self.boxes: dict[str, QCheckBox] = {}
        self.set_options(options)

    def set_options(self, options: Sequence[tuple[str, str]]) -> None:
        chosen = self.value()
        for box in self.boxes.values():
            box.deleteLater()
        self.boxes = {}
        for index, (code, text) in enumerate(options):
            box = QCheckBox(text)
            box.setAccessibleName(f"{self.accessibleName()}: {text}")
            box.setChecked(code in chosen)
            box.toggled.connect(self.changed)
            self.boxes[code] = box
            self._grid.addWidget(box, index // self._columns, index % self._columns)
        if self.boxes:
            self.setFocusProxy(next(iter(self.boxes.values())))

    def value(self) -> list[str]:
        return [code for code, box in self.boxes.items() if box.isChecked()]

    def set_value(self, codes: Sequence[str] | None) -> None:
        wanted = set(codes or ())
        for code, box in self.boxes.items():
            box.setChecked(code in wanted)
