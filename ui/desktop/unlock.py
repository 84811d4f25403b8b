"""Start: choose or create a profile, and unlock it. A wrong passphrase gets a calm message,
the field is cleared, and nothing else happens."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app import profiles
from app.errors import AppError, describe
from app.session import Session
from storage.errors import StorageError, UnlockThrottled, WrongPassphrase
from ui.desktop.i18n import tr


class UnlockDialog(QDialog):
    def __init__(self, folder: Path, parent=None) -> None:
        super().__init__(parent)
        self.folder = Path(folder)
        self.session: Session | None = None
        self.setWindowTitle(tr("寄り添い — プロファイルを開く"))
        layout = QVBoxLayout(self)
        where = QHBoxLayout()
        self.where = QLabel()
        self.where.setAccessibleName(tr("プロファイルのフォルダ"))
        self.where.setWordWrap(True)
        where.addWidget(self.where, 1)
        choose = QPushButton(tr("別のフォルダ…"))
        choose.setAccessibleName(tr("別のフォルダを選ぶ"))
        choose.clicked.connect(self._choose_folder)
        where.addWidget(choose)
        layout.addLayout(where)

        self.passphrase = QLineEdit()
        self.passphrase.setEchoMode(QLineEdit.EchoMode.Password)
        self.passphrase.setAccessibleName(tr("パスフレーズ"))
        self.passphrase.setPlaceholderText(tr("パスフレーズ"))
        layout.addWidget(self.passphrase)

        self.create_box = QWidget()
        create = QFormLayout(self.create_box)
        create.setContentsMargins(0, 0, 0, 0)
        self.owner = QLineEdit()
        self.owner.setAccessibleName(tr("あなたの氏名"))
        self.again = QLineEdit()
        self.again.setEchoMode(QLineEdit.EchoMode.Password)
        self.again.setAccessibleName(tr("パスフレーズ（確認）"))
        self.city = QLineEdit()
        self.city.setAccessibleName(tr("市町村名（様式に印刷）"))
        self.city.setPlaceholderText(tr("例: みその市（あとで 設定 → 市町村名 でも変えられます）"))
        create.addRow(tr("あなたの氏名"), self.owner)
        create.addRow(tr("パスフレーズ（確認）"), self.again)
        create.addRow(tr("市町村名（様式に印刷）"), self.city)
        layout.addWidget(self.create_box)

        self.message = QLabel("")
        self.message.setAccessibleName(tr("メッセージ"))
        self.message.setWordWrap(True)
        layout.addWidget(self.message)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(tr("やめる"))
        self.buttons.accepted.connect(self.try_unlock)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        self.resize(520, 220)
        self._refresh()

    @property
    def creating(self) -> bool:
        return not profiles.exists(self.folder)

    def _refresh(self) -> None:
        self.where.setText(tr("プロファイル: {f}").format(f=self.folder))
        self.create_box.setVisible(self.creating)
        self.ok.setText(tr("新しく作る") if self.creating else tr("開く"))
        self.ok.setAccessibleName(self.ok.text())
        if self.creating:
            self.message.setText(tr("このフォルダにはプロファイルがありません。新しく作るには、氏名と"
                                    "8文字以上のパスフレーズを2回入力してください。"))
        self.passphrase.setFocus()

    def _choose_folder(self) -> None:
        chosen = QFileDialog.getExistingDirectory(self, tr("プロファイルのフォルダ"), str(self.folder.parent))
        if chosen:
            self.folder = Path(chosen)
            self.message.clear()
            self._refresh()

    def try_unlock(self) -> None:
        secret = self.passphrase.text()
        self.passphrase.clear()
        try:
            if self.creating:
                again = self.again.text()
                self.again.clear()
                if secret != again:
                    self.message.setText(tr("2回入力したパスフレーズが一致しません。"))
                    return
                self.session = profiles.create(self.folder, secret, owner_name=self.owner.text().strip() or None,
                                               city_name=self.city.text().strip() or None)
            else:
                self.session = profiles.unlock(self.folder, secret)
        except (WrongPassphrase, UnlockThrottled) as exc:
            self.message.setText(describe(exc))
            if exc.wait_seconds > 0:
                self.ok.setEnabled(False)
                QTimer.singleShot(int(exc.wait_seconds * 1000), lambda: self.ok.setEnabled(True))
            return
        except (StorageError, AppError, OSError) as exc:
            self.message.setText(describe(exc))
            return
        self.accept()
