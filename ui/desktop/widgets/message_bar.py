"""A calm message line at the top of a page: refusals, saved confirmations, problems.

Errors are worded by `app.errors.describe` (Japanese, no internals). A message stays until the
user dismisses it or the next one arrives, so a rule's reason can be read at leisure.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QToolButton

from app.errors import describe
from ui.desktop.i18n import tr

STYLES = {
    "info": "background:#e8f0fe; color:#1a3a6b; border:1px solid #b6c8ee;",
    "ok": "background:#e6f4ea; color:#1e4620; border:1px solid #a8d5b0;",
    "refused": "background:#fff4e5; color:#663c00; border:1px solid #f0c27b;",
    "error": "background:#fdecea; color:#611a15; border:1px solid #f1aeb5;",
}


class MessageBar(QFrame):
    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(8, 4, 4, 4)
        self.text = QLabel("")
        self.text.setWordWrap(True)
        self.text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.text.setAccessibleName(tr("お知らせ"))
        close = QToolButton()
        close.setText("×")
        close.setAccessibleName(tr("お知らせを閉じる"))
        close.clicked.connect(self.hide)
        layout.addWidget(self.text, 1)
        layout.addWidget(close)
        self.hide()

    def show_message(self, text: str, kind: str = "info") -> None:
        self.setStyleSheet(f"QFrame {{{STYLES[kind]} border-radius:4px;}} QLabel {{border:none;}}")
        self.text.setText(text)
        self.show()

    def show_error(self, exc: BaseException) -> None:
        from app.errors import Refused

        self.show_message(describe(exc), "refused" if isinstance(exc, Refused) else "error")
