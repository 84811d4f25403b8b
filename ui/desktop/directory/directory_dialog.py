"""名簿: the city's agencies, staff, stations and resources, one tab each.

Each tab lists its entries (retired ones on request) with a filter, and adds (Alt+A), edits
(Enter or Alt+E) and retires or restores (Alt+R) them; a CSV file can be loaded (Alt+I: all or
nothing, its problems listed by line) or written (Alt+X). The selected entry's whole record is
written under the list, so a column cut short by a narrow screen is still readable.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSortFilterProxyModel, Qt
from PySide6.QtGui import QKeySequence, QShortcut, QStandardItem, QStandardItemModel
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from app import directory_csv
from app.services.directory import is_active
from app.session import Session
from app.vocab import StaffRole
from ui.desktop.directory.entry_dialog import KIND_LABELS, DirectoryEntryDialog
from ui.desktop.i18n import N_, label_of, tr
from ui.desktop.widgets.adaptive import FlowLayout
from ui.desktop.widgets.list_window import ListWindow
from ui.desktop.widgets.message_bar import MessageBar

ORDER = ("agencies", "staff", "stations", "resources")
ID_ROLE = Qt.ItemDataRole.UserRole + 1
# The columns each tab shows: (head, how to read it). The first is always whole; the last
# stretches and elides (its tooltip, and the line under the list, are whole).
COLUMNS = {
    "agencies": ((N_("機関名"), "name"), (N_("状態"), "state"), (N_("電話"), "phone"), (N_("担当者"), "contact_person"),
                 (N_("種別・地域"), "kind_area")),
    "staff": ((N_("氏名"), "name"), (N_("状態"), "state"), (N_("ログイン名"), "login"), (N_("役割・所属"), "role_place")),
    "stations": ((N_("ステーション名"), "name"), (N_("状態"), "state"), (N_("表示順"), "sort_order"), (N_("地域"), "area")),
    "resources": ((N_("名称"), "name"), (N_("状態"), "state"), (N_("種類"), "kind"), (N_("地域・連絡先"), "area_contact")),
}
# The spreadsheet's column heads and states (app/directory_csv.py), named here for translation.
SHEET_WORDS = (N_("名称"), N_("地域"), N_("表示順"), N_("状態"), N_("種別"), N_("ステーション"), N_("担当者"), N_("電話"),
               N_("住所"), N_("メモ"), N_("ログイン名"), N_("氏名"), N_("ふりがな"), N_("所属機関"), N_("役割"), N_("種類"),
               N_("連絡先"), N_("説明"), N_("使用中"), N_("廃止"))


class DirectoryTab(QWidget):
    def __init__(self, session: Session, kind: str, message: MessageBar, parent=None) -> None:
        super().__init__(parent)
        self.session, self.kind, self.message = session, kind, message
        self.dialog: QDialog | None = None
        self.entries: dict[str, object] = {}
        layout = QVBoxLayout(self)
        top = QHBoxLayout()
        self.filter = QLineEdit()
        self.filter.setPlaceholderText(tr("絞り込み（名前・種別・地域など）"))
        self.filter.setAccessibleName(tr("{kind}の絞り込み").format(kind=tr(KIND_LABELS[kind])))
        self.filter.setClearButtonEnabled(True)
        top.addWidget(self.filter, 1)
        self.show_retired = QCheckBox(tr("廃止したものも表示"))
        top.addWidget(self.show_retired)
        layout.addLayout(top)

        self.model = QStandardItemModel(0, len(COLUMNS[kind]), self)
        self.model.setHorizontalHeaderLabels([tr(head) for head, _ in COLUMNS[kind]])
        self.proxy = QSortFilterProxyModel(self)
        self.proxy.setSourceModel(self.model)
        self.proxy.setFilterCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.proxy.setFilterKeyColumn(-1)
        self.table = QTableView()
        self.table.setModel(self.proxy)
        self.table.setAccessibleName(tr("{kind}の一覧").format(kind=tr(KIND_LABELS[kind])))
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(-1, Qt.SortOrder.AscendingOrder)  # the directory's order until a head is clicked
        self.table.verticalHeader().hide()
        self.table.setWordWrap(False)
        self.table.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        last = len(COLUMNS[kind]) - 1
        self.table.setProperty("elided_columns", [last])
        header = self.table.horizontalHeader()
        for col in range(last):
            header.setSectionResizeMode(col, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(last, QHeaderView.ResizeMode.Stretch)
        layout.addWidget(self.table, 1)
        self.detail = QLabel("")
        self.detail.setWordWrap(True)
        self.detail.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.detail.setAccessibleName(tr("選んだ項目の内容"))
        self.detail.setStyleSheet("color: #333;")
        layout.addWidget(self.detail)

        buttons = QWidget()
        flow = FlowLayout(buttons, spacing=6)
        self.add_button = self._button(flow, tr("追加(&A)…"), self.add)
        self.edit_button = self._button(flow, tr("編集(&E)…"), self.edit)
        self.retire_button = self._button(flow, tr("廃止(&R)"), self.toggle_retired)
        self.import_button = self._button(flow, tr("CSV から取り込み(&I)…"), self.choose_import)
        self.export_button = self._button(flow, tr("CSV に書き出し(&X)…"), self.choose_export)
        layout.addWidget(buttons)

        self.filter.textChanged.connect(self.proxy.setFilterFixedString)
        self.show_retired.toggled.connect(lambda _: self.reload())
        self.table.activated.connect(lambda _: self.edit())
        self.table.selectionModel().currentRowChanged.connect(lambda *_: self._selected())
        QShortcut(QKeySequence(Qt.Key.Key_Insert), self, activated=self.add)
        QShortcut(QKeySequence.StandardKey.Find, self, activated=self.filter.setFocus)
        self.reload()

    def _button(self, flow, text: str, slot):
        from PySide6.QtWidgets import QPushButton

        button = QPushButton(text)
        button.clicked.connect(slot)
        flow.addWidget(button)
        return button

    # -- the list -------------------------------------------------------------------------

    def reload(self, select: str | None = None) -> None:
        select = select or self.current_id()
        d = self.session.directory
        entries = d.list(self.kind, active_only=not self.show_retired.isChecked())
        self.entries = {e.id: e for e in entries}
        names = {"station": d.names("station"), "agency": d.names("agency")}
        self.model.removeRows(0, self.model.rowCount())
        for entry in entries:
            row = []
            for _, key in COLUMNS[self.kind]:
                text = self._cell(entry, key, names)
                item = QStandardItem(text)
                item.setToolTip(text)
                item.setData(entry.id, ID_ROLE)
                row.append(item)
            self.model.appendRow(row)
        self.table.resizeColumnsToContents()
        if select:
            self.select(select)
        elif self.proxy.rowCount():
            self.table.selectRow(0)
        self._selected()

    def _cell(self, e, key: str, names: dict) -> str:
        if key == "state":
            return "" if is_active(e) else tr("廃止")
        if key == "kind_area":
            return "・".join(x for x in (e.kind, e.area, names["station"].get(e.station_id or "")) if x)
        if key == "role_place":
            return "・".join(x for x in (label_of(StaffRole, e.role) if e.role else "",
                                         names["station"].get(e.station_id or ""),
                                         names["agency"].get(e.agency_id or "")) if x)
        if key == "area_contact":
            return "・".join(x for x in (e.area, names["station"].get(e.station_id or ""), e.contact) if x)
        value = getattr(e, key, None)
        return "" if value is None else str(value)

    def current_id(self) -> str | None:
        index = self.table.currentIndex()
        return index.data(ID_ROLE) if index.isValid() else None

    def select(self, entry_id: str) -> None:
        for row in range(self.proxy.rowCount()):
            if self.proxy.index(row, 0).data(ID_ROLE) == entry_id:
                self.table.selectRow(row)
                self.table.scrollTo(self.proxy.index(row, 0))
                return

    def _selected(self) -> None:
        entry = self.entries.get(self.current_id() or "")
        self.edit_button.setEnabled(entry is not None)
        self.retire_button.setEnabled(entry is not None)
        self.retire_button.setText(tr("再開(&R)") if entry is not None and not is_active(entry) else tr("廃止(&R)"))
        if entry is None:
            self.detail.setText("")
            return
        header, rows = directory_csv.table(self.session, self.kind)
        row = next((r for r in rows if r[0] == entry.id), None)
        words = set(SHEET_WORDS)
        self.detail.setText("　".join(f"{tr(h)}: {tr(v) if v in words else v}"
                                     for h, v in zip(header[1:], (row or [])[1:], strict=False) if v))

    # -- actions --------------------------------------------------------------------------

    def _open(self, dialog: QDialog, then) -> None:
        self.dialog = dialog
        dialog.setWindowModality(Qt.WindowModality.WindowModal)

        def finished(code: int) -> None:
            self.dialog = None
            if code == QDialog.DialogCode.Accepted:
                then(dialog)
            dialog.deleteLater()

        dialog.finished.connect(finished)
        dialog.open()

    def add(self) -> None:
        self._open(DirectoryEntryDialog(self.session, self.kind, parent=self), self._saved)

    def edit(self) -> None:
        entry = self.entries.get(self.current_id() or "")
        if entry is not None:
            self._open(DirectoryEntryDialog(self.session, self.kind, entry, parent=self), self._saved)

    def _saved(self, dialog) -> None:
        entry = dialog.result_value
        self.message.show_message(tr("「{name}」を保存しました。").format(name=entry.name), "ok")
        self.reload(entry.id)

    def toggle_retired(self) -> None:
        entry = self.entries.get(self.current_id() or "")
        if entry is None:
            return
        try:
            if is_active(entry):
                self.session.directory.retire(self.kind, entry.id)
                self.show_retired.setChecked(True)
                text = tr("「{name}」を廃止しました（これまでの記録は残ります。「再開」で戻せます）。")
            else:
                self.session.directory.restore(self.kind, entry.id)
                text = tr("「{name}」をふたたび使えるようにしました。")
        except Exception as exc:  # worded by describe(): never a traceback
            self.message.show_error(exc)
            return
        self.message.show_message(text.format(name=entry.name), "ok")
        self.reload(entry.id)

    def choose_import(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, tr("CSV から取り込み"), "", tr("CSV ファイル (*.csv);;すべてのファイル (*)"))
        if path:
            self.import_file(Path(path))

    def import_file(self, path: Path) -> None:
        try:
            summary = directory_csv.import_file(self.session, path, self.kind)
        except Exception as exc:  # the problems by line, in Japanese (app.errors.describe)
            self.message.show_error(exc)
            return
        c = summary.counts
        self.message.show_message(tr("取り込みました（{enc}）: 新規 {new}、更新 {upd}、変更なし {same}。").format(
            enc=summary.encoding, new=c["created"], upd=c["updated"], same=c["unchanged"]), "ok")
        self.reload()

    def choose_export(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self, tr("CSV に書き出し"), f"{self.kind}.csv", tr("CSV ファイル (*.csv)"))
        if path:
            self.export_file(Path(path))

    def export_file(self, path: Path) -> None:
        try:
            count = directory_csv.export_file(self.session, self.kind, path)
        except Exception as exc:
            self.message.show_error(exc)
            return
        self.message.show_message(tr("{n} 件を書き出しました: {path}").format(n=count, path=str(path)), "ok")


class DirectoryDialog(ListWindow):
    """The 名簿 window, opened on the tab of ``kind``."""

    def __init__(self, session: Session, kind: str = "agencies", parent=None) -> None:
        super().__init__(parent)
        self.setWindowTitle(tr("名簿"))
        self.setAccessibleName(tr("名簿"))
        layout = QVBoxLayout(self)
        self.message = MessageBar()
        layout.addWidget(self.message)
        self.tabs_widget = QTabWidget()
        self.tabs: dict[str, DirectoryTab] = {}
        for code in ORDER:
            tab = DirectoryTab(session, code, self.message)
            self.tabs[code] = tab
            self.tabs_widget.addTab(tab, tr(KIND_LABELS[code]))
        layout.addWidget(self.tabs_widget, 1)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.button(QDialogButtonBox.StandardButton.Close).setText(tr("閉じる"))
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.show_kind(kind)
        self.resize(900, 600)

    def show_kind(self, kind: str) -> None:
        self.tabs_widget.setCurrentWidget(self.tabs[kind])
        self.tabs[kind].table.setFocus()
