"""Overview: the family at a glance (people, address, flags, episodes) and the ways to change them."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QScrollArea,
    QTableView,
    QWidget,
)

from earlyhelp_desktop.core.services.record import FamilyRecord
from earlyhelp_desktop.ui.adapters import reference_list
from earlyhelp_desktop.ui.context import UiContext
from earlyhelp_desktop.ui.models.people import MembersModel
from earlyhelp_desktop.ui.widgets.common import button, clear_layout, hbox, heading, hint, label, scaled, vbox
from earlyhelp_desktop.ui.widgets.form import Form

if TYPE_CHECKING:
    from earlyhelp_desktop.ui.screens.family.record import FamilyScreen


def address_text(record: FamilyRecord) -> str:
    f = record.family
    parts = [p for p in (f.address_line1, f.address_line2, f.town, f.postcode) if p]
    return ", ".join(parts) if parts else "No address recorded"


def _left_aligned(widget: QWidget) -> QHBoxLayout:
    row = hbox()
    row.addWidget(widget)
    row.addStretch(1)
    return row


class OverviewTab(QScrollArea):
    def __init__(self, ctx: UiContext, screen: FamilyScreen) -> None:
        super().__init__()
        self.ctx = ctx
        self.record_screen = screen
        self.record: FamilyRecord | None = None
        self.setWidgetResizable(True)
        self.setFrameShape(QScrollArea.Shape.NoFrame)
        body = QWidget()
        self.setWidget(body)
        layout = vbox(body, margins=12, spacing=10)

        columns = hbox(spacing=24)
        left = vbox(spacing=8)
        right = vbox(spacing=8)
        columns.addLayout(left, 3)
        columns.addLayout(right, 2)
        layout.addLayout(columns)

        left.addWidget(heading("People"))
        self.members = MembersModel()
        self.people = QTableView()
        self.people.setObjectName("overviewPeople")
        self.people.setAccessibleName("People in the household")
        self.people.setModel(self.members)
        self.people.verticalHeader().hide()
        self.people.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.people.horizontalHeader().setStretchLastSection(True)
        self.people.setTabKeyNavigation(False)
        self.people.setMinimumHeight(160)
        for column in (4, 5, 6):
            self.people.hideColumn(column)
        self.people.setColumnWidth(0, scaled(220))
        self.people.setColumnWidth(1, scaled(140))
        self.people.setColumnWidth(2, scaled(60))
        left.addWidget(self.people)
        left.addWidget(heading("Episodes of early help"))
        self.episodes = label("", name="episodes")
        left.addWidget(self.episodes)
        left.addStretch(1)

        right.addWidget(heading("Details"))
        details = QFormLayout()
        details.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapAllRows)
        self.address = label("", name="address")
        self.basis = label("", name="lawfulBasis")
        self.tags = label("", name="tags")
        for caption, widget in (("Address", self.address), ("Lawful basis", self.basis), ("Tags", self.tags)):
            caption_label = QLabel(caption)
            caption_label.setProperty("role", "field")
            details.addRow(caption_label, widget)
        right.addLayout(details)
        self.change = button("Change family details", "secondary", name="changeFamily")
        self.change.clicked.connect(self.change_details)
        right.addLayout(_left_aligned(self.change))

        right.addWidget(heading("Flags"))
        right.addWidget(hint("Flags warn colleagues before they visit or call."))
        self.flags_box = vbox(spacing=4)
        right.addLayout(self.flags_box)
        holder = QWidget()
        self.flag_form = Form(holder, vbox(holder))
        self.flag_form.summary.hide()
        self.flag_choice: QComboBox = self.flag_form.choice("flag", "Add a flag", [], empty="Choose a flag")
        right.addWidget(holder)
        self.add_flag_button = button("Add flag", "secondary", name="addFlag")
        self.add_flag_button.clicked.connect(self.add_flag)
        right.addLayout(_left_aligned(self.add_flag_button))
        right.addStretch(1)
        ctx.with_ws(lambda ws: reference_list(ws, "flag"), self._flag_options, lambda _e: None, owner=self)

    def _flag_options(self, options: list[tuple[str, str]]) -> None:
        Form.set_options(self.flag_choice, options, "Choose a flag")

    def show_record(self, record: FamilyRecord) -> None:
        self.record = record
        self.members.relationship_labels = dict(self.record_screen.labels.get("relationship", {}))
        self.members.set_rows(record.members)
        f = record.family
        address = address_text(record)
        if f.confidential_address:
            address += (
                "\nConfidential: never printed, and hidden from anyone outside the team around the family."
            )
        self.address.setText(address)
        self.basis.setText(
            ("Consent" if f.lawful_basis == "consent" else "Public task")
            + ("; opted out of national evaluation" if f.evaluation_opt_out else "")
        )
        self.tags.setText(", ".join(t.tag for t in record.tags) or "None")
        lines = []
        for e in record.episodes:
            ep = e.episode
            when = f"{ep.opened_on.day} {ep.opened_on:%B %Y}"
            end = f" to {ep.closed_on.day} {ep.closed_on:%B %Y}" if ep.closed_on else ""
            source = f", asked for by {ep.request_source}" if ep.request_source else ""
            state = "open" if ep.status == "open" else "closed"
            lines.append(f"• From {when}{end} ({state}){source}")
        self.episodes.setText("\n".join(lines) or "None yet")
        clear_layout(self.flags_box)
        for flag in record.flags:
            row = QWidget()
            row_layout = hbox(row, spacing=8)
            row_layout.addWidget(label(f"Flag: {flag.label}", "flag", wrap=False))
            remove = button(f"Remove flag “{flag.label}”", "link", name=f"removeFlag_{flag.code}")
            remove.setText("Remove")
            remove.clicked.connect(lambda _=False, code=flag.code: self.remove_flag(code))
            row_layout.addWidget(remove)
            row_layout.addStretch(1)
            self.flags_box.addWidget(row)
        if not record.flags:
            self.flags_box.addWidget(label("No flags"))

    def change_details(self) -> None:
        if self.record is None:
            return
        from earlyhelp_desktop.ui.dialogs.family_details import FamilyDetailsDialog

        FamilyDetailsDialog(self.ctx, self.record.family, parent=self.window()).open()

    def add_flag(self) -> None:
        code = self.flag_choice.currentData()
        if self.record is None or not code:
            self.flag_form.show_errors({"flag": "Choose the flag to add"})
            return
        self.flag_form.clear_errors()
        family_id = self.record.family.id
        self.ctx.mutate(
            lambda s: s.families.set_flag(family_id, code), lambda _c: self._flag_added(), owner=self
        )

    def _flag_added(self) -> None:
        self.flag_choice.setCurrentIndex(0)

    def remove_flag(self, code: str) -> None:
        if self.record is None:
            return
        family_id = self.record.family.id
        self.ctx.mutate(lambda s: s.families.set_flag(family_id, code, on=False), owner=self)

    def members_rows(self) -> list[Any]:
        return self.members.rows()
