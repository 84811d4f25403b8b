"""The members of a household: name and kana, relation, age today, birth date in 和暦 and 西暦,
fields. One wrapping entry per member rather than a table of columns, so a name is never cut
(髙﨑 𠮷男, 西村 美代子) however narrow the pane is at 150 %."""

from __future__ import annotations

import datetime as dt
import html

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QListWidgetItem

from app import display
from app.model import Person
from app.vocab import Field
from ui.desktop.i18n import label, tr
from ui.desktop.widgets.rich_list import HTML_ROLE, INDENT_ROLE, RichList

PERSON_ROLE = Qt.ItemDataRole.UserRole + 4
MAX_HEIGHT = 260


def _lines(person: Person, today: dt.date) -> tuple[str, str]:
    """(first line, second line) as plain text, the name first and whole."""
    age = person.age_on(today)
    head = "　".join(x for x in (display.text(person.name), display.text(person.relation), tr("{n}歳").format(n=age) if age is not None else "") if x)
    born = display.both(person.birth_date)
    fields = "・".join(label(f) for f in Field if getattr(person, f.value, 0))
    return head, "　".join(x for x in (display.text(person.kana), born, fields) if x)


def _html(person: Person, today: dt.date) -> str:
    head, second = _lines(person, today)
    name = display.text(person.name)
    out = f"<b>{html.escape(name)}</b>{html.escape(head[len(name):])}"
    return out + (f"<br><span style='color:#555'>{html.escape(second)}</span>" if second else "")


class MembersTable(RichList):
    edit_requested = Signal(str)

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.setAccessibleName(tr("世帯員"))
        self.setToolTip(tr("Enter またはダブルクリックで世帯員を編集します。"))
        self._persons: list[str] = []
        self.fit_height = False  # beside the case (stacked): only as tall as its members
        self.itemActivated.connect(lambda item: self.edit_requested.emit(item.data(PERSON_ROLE)))

    def show_persons(self, persons: list[Person]) -> None:
        today = dt.date.today()
        self.clear()
        self._persons = [p.id for p in persons]
        for person in persons:
            head, second = _lines(person, today)
            item = QListWidgetItem(f"{head} {second}")
            item.setData(PERSON_ROLE, person.id)
            item.setData(HTML_ROLE, _html(person, today))
            item.setData(INDENT_ROLE, 0)
            item.setData(Qt.ItemDataRole.AccessibleTextRole, f"{head} {second}")
            self.addItem(item)
        self.set_fit_height(self.fit_height)

    def set_fit_height(self, fit: bool) -> None:
        self.fit_height = fit
        self.doItemsLayout()
        height = sum(self.sizeHintForRow(r) for r in range(self.count())) + 2 * self.frameWidth() + 4
        self.setMaximumHeight(max(60, min(height, MAX_HEIGHT)) if fit else 16_777_215)

    def rowCount(self) -> int:  # noqa: N802 - the table's name, kept for callers
        return self.count()

    def current_person(self) -> str | None:
        item = self.currentItem()
        return item.data(PERSON_ROLE) if item else None
