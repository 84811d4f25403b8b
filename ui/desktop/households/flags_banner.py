"""What a merge flagged in this household: shown above the household until someone has looked.

A flag never blocks anything; it says what another device's change made doubtful (a visit on
a case that was closed meanwhile, two stage changes at once) and is dismissed with 確認しました.
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QVBoxLayout

from ui.desktop.i18n import tr

STYLE = "QFrame#flags {background:#fff4e5; border:1px solid #f0c27b; border-radius:4px;}"


class FlagsBanner(QFrame):
    resolve_requested = Signal(str)

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.setObjectName("flags")
        self.setStyleSheet(STYLE)
        self.setAccessibleName(tr("同期で確認が必要な事項"))
        self.rows = QVBoxLayout(self)
        self.rows.setContentsMargins(8, 4, 4, 4)
        self.hide()

    def show_flags(self, flags) -> None:
        while self.rows.count():
            item = self.rows.takeAt(0)
            if item.widget() is not None:
                item.widget().deleteLater()
        for flag in flags:
            line = QHBoxLayout()
            text = QLabel("⚠ " + flag.message)
            text.setWordWrap(True)
            button = QPushButton(tr("確認しました"))
            button.setAccessibleName(tr("確認しました: {m}").format(m=flag.message[:30]))
            button.clicked.connect(lambda _=False, fid=flag.id: self.resolve_requested.emit(fid))
            line.addWidget(text, 1)
            line.addWidget(button)
            holder = QFrame()
            holder.setLayout(line)
            self.rows.addWidget(holder)
        self.setVisible(bool(flags))
