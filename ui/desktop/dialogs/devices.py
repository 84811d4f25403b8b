"""The office's list of the organisation's devices: approving one that waits, stopping
(revoking) one that is lost or leaves, and what each had not sent when it last said so.

Approving signs the device's keys with the organisation's key, so the office first compares
the fingerprint with the one the laptop shows; the dialog asks for that before signing.
Revoking signs the device's revocation; the dialog says what follows before it signs.
"""

from __future__ import annotations

import datetime as dt

from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QMessageBox,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
)

from app.session import Session
from ui.desktop import runner
from ui.desktop.i18n import N_, tr
from ui.desktop.widgets.message_bar import MessageBar

STATUS = {"pending": N_("承認待ち"), "approved": N_("承認済み"), "revoked": N_("停止")}
ROLE = {"office": N_("事務局"), "worker": N_("支援員")}


class DevicesDialog(QDialog):
    def __init__(self, session: Session, parent=None) -> None:
        super().__init__(parent)
        self.session = session
        self.devices = []
        self.setWindowTitle(tr("組織の端末"))
        self.setAccessibleName(tr("組織の端末"))
        self.resize(880, 420)
        outer = QVBoxLayout(self)
        self.message = MessageBar()
        outer.addWidget(self.message)
        hint = QLabel(tr("承認する前に、端末に表示された指紋とここに表示された指紋が同じことを確かめてください。"
                         "「未送信」は、その端末が最後の同期で報告した、まだ送っていない変更の件数と期間です。"))
        hint.setWordWrap(True)
        outer.addWidget(hint)
        self.table = QTableWidget(0, 6)
        self.table.setHorizontalHeaderLabels([tr("状態"), tr("利用者"), tr("役割"), tr("端末名"), tr("未送信"),
                                              tr("指紋")])
        self.table.setAccessibleName(tr("端末の一覧"))
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.horizontalHeader().setStretchLastSection(True)
        outer.addWidget(self.table, 1)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.button(QDialogButtonBox.StandardButton.Close).setText(tr("閉じる"))
        self.approve_button = QPushButton(tr("選んだ端末を承認…"))
        self.approve_button.setAccessibleName(tr("端末を承認"))
        buttons.addButton(self.approve_button, QDialogButtonBox.ButtonRole.ActionRole)
        self.approve_button.clicked.connect(self.approve_selected)
        self.revoke_button = QPushButton(tr("選んだ端末を失効（停止）…"))
        self.revoke_button.setAccessibleName(tr("端末を失効"))
        buttons.addButton(self.revoke_button, QDialogButtonBox.ButtonRole.ActionRole)
        self.revoke_button.clicked.connect(self.revoke_selected)
        buttons.rejected.connect(self.reject)
        outer.addWidget(buttons)
        self.reload()

    def reload(self, *, quiet: bool = False) -> None:
        if not quiet:
            self.message.show_message(tr("中央ストアから読み込んでいます…"), "info")
        session = self.session
        runner.run(session.sync.devices, lambda devices: self._show(devices, quiet), self.message.show_error)

    def _show(self, devices, quiet: bool = False) -> None:
        if not quiet:
            self.message.hide()
        self.devices = sorted(devices, key=lambda d: (d.status != "pending", d.login, d.name))
        self.table.setRowCount(len(self.devices))
        for row, d in enumerate(self.devices):
            status = tr(STATUS.get(d.status, d.status)) + (tr("（この端末）") if d.this_device else "")
            if d.status == "revoked" and d.revoked_ms is None:
                status += tr("（組織の署名なし）")
            unsent = _unsent(d.unsent)
            if d.imported is not None:
                unsent += tr(" / 取り込み済み {n}件").format(n=d.imported.count)
            for col, text in enumerate((status, d.login, tr(ROLE.get(d.role, d.role)), d.name, unsent,
                                        d.fingerprint)):
                self.table.setItem(row, col, QTableWidgetItem(text))
        self.table.resizeColumnsToContents()
        pending = [i for i, d in enumerate(self.devices) if d.status == "pending"]
        if pending:
            self.table.selectRow(pending[0])

    def selected(self):
        rows = self.table.selectionModel().selectedRows()
        return self.devices[rows[0].row()] if rows else None

    def approve_selected(self, *, confirmed: bool = False) -> None:
        device = self.selected()
        if device is None or device.status != "pending":
            self.message.show_message(tr("承認待ちの端末を選んでください。"), "refused")
            return
        if not confirmed:
            answer = QMessageBox.question(
                self, tr("端末の承認"),
                tr("{login} さんの端末「{name}」を承認します。\n指紋 {fp} が端末の表示と一致していますか。").format(
                    login=device.login, name=device.name, fp=device.fingerprint))
            if answer != QMessageBox.StandardButton.Yes:
                return
        self.message.show_message(tr("承認しています…"), "info")
        session = self.session
        runner.run(lambda: session.sync.approve(device.fingerprint), self._approved, self.message.show_error)

    def revoke_selected(self, *, confirmed: bool = False) -> None:
        device = self.selected()
        if device is None or device.status == "revoked" or device.this_device:
            self.message.show_message(tr("失効する端末（この端末以外の、停止していない端末）を選んでください。"), "refused")
            return
        if not confirmed:
            answer = QMessageBox.question(
                self, tr("端末の失効"),
                tr("{login} さんの端末「{name}」（指紋 {fp}）を失効させます。元には戻せません。\n\n"
                   "・中央ストアはこの端末をただちに拒否し、ほかの端末も組織の署名を確かめて鍵を渡さなくなります。\n"
                   "・この端末は次に接続したとき、まだ送っていない記録を事務局だけが開けるファイルに封印し、"
                   "世帯のデータをすべて消します。\n"
                   "・そのファイルを受け取ったら「停止した端末の未送信ファイルを取り込む」で取り込めば、"
                   "入力された内容は失われません。\n\n失効させますか。").format(
                    login=device.login, name=device.name, fp=device.fingerprint))
            if answer != QMessageBox.StandardButton.Yes:
                return
        self.message.show_message(tr("失効させています…"), "info")
        session = self.session
        runner.run(lambda: session.sync.revoke(device.fingerprint), self._revoked, self.message.show_error)

    def _revoked(self, device) -> None:
        self.message.show_message(tr("失効させました: {login} の「{name}」。中央ストアはこの端末をもう受け付けません。").format(
            login=device.login, name=device.name), "ok")
        self.reload(quiet=True)

    def _approved(self, device) -> None:
        self.message.show_message(tr("承認しました: {login} の「{name}」").format(login=device.login, name=device.name),
                                  "ok")
        self.reload(quiet=True)


def _unsent(unsent) -> str:
    if unsent is None:
        return tr("報告なし")
    said = _when(unsent.reported_ms)
    if not unsent.count:
        return tr("なし（{when}）").format(when=said)
    return tr("{n}件 {first}〜{last}（{when}）").format(n=unsent.count, first=_when(unsent.oldest_ms),
                                                     last=_when(unsent.newest_ms), when=said)


def _when(ms) -> str:
    return dt.datetime.fromtimestamp(ms / 1000).strftime("%m/%d %H:%M") if ms else "?"
