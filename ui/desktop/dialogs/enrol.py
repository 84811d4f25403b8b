"""Enrol this laptop on the city's central store: its address and the enrolment ticket.

The ticket (yrs1:…) carries the one-time code with the fingerprints of the store's certificate
and the organisation's key; both are checked before the code is sent. The work (checking,
pinning, making the device keys, registering them) runs off the UI thread; the result shows
the fingerprint the office compares before approving.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QFormLayout, QLabel, QLineEdit, QVBoxLayout

from app.session import Session
from ui.desktop import runner
from ui.desktop.i18n import tr
from ui.desktop.widgets.message_bar import MessageBar


class EnrolDialog(QDialog):
    enrolled = Signal(object)

    def __init__(self, session: Session, parent=None) -> None:
        super().__init__(parent)
        self.session = session
        self.setWindowTitle(tr("中央ストアに登録"))
        self.setAccessibleName(tr("中央ストアに登録"))
        outer = QVBoxLayout(self)
        intro = QLabel(tr("事務局から受け取った中央ストアのアドレスと登録チケット（yrs1: で始まる文字列）を"
                          "入力してください。チケットの指紋と中央ストアが合わなければ、登録コードは送りません。"
                          "登録後、表示される「端末の指紋」を事務局に伝えて承認を受けます。"))
        intro.setWordWrap(True)
        outer.addWidget(intro)
        self.message = MessageBar()
        outer.addWidget(self.message)
        form = QFormLayout()
        self.server = QLineEdit()
        self.server.setPlaceholderText("https://yorisoi.city.local:8443")
        self.server.setAccessibleName(tr("中央ストアのアドレス"))
        self.ticket = QLineEdit()
        self.ticket.setPlaceholderText("yrs1:AEBQ…")
        self.ticket.setAccessibleName(tr("登録チケット"))
        form.addRow(tr("アドレス"), self.server)
        form.addRow(tr("登録チケット"), self.ticket)
        outer.addLayout(form)
        self.result_label = QLabel()
        self.result_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.result_label.setAccessibleName(tr("登録の結果"))
        self.result_label.setWordWrap(True)
        outer.addWidget(self.result_label)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Close)
        self.ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok.setText(tr("登録する"))
        self.buttons.button(QDialogButtonBox.StandardButton.Close).setText(tr("閉じる"))
        self.buttons.accepted.connect(self.submit)
        self.buttons.rejected.connect(self.reject)
        outer.addWidget(self.buttons)

    def submit(self) -> None:
        server, ticket = self.server.text().strip(), "".join(self.ticket.text().split())
        if not server.startswith(("https://", "http://")):
            self.message.show_message(tr("アドレスは https:// で始めてください。"), "refused")
            self.server.setFocus()
            return
        if not ticket:
            self.message.show_message(tr("登録チケットを入力してください。"), "refused")
            self.ticket.setFocus()
            return
        self.ok.setEnabled(False)
        self.message.show_message(tr("確かめて登録しています…"), "info")
        session = self.session
        runner.run(lambda: session.sync.enrol(server, ticket), self._done, self._failed)

    def _done(self, done) -> None:
        self.message.show_message(tr("登録しました。"), "ok")
        if done.bootstrap:
            text = tr("この端末は事務局の端末になりました。組織の鍵をこの端末に作りました。")
        else:
            text = tr("事務局にこの端末の指紋を伝えて、承認を受けてください:\n{fp}").format(fp=done.fingerprint)
        self.result_label.setText(f"{text}\n" + tr("組織の鍵の指紋: {fp}").format(fp=done.org_fingerprint or "—"))
        self.ok.hide()
        self.enrolled.emit(done)

    def _failed(self, exc: Exception) -> None:
        self.ok.setEnabled(True)
        self.message.show_error(exc)
