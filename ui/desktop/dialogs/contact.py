"""Log a contact: a typical home visit in under 30 seconds, with the keyboard alone.

Date and time are filled in; 種類 answers to its number key (1 家庭訪問 … 7 来所相談); the
outcome is three radio buttons (arrow keys); Tab walks the fields; Ctrl+Enter saves. Every
pause in typing writes a draft to the encrypted profile, so a crash or the idle lock loses
nothing; the draft is removed once the contact is saved.
"""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QTime, QTimer
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QHBoxLayout,
    QLineEdit,
    QPlainTextEdit,
    QRadioButton,
    QTimeEdit,
    QWidget,
)

from app.errors import InvalidInput
from app.model import Person
from app.session import Session
from app.vocab import ContactKind, Outcome
from ui.desktop.dialogs.base import EntryDialog
from ui.desktop.i18n import label, tr
from ui.desktop.widgets.digit_combo import DigitComboBox
from ui.desktop.widgets.wareki_edit import WarekiDateEdit

DRAFT_DELAY_MS = 400


def draft_key(household_id: str) -> str:
    return f"contact:{household_id}"


class ContactDialog(EntryDialog):
    def __init__(self, session: Session, household_id: str, household_name: str, persons: list[Person],
                 parent=None) -> None:
        super().__init__(tr("接触を記録 — {name}").format(name=household_name), parent)
        self.session = session
        self.household_id = household_id
        now = dt.datetime.now()
        self.day = WarekiDateEdit(tr("日付"), optional=False)
        self.day.set_date(now.date())
        self.time = QTimeEdit(QTime(now.hour, now.minute))
        self.time.setDisplayFormat("HH:mm")
        self.time.setAccessibleName(tr("時刻"))
        when = QWidget()
        row = QHBoxLayout(when)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.day, 1)
        row.addWidget(self.time)
        self.add_row(tr("日時"), when, "at")
        self.kind = DigitComboBox()
        for n, kind in enumerate(ContactKind, start=1):
            self.kind.addItem(f"{n} {label(kind)}", kind.value)
        self.add_row(tr("種類"), self.kind, "kind")
        self.outcomes = QButtonGroup(self)
        outcome_box = QWidget()
        outcome_row = QHBoxLayout(outcome_box)
        outcome_row.setContentsMargins(0, 0, 0, 0)
        for n, outcome in enumerate(Outcome):
            radio = QRadioButton(label(outcome))
            radio.setAccessibleName(label(outcome))
            self.outcomes.addButton(radio, n)
            outcome_row.addWidget(radio)
        self.outcomes.button(0).setChecked(True)
        self.add_row(tr("結果"), outcome_box, "outcome")
        self.present: list[tuple[QCheckBox, str]] = []
        present_box = QWidget()
        present_row = QHBoxLayout(present_box)
        present_row.setContentsMargins(0, 0, 0, 0)
        for person in persons:
            box = QCheckBox(person.name)
            box.setAccessibleName(tr("同席: {name}").format(name=person.name))
            present_row.addWidget(box)
            self.present.append((box, person.id))
        present_row.addStretch(1)
        self.add_row(tr("会えた人"), present_box, "present")
        self.summary = QLineEdit()
        self.summary.setPlaceholderText(tr("一行で（例: 体調を確認。来週通院に同行）"))
        self.add_row(tr("要約"), self.summary, "summary")
        self.body = QPlainTextEdit()
        self.body.setTabChangesFocus(True)
        self.body.setPlaceholderText(tr("詳しい記録（任意）"))
        self.body.setMinimumHeight(90)
        self.add_row(tr("詳しい記録"), self.body, "body")
        self.next_action = QLineEdit()
        self.next_action.setPlaceholderText(tr("次にすること（任意）"))
        self.add_row(tr("次にすること"), self.next_action, "next_action")
        self.next_on = WarekiDateEdit(tr("次回予定日"))
        self.add_row(tr("次回予定日"), self.next_on, "next_action_on")
        self.resize(620, 520)

        self._draft_timer = QTimer(self)
        self._draft_timer.setSingleShot(True)
        self._draft_timer.setInterval(DRAFT_DELAY_MS)
        self._draft_timer.timeout.connect(self.save_draft)
        for signal in (self.summary.textChanged, self.body.textChanged, self.next_action.textChanged,
                       self.day.changed, self.next_on.changed, self.kind.currentIndexChanged,
                       self.outcomes.idToggled):
            signal.connect(lambda *_: self._draft_timer.start())
        for box, _ in self.present:
            box.toggled.connect(lambda *_: self._draft_timer.start())
        self._restore_draft()
        self.kind.setFocus()

    # -- drafts ---------------------------------------------------------------------------

    def payload(self) -> dict:
        return {
            "day": self.day.text(), "time": self.time.time().toString("HH:mm"), "kind": self.kind.currentData(),
            "outcome": self.outcomes.checkedId(), "present": [pid for box, pid in self.present if box.isChecked()],
            "summary": self.summary.text(), "body": self.body.toPlainText(), "next_action": self.next_action.text(),
            "next_on": self.next_on.text(),
        }

    def has_input(self) -> bool:
        p = self.payload()
        return any((p["summary"], p["body"], p["next_action"], p["next_on"]))

    def keep_unsaved_input(self) -> None:
        """Called by the lock before the dialog is hidden."""
        self.save_draft()

    def save_draft(self) -> None:
        self._draft_timer.stop()
        if self.has_input():
            self.session.drafts.save(draft_key(self.household_id), "contact", self.payload(), self.household_id)

    def _restore_draft(self) -> None:
        draft = self.session.drafts.load(draft_key(self.household_id))
        if draft is None:
            return
        p = draft.payload
        self.day.edit.setText(p.get("day", ""))
        self.time.setTime(QTime.fromString(p.get("time", "00:00"), "HH:mm"))
        self.kind.setCurrentIndex(max(0, self.kind.findData(p.get("kind"))))
        button = self.outcomes.button(int(p.get("outcome", 0)))
        if button is not None:
            button.setChecked(True)
        for box, pid in self.present:
            box.setChecked(pid in p.get("present", []))
        self.summary.setText(p.get("summary", ""))
        self.body.setPlainText(p.get("body", ""))
        self.next_action.setText(p.get("next_action", ""))
        self.next_on.edit.setText(p.get("next_on", ""))
        self.message.show_message(tr("保存していない入力（下書き）を戻しました。"), "info")

    # -- saving ---------------------------------------------------------------------------

    def submit(self):
        try:
            day = self.day.date()
        except Exception as exc:
            raise InvalidInput(tr("日時: {reason}").format(reason=exc), "at") from None
        at = dt.datetime.combine(day, self.time.time().toPython()).astimezone()
        next_on = self.next_on.text().strip() or None
        contact = self.session.contacts.log_contact(
            self.household_id, kind=self.kind.currentData(), outcome=list(Outcome)[self.outcomes.checkedId()].value,
            summary=self.summary.text(), at=at, present=[pid for box, pid in self.present if box.isChecked()],
            body=self.body.toPlainText(), next_action=self.next_action.text(), next_action_on=next_on)
        self.session.drafts.discard(draft_key(self.household_id))
        self._draft_timer.stop()
        return contact

    def reject(self) -> None:
        # Closing keeps the draft (it is offered again next time); only saving removes it.
        self.save_draft()
        super().reject()
