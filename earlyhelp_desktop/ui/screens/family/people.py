"""People: everyone in the household, with add, change and remove (memberships, not people, go)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableView, QWidget

from earlyhelp_desktop.core.services.families import full_name
from earlyhelp_desktop.core.services.record import FamilyRecord, Member
from earlyhelp_desktop.ui.context import UiContext
from earlyhelp_desktop.ui.models.people import MembersModel
from earlyhelp_desktop.ui.widgets.common import Banner, button, hbox, hint, scaled, vbox

if TYPE_CHECKING:
    from earlyhelp_desktop.ui.screens.family.record import FamilyScreen


class PeopleTab(QWidget):
    def __init__(self, ctx: UiContext, screen: FamilyScreen) -> None:
        super().__init__()
        self.ctx = ctx
        self.record_screen = screen
        self.record: FamilyRecord | None = None
        layout = vbox(self, margins=12, spacing=10)
        row = hbox(spacing=10)
        self.add_button = button("Add a person", shortcut=QKeySequence("Ctrl+Shift+N"), name="addPerson")
        self.edit_button = button("Change details", "secondary", name="editPerson")
        self.remove_button = button("Remove from this household", "secondary", name="removePerson")
        self.add_button.clicked.connect(self.add_person)
        self.edit_button.clicked.connect(self.edit_selected)
        self.remove_button.clicked.connect(self.ask_remove)
        for b in (self.add_button, self.edit_button, self.remove_button):
            row.addWidget(b)
        row.addStretch(1)
        layout.addLayout(row)
        layout.addWidget(
            hint("A person can belong to more than one household, for example a child of separated parents.")
        )
        self.confirm = Banner("warning")
        self.confirm_yes = button("Remove", "warning", name="confirmRemove")
        self.confirm_no = button("Keep them", "secondary", name="cancelRemove")
        self.confirm.buttons.addWidget(self.confirm_yes)
        self.confirm.buttons.addWidget(self.confirm_no)
        self.confirm_yes.clicked.connect(self.remove_selected)
        self.confirm_no.clicked.connect(lambda: self.confirm.set_text(""))
        layout.addWidget(self.confirm)
        self.model = MembersModel()
        self.table = QTableView()
        self.table.setObjectName("peopleTable")
        self.table.setAccessibleName("People in the household")
        self.table.setModel(self.model)
        self.table.verticalHeader().hide()
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setTabKeyNavigation(False)
        self.table.setAlternatingRowColors(True)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        for column, width in enumerate((230, 150, 60, 130, 90, 170)):
            self.table.setColumnWidth(column, scaled(width))
        self.table.activated.connect(lambda index: self.edit_row(index))
        layout.addWidget(self.table, 1)

    def show_record(self, record: FamilyRecord) -> None:
        self.record = record
        self.model.relationship_labels = dict(self.record_screen.labels.get("relationship", {}))
        self.model.set_rows(record.members)
        self.confirm.set_text("")
        has_people = bool(record.members)
        self.edit_button.setEnabled(has_people)
        self.remove_button.setEnabled(has_people)
        if has_people and not self.table.selectionModel().hasSelection():
            self.table.selectRow(0)

    def selected(self) -> Member | None:
        rows = self.table.selectionModel().selectedRows() if self.table.selectionModel() else []
        return self.model.row(rows[0].row()) if rows else None

    def add_person(self) -> None:
        if self.record is None:
            return
        from earlyhelp_desktop.ui.dialogs.person import PersonDialog

        family = self.record.family
        PersonDialog(self.ctx, family.id, family.display_name, parent=self.window()).open()

    def edit_row(self, index: QModelIndex) -> None:
        self.table.selectRow(index.row())
        self.edit_selected()

    def edit_selected(self) -> None:
        member = self.selected()
        if self.record is None or member is None:
            return
        from earlyhelp_desktop.ui.dialogs.person import PersonDialog

        family = self.record.family
        PersonDialog(self.ctx, family.id, family.display_name, member, parent=self.window()).open()

    def ask_remove(self) -> None:
        member = self.selected()
        if member is None:
            return
        self.confirm.set_text(
            f"Remove {full_name(member.person)} from this household? Their record and history stay; "
            "they can be added back."
        )
        self.confirm_no.setFocus(Qt.FocusReason.OtherFocusReason)

    def remove_selected(self) -> None:
        member = self.selected()
        if self.record is None or member is None:
            return
        family_id, person_id = self.record.family.id, member.person.id
        self.confirm.set_text("")
        self.ctx.mutate(lambda s: s.people.leave(family_id, person_id), owner=self)
