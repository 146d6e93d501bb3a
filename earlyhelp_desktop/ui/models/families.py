"""The families list: ids for the whole result, rows fetched a page at a time on demand.

20,000 families cost 20,000 short strings; only the rows in view (and a page either side) are held
as summaries. The loader runs on the database worker and calls back on the GUI thread, so ``data()``
never waits for the database: a row not yet fetched says "Loading…" for a moment.
"""

from __future__ import annotations

import datetime as dt
from collections import OrderedDict
from collections.abc import Callable, Sequence
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt

from earlyhelp_desktop.core.services.families import FamilySummary, MemberSummary

PAGE = 50
KEEP = 2_000  # summaries held at most (least recently fetched pages go first)
ID_ROLE = Qt.ItemDataRole.UserRole + 1
SUMMARY_ROLE = Qt.ItemDataRole.UserRole + 2

Loader = Callable[[list[str], Callable[[list[FamilySummary]], None]], None]
Index = QModelIndex | QPersistentModelIndex

NAME, REFERENCE, PEOPLE, POSTCODE, LEVEL, STATUS, WORKER = range(7)
HEADERS = ("Family", "Reference", "People", "Postcode", "Level of need", "Status", "Lead practitioner")


def age_text(member: MemberSummary, today: dt.date | None = None) -> str:
    today = today or dt.date.today()
    if member.due_date and not member.date_of_birth:
        return f"due {member.due_date:%d %b %Y}"
    born = member.date_of_birth
    if born is None:
        return ""
    years = today.year - born.year - ((today.month, today.day) < (born.month, born.day))
    if years >= 2:
        return str(years)
    months = (today.year - born.year) * 12 + today.month - born.month - (today.day < born.day)
    return f"{max(months, 0)} mo"


def people_text(members: Sequence[MemberSummary]) -> str:
    """ "Zoë (7), Jack (3), Amy Smith" - children with ages, then adults."""
    parts = []
    for m in members:
        first = m.preferred_name or m.full_name.split(" ")[0]
        age = age_text(m)
        parts.append(f"{first} ({age})" if m.is_child and age else (first if m.is_child else m.full_name))
    return ", ".join(parts)


class FamilyListModel(QAbstractTableModel):
    """Rows for the families list; ``set_result`` replaces the ids after each search."""

    def __init__(self, loader: Loader, level_labels: dict[int, str] | None = None) -> None:
        super().__init__()
        self._loader = loader
        self._ids: list[str] = []
        self._pos: dict[str, int] = {}
        self._rows: OrderedDict[str, FamilySummary] = OrderedDict()
        self._requested: set[int] = set()
        self._missing: set[str] = set()  # deleted or merged since the search: never fetched again
        self._generation = 0
        self.level_labels = level_labels or {}

    # -- result --------------------------------------------------------------------------------------

    def set_result(self, ids: list[str], first_rows: Sequence[FamilySummary] = ()) -> None:
        self.beginResetModel()
        self._generation += 1
        self._ids = list(ids)
        self._pos = {family_id: row for row, family_id in enumerate(self._ids)}
        self._rows = OrderedDict((s.id, s) for s in first_rows)
        self._requested = set(range((len(first_rows) + PAGE - 1) // PAGE))
        self._missing = set()
        self.endResetModel()

    def complete(self, ids: list[str]) -> None:
        """The whole result after its first rows were shown: rows already fetched stay."""
        if ids[: len(self._ids)] != self._ids:
            rows = [self._rows[i] for i in ids[:PAGE] if i in self._rows]
            self.set_result(ids, rows)
            return
        if len(ids) == len(self._ids):
            return
        self.beginInsertRows(QModelIndex(), len(self._ids), len(ids) - 1)
        start = len(self._ids)
        self._ids = list(ids)
        self._pos.update((family_id, row) for row, family_id in enumerate(ids[start:], start=start))
        # Pages that were only partly known are fetched again when shown.
        self._requested = {p for p in self._requested if (p + 1) * PAGE <= start}
        self.endInsertRows()

    def refresh_rows(self, rows: Sequence[FamilySummary]) -> None:
        """New values for rows already shown (after a change elsewhere)."""
        for summary in rows:
            if summary.id in self._rows:
                self._rows[summary.id] = summary
        if self._ids:
            self.dataChanged.emit(self.index(0, 0), self.index(len(self._ids) - 1, len(HEADERS) - 1))

    def forget(self, family_ids: set[str]) -> None:
        """Drops cached rows so they are fetched again when next shown."""
        for family_id in family_ids:
            self._rows.pop(family_id, None)
        self._missing -= family_ids
        self._requested.clear()

    def family_id(self, row: int) -> str | None:
        return self._ids[row] if 0 <= row < len(self._ids) else None

    def row_of(self, family_id: str) -> int:
        return self._pos.get(family_id, -1)

    def ids(self) -> list[str]:
        return list(self._ids)

    def summary(self, row: int) -> FamilySummary | None:
        family_id = self.family_id(row)
        return self._rows.get(family_id) if family_id else None

    # -- lazy fetching -------------------------------------------------------------------------------

    def _fetch(self, row: int) -> None:
        page = row // PAGE
        if page in self._requested:
            return
        self._requested.add(page)
        generation = self._generation
        ids = self._ids[page * PAGE : (page + 1) * PAGE]

        def arrived(rows: list[FamilySummary]) -> None:
            if generation != self._generation:
                return  # a newer search replaced this result
            for summary in rows:
                self._rows[summary.id] = summary
                self._rows.move_to_end(summary.id)
            while len(self._rows) > KEEP:
                evicted, _ = self._rows.popitem(last=False)
                self._requested.discard(self._pos.get(evicted, 0) // PAGE)
            got = {r.id for r in rows}
            self._missing.update(i for i in ids if i not in got)
            first, last = page * PAGE, min((page + 1) * PAGE, len(self._ids)) - 1
            if last >= first:
                self.dataChanged.emit(self.index(first, 0), self.index(last, len(HEADERS) - 1))

        self._loader(ids, arrived)

    # -- Qt model ------------------------------------------------------------------------------------

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802, B008
        return 0 if parent.isValid() else len(self._ids)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802, B008
        return 0 if parent.isValid() else len(HEADERS)

    def headerData(  # noqa: N802
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return HEADERS[section]
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        row = index.row()
        family_id = self._ids[row]
        if role == ID_ROLE:
            return family_id
        summary = self._rows.get(family_id)
        if summary is None:
            if family_id in self._missing:
                gone = role == Qt.ItemDataRole.DisplayRole and index.column() == NAME
                return "No longer on this laptop" if gone else None
            self._fetch(row)
            return "Loading…" if role == Qt.ItemDataRole.DisplayRole and index.column() == NAME else None
        if role == SUMMARY_ROLE:
            return summary
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            return self._text(summary, index.column())
        if role == Qt.ItemDataRole.ToolTipRole and index.column() == PEOPLE:
            return "\n".join(m.full_name for m in summary.members)
        return None

    def _text(self, s: FamilySummary, column: int) -> str:
        if column == NAME:
            return s.display_name
        if column == REFERENCE:
            return s.reference
        if column == PEOPLE:
            return people_text(s.members)
        if column == POSTCODE:
            return s.postcode or ""
        if column == LEVEL:
            if s.level_of_need is None:
                return "Not set"
            label = self.level_labels.get(s.level_of_need)
            return f"{s.level_of_need} {label}" if label else str(s.level_of_need)
        if column == STATUS:
            return s.status.capitalize()
        if column == WORKER:
            return s.lead_worker or "No lead practitioner"
        return ""
