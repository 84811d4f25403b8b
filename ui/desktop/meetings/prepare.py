"""Preparing a sitting: the agenda proposed from what is due, and the agenda the coordinator keeps.

The proposal lists what is due by the meeting's date (checked, so Enter on 議題に加える takes
them all); the agenda can be reordered (Alt+↑ / Alt+↓), trimmed (Delete) and printed.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QLabel, QListWidget, QListWidgetItem, QPushButton, QVBoxLayout, QWidget

from app import display
from app.model import Meeting
from app.session import Session
from app.vocab import AgendaReason, MeetingKind
from ui.desktop.i18n import label_of, tr
from ui.desktop.widgets.adaptive import FlowLayout


def _button(text: str, name: str, slot) -> QPushButton:
    button = QPushButton(text)
    button.setAccessibleName(name)
    button.clicked.connect(slot)
    return button


class PreparePane(QWidget):
    failed = Signal(object)
    print_requested = Signal(bool)  # minutes?

    def __init__(self, session: Session, parent=None) -> None:
        super().__init__(parent)
        self.session = session
        self.meeting: Meeting | None = None
        self.proposals = []
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.proposal_title = QLabel(tr("議題の案（開催日までに検討が必要な世帯）"))
        layout.addWidget(self.proposal_title)
        self.proposal_list = QListWidget()
        self.proposal_list.setAccessibleName(tr("議題の案"))
        layout.addWidget(self.proposal_list, 2)
        row = FlowLayout()
        row.addWidget(_button(tr("印をつけた案を議題に加える"), tr("議題に加える"), self.add_checked))
        row.addWidget(_button(tr("案を読み直す"), tr("案を読み直す"), self.refresh))
        layout.addLayout(row)
        layout.addWidget(QLabel(tr("議題（この順に検討します）")))
        self.agenda_list = QListWidget()
        self.agenda_list.setAccessibleName(tr("議題"))
        layout.addWidget(self.agenda_list, 3)
        row = FlowLayout()
        row.addWidget(_button(tr("上へ（Alt+↑）"), tr("上へ"), lambda: self.move(-1)))
        row.addWidget(_button(tr("下へ（Alt+↓）"), tr("下へ"), lambda: self.move(1)))
        row.addWidget(_button(tr("議題から外す（Delete）"), tr("議題から外す"), self.remove))
        row.addWidget(_button(tr("議題を PDF に…"), tr("議題を PDF に"), lambda: self.print_requested.emit(False)))
        layout.addLayout(row)
        QShortcut(QKeySequence("Alt+Up"), self.agenda_list, activated=lambda: self.move(-1))
        QShortcut(QKeySequence("Alt+Down"), self.agenda_list, activated=lambda: self.move(1))
        QShortcut(QKeySequence(QKeySequence.StandardKey.Delete), self.agenda_list, activated=self.remove)
        self.status = QLabel()
        self.status.setWordWrap(True)
        layout.addWidget(self.status)

    def show_meeting(self, meeting: Meeting | None) -> None:
        self.meeting = meeting
        self.refresh()

    def refresh(self) -> None:
        self.proposal_list.clear()
        self.agenda_list.clear()
        if self.meeting is None:
            return
        meeting = self.meeting = self.session.meetings.get(self.meeting.id)
        if MeetingKind.REPRESENTATIVES.value in meeting.rules():
            self.status.setText(tr("代表者会議では個別ケースを検討しません（議題に世帯は入りません）。"))
            return
        self.proposals = self.session.agenda.propose(meeting.id)
        for p in self.proposals:
            due = f"（{display.wareki(p.due_on, short=True)}）" if p.due_on else ""
            text = f"{p.household_name}　{label_of(AgendaReason, p.reason)}{due}　［{label_of(MeetingKind, p.part)}］"
            item = QListWidgetItem(text)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Checked)
            item.setData(Qt.ItemDataRole.UserRole, p.household_id)
            self.proposal_list.addItem(item)
        for n, item in enumerate(meeting.agenda_list(), 1):
            name = self._name(item.household_id)
            text = f"{n}. {name}　{label_of(AgendaReason, item.reason)}　［{label_of(MeetingKind, item.part or meeting.kind)}］"
            row = QListWidgetItem(text)
            row.setData(Qt.ItemDataRole.UserRole, item.household_id)
            self.agenda_list.addItem(row)
        self.status.setText(tr("案 {p} 件・議題 {a} 件").format(p=len(self.proposals), a=len(meeting.agenda_list())))

    def _name(self, household_id: str) -> str:
        try:
            return self.session.households.get(household_id).name
        except Exception:  # a household this device does not hold (yet)
            return tr("（この端末にない世帯）")

    def add_checked(self) -> None:
        if self.meeting is None:
            return
        chosen = {self.proposal_list.item(n).data(Qt.ItemDataRole.UserRole) for n in range(self.proposal_list.count())
                  if self.proposal_list.item(n).checkState() == Qt.CheckState.Checked}
        current = [vars(i) for i in self.meeting.agenda_list()]
        added = [{"household_id": p.household_id, "case_id": p.case_id, "reason": p.reason, "plan_id": p.plan_id}
                 for p in self.proposals if p.household_id in chosen]
        self._run(lambda: self.session.meetings.set_agenda(self.meeting.id, current + added))

    def move(self, step: int) -> None:
        item = self.agenda_list.currentItem()
        if item is None or self.meeting is None:
            return
        household_id = item.data(Qt.ItemDataRole.UserRole)
        self._run(lambda: self.session.meetings.move_on_agenda(self.meeting.id, household_id, step))
        for n in range(self.agenda_list.count()):
            if self.agenda_list.item(n).data(Qt.ItemDataRole.UserRole) == household_id:
                self.agenda_list.setCurrentRow(n)

    def remove(self) -> None:
        item = self.agenda_list.currentItem()
        if item is None or self.meeting is None:
            return
        household_id = item.data(Qt.ItemDataRole.UserRole)
        self._run(lambda: self.session.meetings.remove_from_agenda(self.meeting.id, household_id))

    def _run(self, work) -> None:
        try:
            work()
        except Exception as exc:  # a rule's refusal or a bad value: shown, never raised into Qt
            self.failed.emit(exc)
        self.refresh()

