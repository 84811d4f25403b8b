"""The small dialogs of the meeting screens: a new sitting, an attendee, the acknowledgement of the
duty of confidentiality (法106条の6), and the city's 支援決定 from the household's case panel."""

from __future__ import annotations

import datetime as dt

from PySide6.QtWidgets import QCheckBox, QComboBox, QLabel, QLineEdit

from app.services.meetings import CONFIDENTIALITY_TEXT
from app.session import Session
from app.vocab import AttendeeRole, MeetingKind
from ui.desktop.dialogs.base import EntryDialog
from ui.desktop.i18n import label, label_of, tr
from ui.desktop.widgets.wareki_edit import WarekiDateEdit


class NewMeetingDialog(EntryDialog):
    """A sitting of one kind, optionally with a second part held together (支援会議 + 重層的支援会議)."""

    def __init__(self, session: Session, parent=None) -> None:
        super().__init__(tr("会議を作る"), parent, save_text=tr("作る（Ctrl+Enter）"))
        self.session = session
        self.kind = QComboBox()
        self.second = QComboBox()
        self.second.addItem(tr("（なし）"), None)
        for kind in session.meetings.kinds.kinds():
            text = f"{kind.name}（{label_of(MeetingKind, kind.rule)}）" if kind.name != label_of(
                MeetingKind, kind.rule) else kind.name
            self.kind.addItem(text, kind.id)
            self.second.addItem(text, kind.id)
        self.add_row(tr("会議の種類"), self.kind, "kind")
        self.add_row(tr("同時に開く会議"), self.second, "parts")
        self.when = WarekiDateEdit(tr("開催日"), optional=False)
        self.when.set_date(dt.date.today())
        self.add_row(tr("開催日"), self.when, "held_on")
        self.title_edit = self.add_row(tr("名称"), QLineEdit(), "title")
        self.place = self.add_row(tr("場所"), QLineEdit(), "place")
        self.chair = self.add_row(tr("議長"), QLineEdit(), "chair")
        self.members = QCheckBox(tr("常任の構成員を出席予定に入れる"))
        self.members.setChecked(True)
        self.add_row("", self.members)
        self.resize(520, 380)

    def submit(self):
        second = self.second.currentData()
        return self.session.meetings.create(
            self.kind.currentData(), self.when.text(), self.title_edit.text(), place=self.place.text(),
            chair=self.chair.text(), parts=[second] if second else None, with_members=self.members.isChecked())


class AttendeeDialog(EntryDialog):
    def __init__(self, session: Session, meeting_id: str, parent=None) -> None:
        super().__init__(tr("出席者を加える"), parent, save_text=tr("加える（Ctrl+Enter）"))
        self.session = session
        self.meeting_id = meeting_id
        self.name = self.add_row(tr("氏名"), QLineEdit(), "name")
        self.role = QComboBox()
        for role in AttendeeRole:
            self.role.addItem(label(role), role.value)
        self.role.setCurrentIndex(list(AttendeeRole).index(AttendeeRole.AGENCY))
        self.add_row(tr("立場"), self.role, "role")
        self.agency = QComboBox()
        self.agency.setEditable(True)
        self.agency.addItem("")
        for agency in session.directory.agencies():
            self.agency.addItem(agency.name, agency.id)
        self.add_row(tr("機関"), self.agency, "agency")
        self.login = self.add_row(tr("利用者名（同期）"), QLineEdit(), "login")
        self.resize(480, 300)

    def submit(self):
        text = self.agency.currentText().strip()
        agency_id = self.agency.currentData() if text and text == self.agency.itemText(self.agency.currentIndex()) else None
        return self.session.meetings.add_attendee(self.meeting_id, name=self.name.text(), role=self.role.currentData(),
                                                  agency=text or None, agency_id=agency_id, login=self.login.text())


class AcknowledgeDialog(EntryDialog):
    """The text of 法106条の6 and its penalty, shown to one attendee, who confirms it."""

    def __init__(self, session: Session, meeting_id: str, attendee_key: str, name: str, parent=None) -> None:
        super().__init__(tr("守秘義務の確認（社会福祉法第106条の6）"), parent,
                         save_text=tr("確認しました（Ctrl+Enter）"))
        self.session = session
        self.meeting_id = meeting_id
        self.attendee_key = attendee_key
        who = QLabel(tr("出席者: {n}").format(n=name))
        who.setAccessibleName(tr("出席者"))
        self.form.addRow(who)
        text = QLabel(CONFIDENTIALITY_TEXT)  # the law's own words, shown as the seed states them
        text.setWordWrap(True)
        text.setAccessibleName(tr("守秘義務の内容"))
        self.form.addRow(text)
        self.resize(560, 300)

    def submit(self):
        return self.session.meetings.acknowledge(self.meeting_id, self.attendee_key)


class SupportDecisionDialog(EntryDialog):
    """The city's 支援決定 for the plan a meeting approved (a city account only)."""

    def __init__(self, session: Session, case_id: str, parent=None) -> None:
        super().__init__(tr("市の支援決定を記録"), parent, save_text=tr("記録する（Ctrl+Enter）"))
        self.session = session
        self.case_id = case_id
        note = QLabel(tr("会議で了承されたプラン（アウトリーチ等事業・参加支援事業を含む）について、市の支援決定を記録します。"
                         "プランの事務局記入欄（支援決定日・番号）に記入されます。"))
        note.setWordWrap(True)
        self.form.addRow(note)
        self.when = WarekiDateEdit(tr("支援決定日"), optional=False)
        self.when.set_date(dt.date.today())
        self.add_row(tr("支援決定日"), self.when, "decided_on")
        self.number = self.add_row(tr("支援決定番号"), QLineEdit(), "number")
        self.memo = self.add_row(tr("備考"), QLineEdit(), "memo")
        self.resize(520, 300)

    def submit(self):
        return self.session.city.record(self.case_id, decided_on=self.when.text(), number=self.number.text(),
                                        memo=self.memo.text())
