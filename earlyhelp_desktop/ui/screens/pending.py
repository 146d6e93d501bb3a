"""A screen whose service is not part of this build yet: it says so plainly, never pretends."""

from __future__ import annotations

from PySide6.QtWidgets import QWidget

from earlyhelp_desktop.ui.widgets.common import Banner, hint, title, vbox


class PendingScreen(QWidget):
    def __init__(self, heading: str, purpose: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName(heading)
        layout = vbox(self, margins=16, spacing=10)
        layout.addWidget(title(heading))
        layout.addWidget(hint(purpose))
        layout.addWidget(Banner("notice", "This part of Early Help Desktop is not in this version yet."))
        layout.addStretch(1)
