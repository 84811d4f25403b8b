"""Choosing a household from anywhere (for Ctrl+L when none is open): type, pick, Enter."""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QDialog, QLabel, QLineEdit, QListWidget, QListWidgetItem, QVBoxLayout

from app.session import Session
from ui.desktop import runner
from ui.desktop.i18n import tr

ID_ROLE = Qt.ItemDataRole.UserRole + 6


class PickHouseholdDialog(QDialog):
    def __init__(self, session: Session, parent=None) -> None:
        super().__init__(parent)
        self.session = session
        self.chosen: tuple[str, str] | None = None
        self.setWindowTitle(tr("世帯を選ぶ"))
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(tr("接触を記録する世帯の名前・ふりがな・住所を入力して Enter")))
        self.query = QLineEdit()
        self.query.setAccessibleName(tr("世帯の検索"))
        layout.addWidget(self.query)
        self.list = QListWidget()
        self.list.setAccessibleName(tr("候補の世帯"))
        layout.addWidget(self.list)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(120)
        self._timer.timeout.connect(self._search)
        self.query.textChanged.connect(lambda _: self._timer.start())
        self.query.returnPressed.connect(self._accept_current)
        self.list.itemActivated.connect(lambda _: self._accept_current())
        self.resize(460, 360)

    def _search(self) -> None:
        text = self.query.text().strip()
        if not text:
            self.list.clear()
            return
        session = self.session

        def find():
            seen, out = set(), []
            for hit in session.search.find(text, limit=60):
                if hit.household_id and hit.household_id not in seen:
                    seen.add(hit.household_id)
                    out.append((hit.household_id, hit.household_name))
            return out

        runner.run(find, self._show)

    def _show(self, households) -> None:
        self.list.clear()
        for hid, name in households:
            item = QListWidgetItem(name)
            item.setData(ID_ROLE, hid)
            self.list.addItem(item)
        if households:
            self.list.setCurrentRow(0)

    def _accept_current(self) -> None:
        item = self.list.currentItem()
        if item is not None:
            self.chosen = (item.data(ID_ROLE), item.text())
            self.accept()
