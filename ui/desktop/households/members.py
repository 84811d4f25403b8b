"""The members of a household: relation, age today, birth date in 和暦 and 西暦, fields."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableWidget, QTableWidgetItem

from app.model import Person
from app.vocab import Field
from forms.wareki import format_wareki
from ui.desktop.i18n import label, tr

PERSON_ROLE = Qt.ItemDataRole.UserRole + 4


class MembersTable(QTableWidget):
    edit_requested = Signal(str)

    def __init__(self, parent=None) -> None:
        super().__init__(0, 5, parent)
        self.setAccessibleName(tr("世帯員"))
        self.setHorizontalHeaderLabels([tr("氏名"), tr("続柄"), tr("年齢"), tr("生年月日"), tr("分野")])
        self.verticalHeader().hide()
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for col in (1, 2, 3, 4):
            self.horizontalHeader().setSectionResizeMode(col, QHeaderView.ResizeMode.ResizeToContents)
        self.itemActivated.connect(lambda item: self.edit_requested.emit(item.data(PERSON_ROLE)))

    def show_persons(self, persons: list[Person]) -> None:
        today = dt.date.today()
        self.setRowCount(len(persons))
        for row, person in enumerate(persons):
            age = person.age_on(today)
            born = ""
            if person.birth_date:
                born = f"{format_wareki(person.birth_date)}\n（{person.birth_date}）"
            fields = "・".join(label(f) for f in Field if getattr(person, f.value, 0))
            name = person.name + (f"\n{person.kana}" if person.kana else "")
            cells = (name, person.relation or "", tr("{n}歳").format(n=age) if age is not None else "", born, fields)
            for col, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setData(PERSON_ROLE, person.id)
                self.setItem(row, col, item)
        self.resizeRowsToContents()
        height = self.horizontalHeader().height() + sum(self.rowHeight(r) for r in range(self.rowCount())) + 4
        self.setMinimumHeight(min(height, 260))
        self.setMaximumHeight(max(height, 80))

    def current_person(self) -> str | None:
        item = self.currentItem()
        return item.data(PERSON_ROLE) if item else None
