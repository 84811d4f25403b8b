"""A choice box whose items answer to their number keys: 1 picks the first, 2 the second …

Qt's own keyboard search joins keys typed in quick succession ("21" matches nothing), so a
worker who corrects a choice quickly would be ignored; numbers here act at once.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox

DIGITS = {getattr(Qt.Key, f"Key_{n}"): n for n in range(1, 10)}


class DigitComboBox(QComboBox):
    def keyPressEvent(self, event) -> None:  # noqa: N802 - Qt's name
        number = DIGITS.get(event.key())
        if number is not None and event.modifiers() in (Qt.KeyboardModifier.NoModifier,
                                                        Qt.KeyboardModifier.KeypadModifier):
            if number <= self.count():
                self.setCurrentIndex(number - 1)
            event.accept()
            return
        super().keyPressEvent(event)
