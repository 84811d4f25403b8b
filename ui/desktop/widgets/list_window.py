"""A window that is a list to work through (the directory, what is due).

Enter on a row opens it (the table's `activated`) and must not also close the window, which a
QDialog does by default; the window opens no larger than the screen's free area.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog

from ui.desktop.widgets.adaptive import fit_to_screen


class ListWindow(QDialog):
    def keyPressEvent(self, event) -> None:  # noqa: N802 - Qt's name
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            event.accept()
            return
        super().keyPressEvent(event)

    def showEvent(self, event) -> None:  # noqa: N802 - Qt's name
        super().showEvent(event)
        if not self.property("fitted"):
            self.setProperty("fitted", True)
            fit_to_screen(self, self.size())
