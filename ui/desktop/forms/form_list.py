"""A household's forms: start a new one (pre-filled), continue a draft, review a finished one,
sign one off, print one, and print the running contact record (支援経過記録: every contact with
the household, however it was logged). The screen of a form opens in its own window."""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QFileDialog,
    QHeaderView,
    QLabel,
    QMenu,
    QMessageBox,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app import display
from app.errors import AppError, describe
from app.form_sources import FORM_NAMES, STATUS_LABELS
from app.printing import export_pdf
from app.services.form_records import CONTACT_RECORD
from app.session import Session
from ui.desktop import runner
from ui.desktop.forms.form_screen import FormScreen
from ui.desktop.i18n import N_, tr
from ui.desktop.widgets.adaptive import FlowLayout, fit_to_screen

# Five columns fit a narrow pane (1366×768 at 150 %): the version rides with the name when it
# is not the first, the sign-off with the status; the name takes what is left.
COLUMNS = (N_("様式"), N_("名称"), N_("状態"), N_("作成日"), N_("完成日"))
NAME_COLUMN = 1


class HouseholdForms(QWidget):
    changed = Signal()

    def __init__(self, session: Session, household_id: str, parent=None) -> None:
        super().__init__(parent)
        self.session, self.household_id = session, household_id
        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setHorizontalHeaderLabels([tr(c) for c in COLUMNS])
        self.table.verticalHeader().hide()
        self.table.setWordWrap(False)
        self.table.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        header = self.table.horizontalHeader()
        for col in range(len(COLUMNS)):
            header.setSectionResizeMode(col, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(NAME_COLUMN, QHeaderView.ResizeMode.Stretch)
        self.table.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.setAccessibleName(tr("様式の一覧"))
        self.table.doubleClicked.connect(lambda _index: self.open_selected())
        self.new_button = QPushButton(tr("新しい様式…"))
        self.new_button.setMenu(self._menu())
        self.open_button = QPushButton(tr("開く（続き・確認）"))
        self.open_button.clicked.connect(self.open_selected)
        self.sign_button = QPushButton(tr("確認済みにする"))
        self.sign_button.clicked.connect(self.sign_selected)
        self.discard_button = QPushButton(tr("下書きを破棄…"))
        self.discard_button.setToolTip(tr("選んだ下書きを捨てます（確認があります）。完成した様式は破棄できません。"))
        self.discard_button.clicked.connect(self.ask_discard_selected)
        self.history_button = QPushButton(tr("支援経過記録を PDF に…"))
        self.history_button.setToolTip(tr("この世帯の訪問・接触の記録を、古い順にすべて印刷します（訂正は元の記録の下に）。"))
        self.history_button.clicked.connect(self.choose_history_pdf)
        bar_box = QWidget()
        bar = FlowLayout(bar_box)
        for button in (self.new_button, self.open_button, self.sign_button, self.discard_button, self.history_button):
            bar.addWidget(button)
        self.message = QLabel("")
        self.message.setWordWrap(True)
        self.message.setAccessibleName(tr("様式のメッセージ"))
        self.message.hide()
        layout = QVBoxLayout(self)
        layout.addWidget(bar_box)
        layout.addWidget(self.message)
        layout.addWidget(self.table)
        self.screen: FormScreen | None = None
        self.refresh()

    def _menu(self) -> QMenu:
        menu = QMenu(self)
        for definition in (d for form_id in self.session.form_filling.form_set.form_ids()
                           for d in self.session.form_filling.form_set.variants(form_id)):
            action = menu.addAction(f"{definition.form_no}　{definition.display_title}")
            action.triggered.connect(lambda _=False, d=definition: self.start(d.id, d.variant or None))
        return menu

    def refresh(self) -> None:
        self.records = list(reversed(self.session.forms.for_household(self.household_id)))
        self.table.setRowCount(len(self.records))
        for row, record in enumerate(self.records):
            name = FORM_NAMES.get(record.form_id, "")
            if (record.form_version or 1) > 1:
                name += tr("（第{n}版）").format(n=record.form_version)
            status = STATUS_LABELS.get(record.status, record.status)
            if record.signed_by:
                status += tr("・確認済")
            values = (record.form_id, name, status, display.wareki(record.created_at, short=True),
                      display.wareki(record.completed_on, short=True))
            for col, value in enumerate(values):
                self.table.setItem(row, col, QTableWidgetItem(value))

    def selected(self):
        row = self.table.currentRow()
        return self.records[row] if 0 <= row < len(self.records) else None

    def start(self, form_id: str, variant: str | None = None) -> FormScreen:
        return self._show(FormScreen(self.session, self.household_id, form_id, variant=variant))

    def open_selected(self) -> FormScreen | None:
        record = self.selected()
        return self._show(FormScreen(self.session, self.household_id, record_id=record.id)) if record else None

    def _screen_saved(self, _record_id: str) -> None:
        self.refresh()
        self.changed.emit()

    def sign_selected(self) -> None:
        record = self.selected()
        if record is None:
            return
        try:
            self.session.form_filling.sign_off(record.id)
        except AppError as exc:
            self._say(describe(exc))
        else:
            self._say(tr("確認済みにしました。印刷すると確認者と日付が入ります。"))
        self.refresh()
        self.changed.emit()

    def ask_discard_selected(self) -> None:
        record = self.selected()
        if record is None:
            return
        if record.status != "draft":
            self._say(tr("完成した様式は破棄できません（下書きだけが破棄できます）。"))
            return
        answer = QMessageBox.question(self, tr("下書きを破棄"),
                                      tr("「{name}」の下書きを破棄しますか？記入した内容は元に戻せません。")
                                      .format(name=FORM_NAMES.get(record.form_id, record.form_id)),
                                      QMessageBox.StandardButton.Discard | QMessageBox.StandardButton.Cancel,
                                      QMessageBox.StandardButton.Cancel)
        if answer == QMessageBox.StandardButton.Discard:
            self.discard(record.id)

    def discard(self, record_id: str) -> None:
        try:
            self.session.form_filling.discard(record_id)
        except AppError as exc:
            self._say(describe(exc))
        else:
            self._say(tr("下書きを破棄しました。"))
        self.refresh()
        self.changed.emit()

    def choose_history_pdf(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self, tr("PDF の保存先"), tr("支援経過記録.pdf"), "PDF (*.pdf)")
        if path:
            self.export_history_to(path)

    def export_history_to(self, path: str) -> None:
        """Rendering many contacts takes a moment: done on a worker, the result said here."""
        self.history_button.setEnabled(False)
        self._say(tr("PDF を作成しています…"))

        def done(printed) -> None:
            self.history_button.setEnabled(True)
            self._say(tr("PDF を作成しました（{pages}ページ）: {path}　個人情報を含むため、取扱いに注意してください。")
                      .format(pages=printed.pages, path=printed.path))

        def failed(exc: Exception) -> None:
            self.history_button.setEnabled(True)
            self._say(describe(exc))

        runner.run(lambda: export_pdf(self.session, self.household_id, CONTACT_RECORD, path), done, failed)

    def _say(self, text: str) -> None:
        self.message.setText(text)
        self.message.show()

    def _show(self, screen: FormScreen) -> FormScreen:
        # The window of a form belongs to the main window, not to this list: it stays open (with
        # what was typed) when another household is opened or the window locks and clears it.
        dialog = QDialog(self.window())
        dialog.setWindowTitle(screen.definition.display_title)
        layout = QVBoxLayout(dialog)
        layout.addWidget(screen)
        screen.saved.connect(self._screen_saved)
        screen.discarded.connect(self._screen_saved)
        screen.closed.connect(dialog.accept)
        dialog.show()
        fit_to_screen(dialog, QSize(960, 760))
        self.screen = screen
        self.refresh()
        return screen
