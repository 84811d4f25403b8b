"""The household list as a Qt model: all rows held as small records, exposed to the view in
pages of 200 (canFetchMore / fetchMore), so 10,000 households cost one query and a few
hundred painted rows, never a widget per row."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QAbstractTableModel, QModelIndex, Qt
from PySide6.QtGui import QBrush, QColor, QFont

from app import display
from app.vocab import Field, Stage
from storage.household_list import FIELD_COLUMNS, HouseholdRow
from ui.desktop.i18n import N_, label, label_of, tr

PAGE = 200
ID_ROLE = Qt.ItemDataRole.UserRole + 1
FIELD_SHORT = {"is_elderly": N_("高"), "is_disabled": N_("障"), "is_child": N_("子"), "is_hardship": N_("困"), "is_welfare": N_("保")}


def columns() -> tuple[str, ...]:
    return (tr("担当"), tr("世帯名"), tr("段階"), tr("次回予定"), tr("最終接触"), tr("分野"), tr("住所"), tr("ステーション"))


class HouseholdListModel(QAbstractTableModel):
    def __init__(self, me: str = "", parent=None) -> None:
        super().__init__(parent)
        self.me = me
        self.rows: list[HouseholdRow] = []
        self.exposed = 0
        self.stations: dict[str, str] = {}
        self._longest = ""
        self.today = dt.date.today().isoformat()

    def set_rows(self, rows: list[HouseholdRow], stations: dict[str, str]) -> None:
        self.beginResetModel()
        self.rows = rows
        self.stations = stations
        self.exposed = min(PAGE, len(rows))
        self._longest = max((r.name or "" for r in rows), key=len, default="")
        self.today = dt.date.today().isoformat()
        self.endResetModel()

    def longest_name(self) -> str:
        """The longest household name (in code points), so the name column shows every name whole."""
        return self._longest

    def household_id(self, row: int) -> str | None:
        return self.rows[row].id if 0 <= row < len(self.rows) else None

    def row_of(self, household_id: str) -> int:
        for n, row in enumerate(self.rows):
            if row.id == household_id:
                while n >= self.exposed and self.canFetchMore():
                    self.fetchMore()
                return n
        return -1

    # -- Qt model -------------------------------------------------------------------------

    def rowCount(self, parent=QModelIndex()) -> int:  # noqa: N802
        return 0 if parent.isValid() else self.exposed

    def columnCount(self, parent=QModelIndex()) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(columns())

    def canFetchMore(self, parent=QModelIndex()) -> bool:  # noqa: N802
        return not parent.isValid() and self.exposed < len(self.rows)

    def fetchMore(self, parent=QModelIndex()) -> None:  # noqa: N802
        more = min(PAGE, len(self.rows) - self.exposed)
        self.beginInsertRows(QModelIndex(), self.exposed, self.exposed + more - 1)
        self.exposed += more
        self.endInsertRows()

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):  # noqa: N802
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return columns()[section]
        return None

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        row = self.rows[index.row()]
        col = index.column()
        if role == ID_ROLE:
            return row.id
        if role == Qt.ItemDataRole.DisplayRole:
            return self._text(row, col)
        if role == Qt.ItemDataRole.ToolTipRole and col == 5:
            return "、".join(label(Field(c)) for c in FIELD_COLUMNS if row.has_field(c))
        if role == Qt.ItemDataRole.ToolTipRole and col == 3 and row.next_action:
            return row.next_action
        if role == Qt.ItemDataRole.ToolTipRole and col == 1:  # what the narrow list may not show
            return "\n".join(x for x in (row.address, self.stations.get(row.station_id or "", "")) if x)
        if role == Qt.ItemDataRole.ToolTipRole and col == 2:
            return self._text(row, col)
        if role == Qt.ItemDataRole.FontRole and row.lead_staff_id == self.me and self.me:
            font = QFont()
            font.setBold(True)
            return font
        if role == Qt.ItemDataRole.ForegroundRole and col == 3 and self._overdue(row):
            return QBrush(QColor("#b3261e"))
        if role == Qt.ItemDataRole.AccessibleTextRole:
            return self._text(row, col) or tr("なし")
        return None

    def _overdue(self, row: HouseholdRow) -> bool:
        return bool(row.next_action_on) and display.order_key(row.next_action_on) < self.today

    def _text(self, row: HouseholdRow, col: int) -> str:
        if col == 0:
            return "★" if self.me and row.lead_staff_id == self.me else ""
        if col == 1:
            return display.text(row.name)
        if col == 2:
            return label_of(Stage, row.stage, tr("（ケースなし）"))
        if col == 3:
            due = display.wareki(row.next_action_on, short=True)
            return f"⚠{due}" if due and self._overdue(row) and not due.startswith(display.ODD) else due
        if col == 4:
            return display.wareki(row.last_contact_at, short=True)
        if col == 5:
            return "".join(tr(FIELD_SHORT[c]) for c in FIELD_COLUMNS if row.has_field(c))
        if col == 6:
            return row.address or ""
        if col == 7:
            return self.stations.get(row.station_id or "", "")
        return ""

    def sort(self, column: int, order=Qt.SortOrder.AscendingOrder) -> None:
        if column < 0:
            return  # no column chosen: keep the list's own order (their households first)
        stages = {stage.value: n for n, stage in enumerate(Stage)}
        keys = {
            0: lambda r: (r.lead_staff_id != self.me,),
            1: lambda r: (display.text(r.kana or r.name),),
            2: lambda r: (stages.get(r.stage or "", -1),),
            3: lambda r: (r.next_action_on is None, display.order_key(r.next_action_on)),
            4: lambda r: (r.last_contact_at is None, display.order_key(r.last_contact_at)),
            5: lambda r: (r.field_mask,),
            6: lambda r: (r.address or "",),
            7: lambda r: (self.stations.get(r.station_id or "", ""),),
        }
        self.layoutAboutToBeChanged.emit()
        self.rows.sort(key=keys[column], reverse=order == Qt.SortOrder.DescendingOrder)
        self.layoutChanged.emit()
