"""The error summary at the top of a form: "There is a problem", with a link to each field."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QFrame, QWidget

from earlyhelp_desktop.ui.widgets.common import button, label, vbox


class ErrorSummary(QFrame):
    """Lists each message as a link; choosing one emits ``activated(field)`` so the form focuses it."""

    activated = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setProperty("role", "errorSummary")
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self._layout = vbox(self, margins=12, spacing=4)
        self.title = label("There is a problem", "heading")
        self._layout.addWidget(self.title)
        self._links: list[QWidget] = []
        self.messages: dict[str, str] = {}
        self.setAccessibleName("There is a problem")
        self.hide()

    def show_errors(self, messages: dict[str, str], *, focus: bool = True) -> None:
        for link in self._links:
            link.deleteLater()
        self._links = []
        self.messages = dict(messages)
        for field, message in messages.items():
            if field:
                link = button(message, "link")
                link.clicked.connect(lambda _=False, f=field: self.activated.emit(f))
            else:
                link = label(message)
            self._links.append(link)
            self._layout.addWidget(link)
        self.setAccessibleDescription("; ".join(messages.values()))
        self.setVisible(bool(messages))
        if messages and focus:
            self.setFocus(Qt.FocusReason.OtherFocusReason)

    def clear(self) -> None:
        self.show_errors({}, focus=False)
