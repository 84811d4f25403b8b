"""期限: what is due, overdue first — the worker's own households and meetings, or the office's
whole view (app/services/due.py). Urgency (緊急性「高」) shows as a red 緊急 badge and can be the
only thing shown. Enter (or a double click) on a row opens its household in the main window.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QBrush, QColor, QFont, QStandardItem, QStandardItemModel
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app import display
from app.services.due import DueItem, DueQuery
from app.session import Session
from app.vocab import DueKind
from ui.desktop import runner
from ui.desktop.i18n import N_, label, tr
from ui.desktop.widgets.adaptive import FlowLayout
from ui.desktop.widgets.list_window import ListWindow
from ui.desktop.widgets.message_bar import MessageBar

HEADS = (N_("期限"), N_("緊急"), N_("種類"), N_("世帯"), N_("内容"))
HOUSEHOLD_ROLE = Qt.ItemDataRole.UserRole + 1
OVERDUE = QColor("#b00020")


class DueDialog(ListWindow):
    household_chosen = Signal(str)

    def __init__(self, session: Session, *, office: bool = False, parent=None) -> None:
        super().__init__(parent)
        self.session = session
        self.items: list[DueItem] = []
        self._generation = 0
        self.setWindowTitle(tr("期限"))
        self.setAccessibleName(tr("期限"))
        layout = QVBoxLayout(self)
        self.message = MessageBar()
        layout.addWidget(self.message)
        filters = QWidget()
        flow = FlowLayout(filters, spacing=8)
        self.scope = self._combo(flow, tr("表示範囲"), [(False, tr("自分の担当と出席する会議")), (True, tr("事務局（全世帯）"))])
        self.scope.setCurrentIndex(1 if office else 0)
        self.urgency = self._combo(flow, tr("緊急性"), [(False, tr("緊急性: すべて")), (True, tr("緊急性「高」のみ"))])
        self.kind = self._combo(flow, tr("種類"), [(None, tr("種類: すべて"))] + [(k.value, label(k)) for k in DueKind])
        self.count = QLabel("")
        self.count.setAccessibleName(tr("件数"))
        flow.addWidget(self.count)
        layout.addWidget(filters)

        self.model = QStandardItemModel(0, len(HEADS), self)
        self.model.setHorizontalHeaderLabels([tr(h) for h in HEADS])
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setAccessibleName(tr("期限の一覧"))
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        self.table.setWordWrap(False)
        self.table.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.table.setProperty("elided_columns", [len(HEADS) - 1])
        header = self.table.horizontalHeader()
        for col in range(len(HEADS) - 1):
            header.setSectionResizeMode(col, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(len(HEADS) - 1, QHeaderView.ResizeMode.Stretch)
        layout.addWidget(self.table, 1)
        self.detail = QLabel("")
        self.detail.setWordWrap(True)
        self.detail.setAccessibleName(tr("選んだ期限の内容"))
        layout.addWidget(self.detail)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.button(QDialogButtonBox.StandardButton.Close).setText(tr("閉じる"))
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

        for combo in (self.scope, self.urgency, self.kind):
            combo.currentIndexChanged.connect(lambda _: self.reload())
        self.table.activated.connect(self._open)
        self.table.selectionModel().currentRowChanged.connect(lambda current, _: self._show(current.row()))
        self.resize(900, 560)
        self.reload()

    def _combo(self, flow, name: str, items) -> QComboBox:
        combo = QComboBox()
        combo.setAccessibleName(name)
        for data, text in items:
            combo.addItem(text, data)
        combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        flow.addWidget(combo)
        return combo

    def query(self) -> DueQuery:
        return DueQuery(office=bool(self.scope.currentData()), me=self.session.me or None,
                        urgent_only=bool(self.urgency.currentData()), kind=self.kind.currentData())

    def reload(self) -> None:
        self._generation += 1
        generation, query, session = self._generation, self.query(), self.session
        runner.run(lambda: session.due.items(query), lambda items: self._loaded(generation, items),
                   self.message.show_error)

    def _loaded(self, generation: int, items: list[DueItem]) -> None:
        if generation != self._generation:
            return
        self.items = items
        self.model.removeRows(0, self.model.rowCount())
        bold = QFont(self.table.font())
        bold.setBold(True)
        for item in items:
            day = display.wareki(item.due_on, short=True) if item.due_on else ""
            if item.overdue:
                day = tr("⚠{day} 期限切れ").format(day=day)
            elif item.waiting:
                day = tr("{day}から待ち").format(day=day)
            kind = DueKind(item.kind) if item.kind in DueKind._value2member_map_ else None
            cells = [QStandardItem(day), QStandardItem(tr("緊急") if item.urgent else ""),
                     QStandardItem(label(kind) if kind else item.kind), QStandardItem(item.household_name),
                     QStandardItem(item.what)]
            if item.overdue:
                cells[0].setForeground(QBrush(OVERDUE))
            if item.urgent:
                cells[1].setBackground(QBrush(OVERDUE))
                cells[1].setForeground(QBrush(QColor("white")))
                cells[1].setFont(bold)
                cells[1].setTextAlignment(Qt.AlignmentFlag.AlignCenter)
            for cell in cells:
                cell.setToolTip(cell.text())
                cell.setData(item.household_id, HOUSEHOLD_ROLE)
            self.model.appendRow(cells)
        overdue = sum(1 for i in items if i.overdue)
        self.count.setText(tr("{n}件（期限切れ {m}件）").format(n=len(items), m=overdue))
        self.table.resizeColumnsToContents()
        if items:
            self.table.selectRow(0)

    def _show(self, row: int) -> None:
        if not 0 <= row < len(self.items):
            self.detail.setText("")
            return
        item = self.items[row]
        parts = [display.wareki(item.due_on) if item.due_on else "", item.household_name, item.what]
        if item.urgency:
            parts.append(tr("緊急性: {u}").format(u=item.urgency))
        self.detail.setText("　".join(p for p in parts if p))

    def _open(self, index) -> None:
        household_id = index.data(HOUSEHOLD_ROLE)
        if household_id:
            self.household_chosen.emit(household_id)
