"""The 会議 screen: coming and past meetings with their outcome, and for the chosen one its
preparation (agenda) and its sitting (attendance, acknowledgements, decisions).

Opened from the main window's 会議 menu (Ctrl+M). It fits a 1366×768 laptop at 100 % and 150 %:
on a narrow screen the list sits above the tabs instead of beside them.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QFileDialog,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSplitter,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from app import display
from app.session import Session
from ui.desktop.i18n import tr
from ui.desktop.meetings.dialogs import AcknowledgeDialog, AttendeeDialog, NewMeetingDialog
from ui.desktop.meetings.hold import HoldPane
from ui.desktop.meetings.prepare import PreparePane
from ui.desktop.widgets.adaptive import FlowLayout, available_area, fit_to_screen
from ui.desktop.widgets.message_bar import MessageBar

NARROW = 1000  # logical pixels: below this the list goes above the tabs


class MeetingsWindow(QDialog):
    changed = Signal()

    def __init__(self, session: Session, parent=None) -> None:
        super().__init__(parent)
        self.session = session
        self.setWindowTitle(tr("会議"))
        self.setAccessibleName(tr("会議"))
        self.setWindowFlag(Qt.WindowType.WindowMaximizeButtonHint, True)
        outer = QVBoxLayout(self)
        self.message = MessageBar()
        outer.addWidget(self.message)
        left = QWidget()
        column = QVBoxLayout(left)
        column.setContentsMargins(0, 0, 0, 0)
        column.addWidget(QLabel(tr("会議（これから・過去）")))
        self.list = QListWidget()
        self.list.setAccessibleName(tr("会議の一覧"))
        self.list.setWordWrap(True)  # a long title wraps; nothing scrolls sideways
        self.list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.list.setTextElideMode(Qt.TextElideMode.ElideNone)
        self.list.currentItemChanged.connect(self._chosen)
        column.addWidget(self.list, 1)
        row = FlowLayout()
        new = QPushButton(tr("会議を作る…"))
        new.setAccessibleName(tr("会議を作る"))
        new.clicked.connect(self.new_meeting)
        row.addWidget(new)
        column.addLayout(row)
        self.tabs = QTabWidget()
        self.prepare = PreparePane(session)
        self.hold = HoldPane(session)
        self.tabs.addTab(self.prepare, tr("準備（議題）"))
        self.tabs.addTab(self.hold, tr("開催（出席・決定）"))
        self.split = QSplitter(Qt.Orientation.Horizontal)
        self.split.setChildrenCollapsible(False)
        self.split.addWidget(left)
        self.split.addWidget(self.tabs)
        self.split.setStretchFactor(0, 2)
        self.split.setStretchFactor(1, 5)
        outer.addWidget(self.split, 1)
        close = QPushButton(tr("閉じる"))
        close.clicked.connect(self.accept)
        outer.addWidget(close, 0, Qt.AlignmentFlag.AlignRight)
        for pane in (self.prepare, self.hold):
            pane.failed.connect(self.message.show_error)
            pane.print_requested.connect(self.print_pdf)
        self.hold.done.connect(lambda text: (self.message.show_message(text, "ok"), self.reload(keep=True),
                                             self.changed.emit()))
        self.hold.acknowledge_requested.connect(self.acknowledge)
        self.hold.attendee_requested.connect(self.add_attendee)
        for each in self.findChildren(QPushButton):  # Enter acts on the list it is pressed in, never on a button
            each.setAutoDefault(False)
            each.setDefault(False)
        self.reload()

    def showEvent(self, event) -> None:  # noqa: N802 - Qt's name
        super().showEvent(event)
        if not self.property("fitted"):
            self.setProperty("fitted", True)
            area = available_area(self)
            fit_to_screen(self, area.size())
            narrow = self.width() < NARROW
            self.split.setOrientation(Qt.Orientation.Vertical if narrow else Qt.Orientation.Horizontal)
            total = self.split.height() if narrow else self.split.width()
            first = int(total * (0.28 if narrow else 0.3))
            self.split.setSizes([first, total - first])

    def reload(self, *, keep: bool = False) -> None:
        current = self.current_id() if keep else None
        self.list.blockSignals(True)
        self.list.clear()
        for row in self.session.meetings.overview():
            m = row.meeting
            when = tr("これから") if row.coming else tr("開催済") if m.status == "held" else tr("過去")
            item = QListWidgetItem(f"{display.wareki(m.held_on, short=True)}　{m.title}\n　［{when}］{row.outcome_text()}")
            item.setData(Qt.ItemDataRole.UserRole, m.id)
            self.list.addItem(item)
            if m.id == current:
                self.list.setCurrentItem(item)
        self.list.blockSignals(False)
        if self.list.currentItem() is None and self.list.count():
            self.list.setCurrentRow(0)
        else:
            self._chosen()

    def current_id(self) -> str | None:
        item = self.list.currentItem()
        return item.data(Qt.ItemDataRole.UserRole) if item else None

    def select(self, meeting_id: str) -> None:
        for n in range(self.list.count()):
            if self.list.item(n).data(Qt.ItemDataRole.UserRole) == meeting_id:
                self.list.setCurrentRow(n)

    def _chosen(self, *_) -> None:
        meeting_id = self.current_id()
        meeting = self.session.meetings.get(meeting_id) if meeting_id else None
        self.prepare.show_meeting(meeting)
        self.hold.show_meeting(meeting)

    def _open(self, dialog, then=None) -> None:
        def finished(code: int) -> None:
            if code == QDialog.DialogCode.Accepted:
                if then is not None:
                    then(dialog.result_value)
                self.reload(keep=True)
            dialog.deleteLater()

        dialog.setWindowModality(Qt.WindowModality.WindowModal)
        dialog.finished.connect(finished)
        dialog.open()
        self.current_dialog = dialog

    def new_meeting(self) -> None:
        self._open(NewMeetingDialog(self.session, self), then=lambda m: (self.reload(), self.select(m.id)))

    def add_attendee(self) -> None:
        if self.current_id():
            self._open(AttendeeDialog(self.session, self.current_id(), self))

    def acknowledge(self, key: str, name: str) -> None:
        if self.current_id():
            self._open(AcknowledgeDialog(self.session, self.current_id(), key, name, self))

    def print_pdf(self, minutes: bool) -> None:
        meeting_id = self.current_id()
        if meeting_id is None:
            return
        name = tr("議事録") if minutes else tr("議題")
        path, _ = QFileDialog.getSaveFileName(self, tr("{n}を PDF に").format(n=name), f"{name}.pdf", "PDF (*.pdf)")
        if path:
            self.print_to(Path(path), minutes)

    def print_to(self, path: Path, minutes: bool) -> None:
        from app.meeting_printing import print_meeting

        try:
            printed = print_meeting(self.session, self.current_id() or "", path, minutes=minutes)
        except Exception as exc:  # the rule's or the file's message, never a traceback
            self.message.show_error(exc)
            return
        self.message.show_message(tr("PDF にしました（{p} ページ）: {f}").format(p=printed.pages, f=printed.path), "ok")
