"""The unlock dialog: a passphrase, a calm message when it is wrong, and nothing else."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QLineEdit, QVBoxLayout

from app import profiles
from app.errors import describe
from app.session import Session
from storage.errors import StorageError, UnlockThrottled, WrongPassphrase


class UnlockDialog(QDialog):
    def __init__(self, folder: Path, parent=None) -> None:
        super().__init__(parent)
        self.folder = folder
        self.session: Session | None = None
        self.setWindowTitle("寄り添い — ロック解除")
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(f"プロファイル: {folder}"))
        self.passphrase = QLineEdit()
        self.passphrase.setEchoMode(QLineEdit.EchoMode.Password)
        self.passphrase.setAccessibleName("パスフレーズ")
        self.passphrase.setPlaceholderText("パスフレーズ")
        layout.addWidget(self.passphrase)
        self.message = QLabel("")
        self.message.setAccessibleName("メッセージ")
        self.message.setWordWrap(True)
        layout.addWidget(self.message)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText("開く")
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("やめる")
        self.buttons.accepted.connect(self.try_unlock)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        if not profiles.exists(folder):
            self.message.setText(f"このフォルダにはプロファイルがありません: {folder}")
            self.passphrase.setEnabled(False)
            self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(False)

    def try_unlock(self) -> None:
        secret = self.passphrase.text()
        self.passphrase.clear()
        try:
            self.session = profiles.unlock(self.folder, secret)
        except (WrongPassphrase, UnlockThrottled) as exc:
            self.message.setText(describe(exc))
            wait = exc.wait_seconds
            if wait > 0:
                self._hold(wait)
            return
        except StorageError as exc:
            self.message.setText(describe(exc))
            return
        self.accept()

    def _hold(self, seconds: float) -> None:
        ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        ok.setEnabled(False)
        QTimer.singleShot(int(seconds * 1000), lambda: ok.setEnabled(True))
