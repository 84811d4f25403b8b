"""Holding a sitting: attendance and, for a 支援会議, each attendee's acknowledgement of the duty of
confidentiality before any household is shown; then per household on the agenda the discussion,
the decision and the next review date; then the decisions flow into the cases in one action.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app import display
from app.errors import Refused
from app.model import Meeting
from app.session import Session
from app.vocab import AgendaReason, AttendeeRole, DecisionKind, DecisionOutcome
from ui.desktop.i18n import label, label_of, tr
from ui.desktop.widgets.adaptive import FlowLayout
from ui.desktop.widgets.wareki_edit import WarekiDateEdit

# The decision a reason for the agenda usually leads to (the coordinator may choose another).
DEFAULT_KIND = {"plan": DecisionKind.PLAN, "outreach_plan": DecisionKind.PLAN, "replan": DecisionKind.REPLAN,
                "closure": DecisionKind.CLOSURE, "suspension": DecisionKind.SUSPENSION,
                "follow_up": DecisionKind.FOLLOW_UP}


def _button(text: str, name: str, slot) -> QPushButton:
    button = QPushButton(text)
    button.setAccessibleName(name)
    button.clicked.connect(slot)
    return button


class HoldPane(QWidget):
    failed = Signal(object)
    done = Signal(str)
    acknowledge_requested = Signal(str, str)  # attendee key, name
    attendee_requested = Signal()
    print_requested = Signal(bool)

    def __init__(self, session: Session, parent=None) -> None:
        super().__init__(parent)
        self.session = session
        self.meeting: Meeting | None = None
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(QLabel(tr("出席者と守秘義務の確認")))
        self.attendees = QListWidget()
        self.attendees.setAccessibleName(tr("出席者"))
        self.attendees.itemActivated.connect(self._acknowledge_item)
        layout.addWidget(self.attendees, 1)
        row = FlowLayout()
        row.addWidget(_button(tr("出席者を加える…"), tr("出席者を加える"), self.attendee_requested.emit))
        self.ack_button = _button(tr("守秘義務の確認…（Enter）"), tr("守秘義務の確認"), self._acknowledge_current)
        row.addWidget(self.ack_button)
        layout.addLayout(row)
        self.gate = QLabel()
        self.gate.setWordWrap(True)
        self.gate.setAccessibleName(tr("世帯を表示できない理由"))
        self.gate.setStyleSheet("color: #663c00;")
        layout.addWidget(self.gate)
        self.cases = QWidget()
        cases = QVBoxLayout(self.cases)
        cases.setContentsMargins(0, 0, 0, 0)
        form = QFormLayout()
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        self.item = QComboBox()
        self.item.setAccessibleName(tr("議題の世帯"))
        self.item.currentIndexChanged.connect(self._item_changed)
        form.addRow(tr("世帯"), self.item)
        self.kind = QComboBox()
        self.kind.setAccessibleName(tr("決定の種類"))
        for kind in DecisionKind:
            self.kind.addItem(label(kind), kind.value)
        form.addRow(tr("決定"), self.kind)
        self.outcome = QComboBox()
        self.outcome.setAccessibleName(tr("結論"))
        for outcome in DecisionOutcome:
            self.outcome.addItem(label(outcome), outcome.value)
        form.addRow(tr("結論"), self.outcome)
        self.notes = QPlainTextEdit()
        self.notes.setAccessibleName(tr("協議の内容"))
        self.notes.setTabChangesFocus(True)
        self.notes.setMaximumHeight(70)
        form.addRow(tr("協議の内容"), self.notes)
        self.review = WarekiDateEdit(tr("次回の検討日"))
        form.addRow(tr("次回の検討日"), self.review)
        self.lead = QComboBox()
        self.lead.setAccessibleName(tr("主担当機関"))
        form.addRow(tr("主担当機関"), self.lead)
        self.follow_up = WarekiDateEdit(tr("フォローアップ日"))
        form.addRow(tr("フォローアップ日"), self.follow_up)
        cases.addLayout(form)
        row = FlowLayout()
        row.addWidget(_button(tr("決定を記録"), tr("決定を記録"), self.record))
        row.addWidget(_button(tr("決定をケースに反映"), tr("決定をケースに反映"), self.apply))
        row.addWidget(_button(tr("議事録を PDF に…"), tr("議事録を PDF に"), lambda: self.print_requested.emit(True)))
        cases.addLayout(row)
        self.decisions = QListWidget()
        self.decisions.setAccessibleName(tr("この会議の決定"))
        cases.addWidget(self.decisions, 1)
        layout.addWidget(self.cases, 3)

    def show_meeting(self, meeting: Meeting | None) -> None:
        self.meeting = meeting
        self.refresh()

    def refresh(self) -> None:
        self.attendees.clear()
        self.decisions.clear()
        if self.meeting is None:
            self.cases.setEnabled(False)
            return
        meeting = self.meeting = self.session.meetings.get(self.meeting.id)
        for a in meeting.attendee_list():
            state = (tr("確認済 {t}").format(t=display.moment(a.acknowledged_at)) if a.acknowledged
                     else tr("守秘義務 未確認"))
            item = QListWidgetItem(f"{a.name}　{label_of(AttendeeRole, a.role)}　{a.agency or ''}　— {state}")
            item.setData(Qt.ItemDataRole.UserRole, (a.key, a.name))
            item.setData(Qt.ItemDataRole.UserRole + 1, a.acknowledged)
            self.attendees.addItem(item)
        refusal = self.session.meetings.may_show_cases(meeting)
        self.gate.setText(refusal or "")
        self.gate.setVisible(bool(refusal))
        self.cases.setEnabled(refusal is None)
        self.item.blockSignals(True)
        self.item.clear()
        if refusal is None:  # no household's name before every attendee acknowledged
            for n, entry in enumerate(meeting.agenda_list(), 1):
                self.item.addItem(f"{n}. {self._name(entry.household_id)}（{label_of(AgendaReason, entry.reason)}）",
                                  entry)
            self._fill_decisions(meeting)
        self.item.blockSignals(False)
        self.lead.clear()
        self.lead.addItem(tr("（変えない）"), None)
        for agency in self.session.directory.agencies():
            self.lead.addItem(agency.name, agency.id)
        self._item_changed()

    def _fill_decisions(self, meeting: Meeting) -> None:
        for d in self.session.meetings.decisions_of(meeting.id):
            state = (tr("反映できず: {r}").format(r=d.refusal) if d.refusal else tr("反映済") if d.applied_on
                     else tr("未反映"))
            text = (f"{self._name(d.household_id)}　{label_of(DecisionKind, d.kind)}"
                    f"（{label_of(DecisionOutcome, d.outcome)}）　{state}")
            item = QListWidgetItem(text)
            item.setToolTip(d.notes or "")
            self.decisions.addItem(item)

    def _name(self, household_id: str) -> str:
        try:
            return self.session.households.get(household_id).name
        except Exception:  # a household this device does not hold (yet)
            return tr("（この端末にない世帯）")

    def _item_changed(self) -> None:
        entry = self.item.currentData()
        if entry is None:
            return
        kind = DEFAULT_KIND.get(entry.reason, DecisionKind.DISCUSSION)
        self.kind.setCurrentIndex(self.kind.findData(kind.value))

    def _acknowledge_item(self, item: QListWidgetItem) -> None:
        key, name = item.data(Qt.ItemDataRole.UserRole)
        self.acknowledge_requested.emit(key, name)

    def _acknowledge_current(self) -> None:
        item = self.attendees.currentItem() or next(
            (self.attendees.item(n) for n in range(self.attendees.count())
             if not self.attendees.item(n).data(Qt.ItemDataRole.UserRole + 1)), None)
        if item is not None:
            self._acknowledge_item(item)

    def record(self) -> None:
        entry = self.item.currentData()
        if entry is None or self.meeting is None:
            return
        case_id = entry.case_id or self.session.cases.current_case_id(entry.household_id)
        try:
            self.session.meetings.decide(
                self.meeting.id, case_id or "", self.kind.currentData(), self.outcome.currentData(),
                notes=self.notes.toPlainText(), next_review_on=self.review.text(), lead_agency_id=self.lead.currentData(),
                follow_up_on=self.follow_up.text())
        except Exception as exc:  # the rule's message, in the window's message line
            self.failed.emit(exc)
            return
        self.notes.clear()
        self.done.emit(tr("決定を記録しました。"))
        next_index = self.item.currentIndex() + 1
        self.refresh()
        if next_index < self.item.count():
            self.item.setCurrentIndex(next_index)

    def apply(self) -> None:
        if self.meeting is None:
            return
        try:
            results = self.session.meeting_apply.apply(self.meeting.id)
            shared = self.session.sync.share_held_meeting(self.meeting.id)
        except Exception as exc:
            self.failed.emit(exc)
            return
        refused = [r for r in results if not r.applied]
        self.refresh()
        if refused:
            self.failed.emit(Refused(tr("{n} 件は規則により反映できませんでした: {m}").format(
                n=len(refused), m=" / ".join(r.message for r in refused)) + (" " + shared if shared else "")))
        else:
            self.done.emit(tr("{n} 件の決定をケースに反映しました。").format(n=len(results)) + (" " + shared if shared else ""))
