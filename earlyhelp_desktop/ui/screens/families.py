"""Families (and My caseload): a list that filters as you type (see ``family_search``), with filters
for level of need, status and lead practitioner, and "New family"."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QModelIndex, Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QAbstractItemView, QComboBox, QHeaderView, QLineEdit, QTableView, QWidget

from earlyhelp_desktop.core.services.base import Changes
from earlyhelp_desktop.core.services.families import FamilyFilter, FamilySummary
from earlyhelp_desktop.ui.adapters import reference_list
from earlyhelp_desktop.ui.context import UiContext
from earlyhelp_desktop.ui.models.families import FamilyListModel
from earlyhelp_desktop.ui.screens.family_search import FIRST, FamilySearch
from earlyhelp_desktop.ui.tasks import describe
from earlyhelp_desktop.ui.widgets.common import button, hbox, hint, label, scaled, title, vbox
from earlyhelp_desktop.ui.widgets.form import Form

STATUSES = [("open", "Open"), ("closed", "Closed")]


class FamilyListScreen(QWidget):
    """``mine=True`` is My caseload: open families where I am the lead practitioner."""

    searched = Signal(float)  # milliseconds from the latest request to the list showing its result

    def __init__(self, ctx: UiContext, *, mine: bool = False, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.mine = mine
        self._requested_at = 0.0
        self.last_search_ms = 0.0
        self.searcher = FamilySearch(ctx, self)
        self.searcher.shown.connect(self._show)
        self.searcher.counted.connect(self._counted)
        self.searcher.failed.connect(self._failed)
        self.setAccessibleName("My caseload" if mine else "Families")

        layout = vbox(self, margins=16, spacing=10)
        top = hbox(spacing=12)
        top.addWidget(title("My caseload" if mine else "Families"), 1)
        self.new_button = button("New family", shortcut=QKeySequence.StandardKey.New, name="newFamily")
        self.new_button.clicked.connect(self.new_family)
        top.addWidget(self.new_button)
        layout.addLayout(top)
        if mine:
            layout.addWidget(hint("Open families where you are the lead practitioner."))

        filters = QWidget()
        row = hbox(filters, spacing=12)
        self.form = Form(filters, vbox())
        self.form.summary.hide()
        self.search: QLineEdit = self.form.text(
            "search", "Search", hint="Name, preferred name, reference or postcode"
        )
        self.search.setClearButtonEnabled(True)
        self.search.setPlaceholderText("For example: Zoe, TN-4K2P or TQ1")
        self.level: QComboBox = self.form.choice("level", "Level of need", [], empty="Any level")
        self.status: QComboBox = self.form.choice("status", "Status", STATUSES, empty="Any status")
        self.worker: QComboBox = self.form.choice("worker", "Lead practitioner", [], empty="Anyone")
        for name, stretch in (("search", 3), ("level", 1), ("status", 1), ("worker", 1)):
            box = self.form.fields[name].box
            self.form.layout.removeWidget(box)
            row.addWidget(box, stretch, Qt.AlignmentFlag.AlignTop)
        if mine:
            self.form.set_visible("worker", False)
            self.form.set_visible("status", False)
        layout.addWidget(filters)

        self.count = label("", name="familyCount")
        self.count.setAccessibleName("Number of families found")
        layout.addWidget(self.count)

        self.model = FamilyListModel(self._load_rows)
        self.table = QTableView()
        self.table.setObjectName("familyTable")
        self.table.setAccessibleName("Families found")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setAlternatingRowColors(True)
        self.table.verticalHeader().hide()
        self.table.setWordWrap(False)
        self.table.setTabKeyNavigation(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)
        for column, width in enumerate((180, 120, 330, 90, 170, 80)):
            self.table.setColumnWidth(column, scaled(width))
        self.table.activated.connect(self._activated)
        layout.addWidget(self.table, 1)
        self.open_button = button("Open family", "secondary", name="openFamily")
        self.open_button.clicked.connect(self.open_selected)
        layout.addWidget(self.open_button, 0, Qt.AlignmentFlag.AlignLeft)

        self.search.textChanged.connect(lambda _t: self.refresh())
        self.search.returnPressed.connect(self._enter_from_search)
        for combo in (self.level, self.status, self.worker):
            combo.currentIndexChanged.connect(lambda _i: self.refresh())
        QShortcut(
            QKeySequence(Qt.Key.Key_Down),
            self.search,
            self._to_table,
            context=Qt.ShortcutContext.WidgetShortcut,
        )
        ctx.changed.connect(self._changed)
        self._load_choices()
        self.refresh()

    # -- choices -------------------------------------------------------------------------------------

    def _load_choices(self) -> None:
        def read(services: Any) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
            levels = reference_list(self.ctx.ws, "level_of_need")
            staff = [(s.user_id, s.full_name) for s in services.users.list()]
            return levels, staff

        def loaded(result: tuple[list[tuple[str, str]], list[tuple[str, str]]]) -> None:
            levels, staff = result
            Form.set_options(self.level, [(c, f"{c} {label}") for c, label in levels], "Any level")
            Form.set_options(self.worker, staff, "Anyone")
            self.model.level_labels = {int(c): label for c, label in levels if c.isdigit()}

        self.ctx.call(read, loaded, owner=self)

    # -- searching -----------------------------------------------------------------------------------

    def current_filter(self) -> FamilyFilter:
        level = self.level.currentData()
        if self.mine:
            return FamilyFilter(
                self.search.text(), "open", int(level) if level else None, self.ctx.user.user_id
            )
        return FamilyFilter(
            self.search.text(),
            self.status.currentData(),
            int(level) if level else None,
            self.worker.currentData(),
        )

    def refresh(self) -> None:
        self._requested_at = time.perf_counter()
        self.searcher.ask(self.current_filter())

    def _show(self, flt: FamilyFilter, ids: list[str], first: list[FamilySummary]) -> None:
        self.model.set_result(ids, first)
        if len(ids) < FIRST:
            self._show_count(flt, len(ids))
        else:
            self.count.setText(f"More than {FIRST} families" + (" found" if flt.text else ""))
        if ids:
            self.table.selectRow(0)
        self.last_search_ms = (time.perf_counter() - self._requested_at) * 1000
        self.searched.emit(self.last_search_ms)

    def _show_count(self, flt: FamilyFilter, n: int) -> None:
        found = " found" if flt.text else ""
        self.count.setText(f"{n:,} famil{'y' if n == 1 else 'ies'}{found}")

    def _counted(self, flt: FamilyFilter, ids: list[str]) -> None:
        self.model.complete(ids)
        self._show_count(flt, len(ids))

    def _failed(self, error: BaseException) -> None:
        self.count.setText(describe(error))

    def _changed(self, changes: Changes) -> None:
        if changes.families or "family" in changes.tables or "person" in changes.tables:
            self.model.forget(set(changes.families))
            self.refresh()

    # -- opening -------------------------------------------------------------------------------------

    def _activated(self, index: QModelIndex) -> None:
        family_id = self.model.family_id(index.row())
        if family_id:
            self.ctx.open_family.emit(family_id)

    def open_selected(self) -> None:
        rows = self.table.selectionModel().selectedRows()
        if rows:
            self._activated(rows[0])

    def _enter_from_search(self) -> None:
        if self.model.rowCount() == 1:
            self._activated(self.model.index(0, 0))
        else:
            self._to_table()

    def _to_table(self) -> None:
        self.table.setFocus(Qt.FocusReason.OtherFocusReason)
        if self.model.rowCount() and not self.table.selectionModel().hasSelection():
            self.table.selectRow(0)

    def focus_first(self) -> None:
        self.search.setFocus(Qt.FocusReason.OtherFocusReason)

    def focus_search(self) -> None:
        self.search.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.search.selectAll()

    def new_family(self) -> None:
        from earlyhelp_desktop.ui.dialogs.new_family import NewFamilyDialog

        dialog = NewFamilyDialog(self.ctx, self.search.text(), parent=self.window())
        dialog.created.connect(self.ctx.open_family.emit)
        dialog.open()

    def _load_rows(self, ids: list[str], done: Callable[[list[FamilySummary]], None]) -> None:
        self.ctx.call(lambda s: s.families.summaries(ids), done, lambda _e: None, owner=self)
