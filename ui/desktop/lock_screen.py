"""The lock screen: nothing personal, a passphrase field, and a calm message when it is wrong."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QLabel, QLineEdit, QPushButton, QVBoxLayout, QWidget

from app import profiles
from app.errors import describe
from storage.errors import UnlockThrottled, WrongPassphrase
from ui.desktop import runner
from ui.desktop.i18n import N_, tr

REASONS = {"idle": N_("しばらく操作がなかったため、画面をロックしました。"),
           "sleep": N_("パソコンがスリープしていたため、画面をロックしました。"),
           "manual": N_("画面をロックしました。")}


class LockScreen(QWidget):
    unlocked = Signal()

    def __init__(self, folder: Path, parent=None) -> None:
        super().__init__(parent)
        self.folder = folder
        layout = QVBoxLayout(self)
        layout.addStretch(1)
        self.reason = QLabel(tr(REASONS["manual"]))
        self.reason.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.reason.setAccessibleName(tr("ロックの理由"))
        layout.addWidget(self.reason)
        self.passphrase = QLineEdit()
        self.passphrase.setEchoMode(QLineEdit.EchoMode.Password)
        self.passphrase.setPlaceholderText(tr("パスフレーズ"))
        self.passphrase.setAccessibleName(tr("パスフレーズ"))
        self.passphrase.setMaximumWidth(360)
        self.passphrase.returnPressed.connect(self.try_unlock)
        layout.addWidget(self.passphrase, 0, Qt.AlignmentFlag.AlignHCenter)
        self.button = QPushButton(tr("ロックを解除"))
        self.button.setAccessibleName(tr("ロックを解除"))
        self.button.clicked.connect(self.try_unlock)
        layout.addWidget(self.button, 0, Qt.AlignmentFlag.AlignHCenter)
        self.message = QLabel("")
        self.message.setAccessibleName(tr("メッセージ"))
        self.message.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.message.setWordWrap(True)
        layout.addWidget(self.message)
        layout.addStretch(2)

    def prepare(self, reason: str) -> None:
        self.reason.setText(tr(REASONS.get(reason, REASONS["manual"])))
        self.message.clear()
        self.passphrase.clear()
        self.passphrase.setFocus()

    def try_unlock(self) -> None:
        secret = self.passphrase.text()
        self.passphrase.clear()
        self.button.setEnabled(False)
        self.passphrase.setEnabled(False)
        folder = self.folder
        # Key derivation takes ~0.3 s: off the UI thread.
        runner.run(lambda: profiles.verify_passphrase(folder, secret), lambda _: self._done(None), self._done)

    def _done(self, error) -> None:
        self.button.setEnabled(True)
        self.passphrase.setEnabled(True)
        self.passphrase.setFocus()
        if error is None:
            self.message.clear()
            self.unlocked.emit()
            return
        self.message.setText(describe(error))
        if isinstance(error, WrongPassphrase | UnlockThrottled) and error.wait_seconds > 0:
            from PySide6.QtCore import QTimer

            self.button.setEnabled(False)
            QTimer.singleShot(int(error.wait_seconds * 1000), lambda: self.button.setEnabled(True))
