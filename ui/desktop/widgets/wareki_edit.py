"""A date field that accepts what staff type: R7.4.1, 令和7年4月1日, S15.3.2, 2025-04-01 …

Below the field a hint shows how the date was understood (令和7年4月1日（2025-04-01）) or,
in red, why it could not be read. What was typed is never replaced or lost.
"""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QLabel, QLineEdit, QVBoxLayout, QWidget

from forms.wareki import WarekiError, format_both, format_wareki, parse_date
from ui.desktop.i18n import tr


class WarekiDateEdit(QWidget):
    changed = Signal()

    def __init__(self, accessible_name: str, parent=None, *, optional: bool = True) -> None:
        super().__init__(parent)
        self.optional = optional
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        self.edit = QLineEdit()
        self.edit.setAccessibleName(accessible_name)
        self.edit.setPlaceholderText(tr("例: R7.4.1 / 令和7年4月1日 / 2025-04-01"))
        self.hint = QLabel("")
        self.hint.setAccessibleName(accessible_name + tr("の読み取り結果"))
        layout.addWidget(self.edit)
        layout.addWidget(self.hint)
        self.setFocusProxy(self.edit)
        self.edit.textChanged.connect(self._update)

    def set_date(self, day: dt.date | str | None, *, short: bool = True) -> None:
        self.edit.setText(format_wareki(day, short=short) if day else "")

    def text(self) -> str:
        return self.edit.text()

    def date(self) -> dt.date | None:
        """The date, or None when empty; raises WarekiError when it cannot be read."""
        text = self.edit.text().strip()
        if not text:
            if self.optional:
                return None
            raise WarekiError(tr("日付を入力してください。"))
        return parse_date(text)

    def _update(self) -> None:
        try:
            day = self.date()
        except WarekiError as exc:
            self.hint.setText(str(exc))
            self.hint.setStyleSheet("color: #b3261e;")
        else:
            self.hint.setText(format_both(day) if day else "")
            self.hint.setStyleSheet("color: #555;")
        self.changed.emit()
