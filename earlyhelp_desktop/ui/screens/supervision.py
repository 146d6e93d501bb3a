"""Supervision (supervisors only): who can unlock this laptop, adding colleagues, reset codes."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtWidgets import QAbstractItemView, QTableView, QTabWidget, QWidget

from earlyhelp_desktop.core.errors import InvalidInput
from earlyhelp_desktop.core.services import Services
from earlyhelp_desktop.core.services.base import ROLE_LABELS, Changes
from earlyhelp_desktop.core.services.users import ROLES, StaffSummary, check_password, check_username
from earlyhelp_desktop.ui.context import UiContext
from earlyhelp_desktop.ui.dialogs.base import FormDialog
from earlyhelp_desktop.ui.models.table import Column, RowTableModel
from earlyhelp_desktop.ui.widgets.common import Banner, button, hbox, heading, hint, scaled, title, vbox


class StaffModel(RowTableModel[StaffSummary]):
    COLUMNS = (
        Column[StaffSummary]("Name", lambda s: s.full_name),
        Column[StaffSummary]("User name", lambda s: s.username),
        Column[StaffSummary]("Role", lambda s: ROLE_LABELS.get(s.role, s.role).capitalize()),
        Column[StaffSummary]("Can unlock this laptop", lambda s: "Yes" if s.can_unlock else "No"),
    )


class AddColleagueDialog(FormDialog):
    save_text = "Add colleague"

    def __init__(self, ctx: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, "Add a colleague to this laptop", parent=parent)
        f = self.form
        f.text("full_name", "Their full name")
        f.text("username", "Their user name", hint="Without spaces, for example j.smith", width_chars=24)
        f.choice("role", "Role", [(r, ROLE_LABELS[r].capitalize()) for r in ROLES], empty="Select a role")
        f.text(
            "password",
            "A first password for them",
            hint="At least 8 characters. They can change it later.",
            password=True,
        )
        f.text("confirm", "Type the password again", password=True)

    def draft_payload(self) -> dict[str, Any] | None:
        return None  # passwords are never kept as drafts

    def save_call(self, values: dict[str, Any]) -> Callable[[Services], Changes]:
        errors: dict[str, str] = {}
        try:
            check_username(values["username"])
        except InvalidInput:
            errors["username"] = "Enter a user name without spaces, for example j.smith"
        try:
            check_password(values["password"])
        except InvalidInput as exc:
            errors["password"] = exc.errors["password"]
        if values["password"] != values["confirm"]:
            errors["confirm"] = "The two passwords are not the same: type the password again"
        if errors:
            raise InvalidInput(errors)
        return lambda s: s.users.add(
            values["username"], values["full_name"], values["role"] or "", values["password"]
        )

    def error_aliases(self) -> dict[str, str]:
        return {"user": "username"}


class SupervisionScreen(QWidget):
    def __init__(self, ctx: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setAccessibleName("Supervision")
        outer = vbox(self, margins=16, spacing=10)
        outer.addWidget(title("Supervision"))
        from earlyhelp_desktop.ui.screens.caseloads import CaseloadsWidget
        from earlyhelp_desktop.ui.screens.sign_off import SignOffQueueWidget

        self.tabs = QTabWidget()
        self.tabs.setObjectName("supervisionTabs")
        outer.addWidget(self.tabs, 1)
        self.queue = SignOffQueueWidget(ctx)
        self.caseloads = CaseloadsWidget(ctx)
        staff = QWidget()
        layout = vbox(staff, margins=10, spacing=10)
        self.tabs.addTab(self.queue, "&Waiting for sign-off")
        self.tabs.addTab(self.caseloads, "&Caseloads")
        self.tabs.addTab(staff, "&Staff on this laptop")
        layout.addWidget(heading("Staff on this laptop"))
        layout.addWidget(
            hint("Each person unlocks with their own password. Nobody can lock a colleague out.")
        )
        self.message = Banner("notice")
        self.message.setObjectName("supervisionMessage")
        layout.addWidget(self.message)
        self.model = StaffModel()
        self.table = QTableView()
        self.table.setObjectName("staffTable")
        self.table.setAccessibleName("Staff on this laptop")
        self.table.setModel(self.model)
        self.table.verticalHeader().hide()
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setTabKeyNavigation(False)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.horizontalHeader().setDefaultSectionSize(scaled(220))
        layout.addWidget(self.table, 1)
        row = hbox(spacing=10)
        add = button("Add a colleague", name="addColleague")
        add.clicked.connect(self.add_colleague)
        reset = button("Make a reset code", "secondary", name="resetCode")
        reset.clicked.connect(self.reset_code)
        row.addWidget(add)
        row.addWidget(reset)
        row.addStretch(1)
        layout.addLayout(row)
        ctx.changed.connect(lambda c: self.load() if "staff" in c.tables else None)
        self.load()

    def load(self) -> None:
        self.ctx.call(lambda s: s.users.list(), self.model.set_rows, owner=self)

    def add_colleague(self) -> None:
        dialog = AddColleagueDialog(self.ctx, parent=self.window())
        dialog.accepted.connect(
            lambda: self.message.set_text("Your colleague can now unlock this laptop.", "success")
        )
        dialog.open()

    def reset_code(self) -> None:
        rows = self.table.selectionModel().selectedRows()
        person = self.model.row(rows[0].row()) if rows else None
        if person is None:
            self.message.set_text(
                "Choose the colleague who forgot their password in the list first.", "warning"
            )
            return
        if person.user_id == self.ctx.user.user_id:
            self.message.set_text(
                "You cannot make a reset code for yourself. Ask another supervisor.", "warning"
            )
            return
        self.ctx.call(
            lambda s: s.users.issue_reset_code(person.username),
            lambda code: self.message.set_text(
                f"Reset code for {person.full_name}: {code}. Give it to them in person; "
                "it works once, for 72 hours.",
                "notice",
            ),
            lambda e: self.message.set_text(str(e), "warning"),
            owner=self,
        )
