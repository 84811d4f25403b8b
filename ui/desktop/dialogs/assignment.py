"""The office's 担当 of a household: who the organisation's signed statements make its workers,
adding one, taking one off (a signed removal and a new key: their devices forget the household),
and the staff transfer (人事異動) of one worker's households to another in one action.

Every change is signed with the organisation's key on this (office) device and goes to the
central store at once; the calls run off the UI thread."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.session import Session
from ui.desktop import runner
from ui.desktop.i18n import tr
from ui.desktop.widgets.adaptive import FlowLayout
from ui.desktop.widgets.message_bar import MessageBar


class AssignmentDialog(QDialog):
    def __init__(self, session: Session, household_id: str | None, name: str = "", parent=None) -> None:
        super().__init__(parent)
        self.session = session
        self.household_id = household_id
        self.setWindowTitle(tr("担当と人事異動"))
        self.setAccessibleName(tr("担当と人事異動"))
        outer = QVBoxLayout(self)
        self.message = MessageBar()
        outer.addWidget(self.message)
        hint = QLabel(tr("担当の追加・解除と人事異動は組織の鍵で署名されます。担当を外れた職員の端末は、次の同期でその世帯のデータを消去します。"))
        hint.setWordWrap(True)
        outer.addWidget(hint)

        self.members = QListWidget()
        self.members.setAccessibleName(tr("この世帯の担当者"))
        self.add_login = QLineEdit()
        self.add_login.setAccessibleName(tr("担当に加える利用者名"))
        self.add_button = QPushButton(tr("担当に加える"))
        self.remove_button = QPushButton(tr("選んだ担当者を外す…"))
        household_box = QWidget()
        household_layout = QVBoxLayout(household_box)
        household_layout.setContentsMargins(0, 0, 0, 0)
        household_layout.addWidget(QLabel(tr("「{name}」の担当者（事務局は全世帯の担当です）").format(name=name)))
        household_layout.addWidget(self.members)
        row = QWidget()
        flow = FlowLayout(row)
        for widget in (self.add_login, self.add_button, self.remove_button):
            flow.addWidget(widget)
        household_layout.addWidget(row)
        household_box.setVisible(household_id is not None)
        outer.addWidget(household_box)

        outer.addWidget(QLabel(tr("人事異動（担当世帯の引き継ぎ）")))
        form = QFormLayout()
        self.source = QLineEdit()
        self.source.setAccessibleName(tr("異動元の利用者名"))
        self.target = QLineEdit()
        self.target.setAccessibleName(tr("引き継ぐ職員の利用者名"))
        self.only_this = QCheckBox(tr("この世帯だけ引き継ぐ"))
        self.only_this.setVisible(household_id is not None)
        form.addRow(tr("異動元"), self.source)
        form.addRow(tr("引き継ぐ職員"), self.target)
        form.addRow("", self.only_this)
        outer.addLayout(form)
        self.transfer_button = QPushButton(tr("引き継ぐ…"))
        self.transfer_button.setAccessibleName(tr("人事異動で引き継ぐ"))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.button(QDialogButtonBox.StandardButton.Close).setText(tr("閉じる"))
        buttons.addButton(self.transfer_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.rejected.connect(self.reject)
        outer.addWidget(buttons)

        self.add_button.clicked.connect(self.add_selected)
        self.remove_button.clicked.connect(lambda: self.remove_selected())
        self.transfer_button.clicked.connect(lambda: self.transfer())
        self.members.currentTextChanged.connect(self.source.setText)
        self.reload()

    def _busy(self, text: str) -> None:
        self.message.show_message(text, "info")
        for button in (self.add_button, self.remove_button, self.transfer_button):
            button.setEnabled(False)

    def _idle(self) -> None:
        for button in (self.add_button, self.remove_button, self.transfer_button):
            button.setEnabled(True)

    def _failed(self, exc: BaseException) -> None:
        self._idle()
        self.message.show_error(exc)

    def reload(self) -> None:
        if self.household_id is None:
            return
        session, household_id = self.session, self.household_id
        runner.run(lambda: session.sync.members_of(household_id), self._show, self._failed)

    def _show(self, logins: list[str]) -> None:
        self._idle()
        self.members.clear()
        self.members.addItems(logins)

    def add_selected(self) -> None:
        login = self.add_login.text().strip()
        if not login:
            self.message.show_message(tr("担当に加える職員の利用者名を入れてください。"), "refused")
            return
        self._busy(tr("署名して中央ストアに送っています…"))
        session, household_id = self.session, self.household_id
        runner.run(lambda: session.sync.assign(household_id, login),
                   lambda _: self._done(tr("{login} さんを担当に加えました。").format(login=login)), self._failed)

    def remove_selected(self, *, confirmed: bool = False) -> None:
        item = self.members.currentItem()
        if item is None:
            self.message.show_message(tr("外す担当者を選んでください。"), "refused")
            return
        login = item.text()
        if not confirmed and QMessageBox.question(
                self, tr("担当を外す"),
                tr("{login} さんをこの世帯の担当から外します。世帯の鍵を新しくし、{login} さんの端末からこの世帯のデータを消去します。よろしいですか。")
                .format(login=login)) != QMessageBox.StandardButton.Yes:
            return
        self._busy(tr("署名して鍵を新しくしています…"))
        session, household_id = self.session, self.household_id
        runner.run(lambda: session.sync.unassign(household_id, login),
                   lambda _: self._done(tr("{login} さんを担当から外しました。").format(login=login)), self._failed)

    def transfer(self, *, confirmed: bool = False) -> None:
        source, target = self.source.text().strip(), self.target.text().strip()
        if not source or not target:
            self.message.show_message(tr("異動元と引き継ぐ職員の利用者名を入れてください。"), "refused")
            return
        chosen = [self.household_id] if self.household_id and self.only_this.isChecked() else None
        what = tr("この世帯") if chosen else tr("{s} さんの担当世帯すべて").format(s=source)
        if not confirmed and QMessageBox.question(
                self, tr("人事異動"),
                tr("{what}を {t} さんに引き継ぎます（経過に「担当交代」を記録し、鍵を新しくします）。よろしいですか。")
                .format(what=what, t=target)) != QMessageBox.StandardButton.Yes:
            return
        self._busy(tr("引き継いでいます…"))
        session = self.session
        runner.run(lambda: session.sync.transfer(source, target, chosen),
                   lambda moved: self._done(tr("{n} 世帯を {t} さんに引き継ぎました。").format(n=len(moved), t=target)),
                   self._failed)

    def _done(self, text: str) -> None:
        self._idle()
        self.message.show_message(text, "ok")
        self.reload()
