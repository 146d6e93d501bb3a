"""What every tab of a family's record shares: the scrolling page, tables, and a calm confirmation."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QPushButton, QScrollArea, QTableView, QWidget

from earlyhelp_desktop.core.services import Services
from earlyhelp_desktop.core.services.base import Changes
from earlyhelp_desktop.core.services.record import FamilyRecord
from earlyhelp_desktop.ui.context import UiContext
from earlyhelp_desktop.ui.models.table import RowTableModel
from earlyhelp_desktop.ui.tasks import describe
from earlyhelp_desktop.ui.widgets.common import Banner, button, hbox, scaled, vbox

if TYPE_CHECKING:
    from earlyhelp_desktop.ui.screens.family.record import FamilyScreen


def table(model: RowTableModel[Any], name: str, accessible: str, min_height: int = 120) -> QTableView:
    view = QTableView()
    view.setObjectName(name)
    view.setAccessibleName(accessible)
    view.setModel(model)
    view.verticalHeader().hide()
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    view.setTabKeyNavigation(False)
    view.setAlternatingRowColors(True)
    view.setWordWrap(True)
    header = view.horizontalHeader()
    header.setStretchLastSection(True)
    header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
    header.setDefaultSectionSize(scaled(170))
    view.setMinimumHeight(min_height)
    return view


def selected_row(view: QTableView, model: RowTableModel[Any]) -> Any:
    selection = view.selectionModel()
    rows = selection.selectedRows() if selection is not None else []
    return model.row(rows[0].row()) if rows else None


class RecordTab(QScrollArea):
    """A scrolling page of the record. Subclasses build into ``self.body`` and implement show_record."""

    def __init__(self, ctx: UiContext, screen: FamilyScreen) -> None:
        super().__init__()
        self.ctx = ctx
        self.record_screen = screen
        self.record: FamilyRecord | None = None
        self.setWidgetResizable(True)
        self.setFrameShape(QScrollArea.Shape.NoFrame)
        page = QWidget()
        self.setWidget(page)
        self.body = vbox(page, margins=12, spacing=8)
        self.message = Banner("notice")
        self.message.setObjectName("tabMessage")
        self.body.addWidget(self.message)
        self.question = Banner("warning")
        self.question.setObjectName("tabQuestion")
        self.yes = button("Yes", "warning", name="confirmYes")
        self.no = button("No, go back", "secondary", name="confirmNo")
        self.question.buttons.addWidget(self.yes)
        self.question.buttons.addWidget(self.no)
        self.no.clicked.connect(lambda: self.question.set_text(""))
        self.body.addWidget(self.question)
        self._on_yes: Callable[[], None] | None = None
        self.yes.clicked.connect(self._confirmed)

    def labels(self, name: str) -> dict[str, str]:
        return dict(self.record_screen.labels.get(name, {}))

    @property
    def family_id(self) -> str:
        assert self.record is not None
        return self.record.family.id

    @property
    def episode_id(self) -> str | None:
        current = self.record.current if self.record is not None else None
        return current.episode.id if current is not None else None

    def buttons(self, *items: QPushButton) -> None:
        row = hbox(spacing=10)
        for item in items:
            row.addWidget(item)
        row.addStretch(1)
        self.body.addLayout(row)

    def ask(self, text: str, action: Callable[[], None]) -> None:
        """A question in the page (no surprise pop-up): Yes does ``action``."""
        self._on_yes = action
        self.question.set_text(text)
        self.no.setFocus(Qt.FocusReason.OtherFocusReason)

    def _confirmed(self) -> None:
        self.question.set_text("")
        action, self._on_yes = self._on_yes, None
        if action is not None:
            action()

    def change(self, fn: Callable[[Services], Changes], done_text: str | None = None) -> None:
        """Runs a change; says so when done, or says plainly why not."""

        def done(_changes: Changes) -> None:
            if done_text:
                self.message.set_text(done_text, "success")

        def failed(error: BaseException) -> None:
            self.message.set_text(describe(error), "warning")

        self.message.set_text("")
        self.ctx.mutate(fn, done, failed, owner=self)

    def show_record(self, record: FamilyRecord) -> None:
        self.record = record
