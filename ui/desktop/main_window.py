"""The main window: for now, the household list of the unlocked profile."""

from __future__ import annotations

from PySide6.QtCore import QAbstractTableModel, QModelIndex, Qt
from PySide6.QtWidgets import QMainWindow, QTableView

from app.session import Session
from app.vocab import Stage

COLUMNS = ("世帯名", "住所", "段階", "次回予定日")


class HouseholdTable(QAbstractTableModel):
    def __init__(self, session: Session) -> None:
        super().__init__()
        self.rows = session.households.rows()

    def rowCount(self, parent=QModelIndex()) -> int:  # noqa: N802 - Qt's name
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent=QModelIndex()) -> int:  # noqa: N802
        return len(COLUMNS)

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):  # noqa: N802
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return COLUMNS[section]
        return None

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        row = self.rows[index.row()]
        stage = Stage(row.stage).label if row.stage else "（ケースなし）"
        return (row.name, row.address or "", stage, row.next_action_on or "")[index.column()]


class MainWindow(QMainWindow):
    def __init__(self, session: Session) -> None:
        super().__init__()
        self.session = session
        self.setWindowTitle("寄り添い")
        self.table = QTableView()
        self.table.setModel(HouseholdTable(session))
        self.table.setAccessibleName("世帯一覧")
        self.setCentralWidget(self.table)
        self.resize(1000, 640)
