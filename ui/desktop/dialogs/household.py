"""Adding and editing a household and its members."""

from __future__ import annotations

from PySide6.QtWidgets import QCheckBox, QComboBox, QGridLayout, QLineEdit, QPlainTextEdit, QPushButton, QWidget

from app.model import Household, Person
from app.session import Session
from app.vocab import RELATIONS, Field
from ui.desktop.dialogs.base import EntryDialog
from ui.desktop.i18n import label, tr
from ui.desktop.widgets.wareki_edit import WarekiDateEdit


def _combo(items: list[tuple[str | None, str]], current: str | None) -> QComboBox:
    combo = QComboBox()
    for code, text in items:
        combo.addItem(text, code)
    combo.setCurrentIndex(max(0, combo.findData(current)))
    return combo


class HouseholdDialog(EntryDialog):
    def __init__(self, session: Session, household: Household | None = None, parent=None) -> None:
        super().__init__(tr("世帯を編集") if household else tr("世帯を追加"), parent)
        self.session = session
        self.household = household
        h = household
        self.name = self.add_row(tr("世帯名"), QLineEdit(h.name if h else ""), "name")
        self.kana = self.add_row(tr("ふりがな"), QLineEdit(h.kana or "" if h else ""), "kana")
        self.address = self.add_row(tr("住所"), QLineEdit(h.address or "" if h else ""), "address")
        self.phone = self.add_row(tr("電話"), QLineEdit(h.phone or "" if h else ""), "phone")
        stations = [(None, tr("（未設定）"))] + [(s.id, s.name) for s in session.directory.stations()]
        self.station = self.add_row(tr("ステーション"), _combo(stations, h.station_id if h else None), "station_id")
        staff = [(None, tr("（未設定）"))] + [(s.id, s.name) for s in session.directory.staff()]
        lead = h.lead_staff_id if h else session.me
        self.lead = self.add_row(tr("担当職員"), _combo(staff, lead), "lead_staff_id")
        self.next_action = self.add_row(tr("次にすること"), QLineEdit(h.next_action or "" if h else ""), "next_action")
        self.next_on = WarekiDateEdit(tr("次回予定日"))
        self.next_on.set_date(h.next_action_on if h else None)
        self.add_row(tr("次回予定日"), self.next_on, "next_action_on")
        self.memo = QPlainTextEdit(h.memo or "" if h else "")
        self.memo.setTabChangesFocus(True)
        self.memo.setMaximumHeight(90)
        self.add_row(tr("メモ"), self.memo, "memo")
        self.resize(520, 440)

    def submit(self):
        values = {
            "kana": self.kana.text().strip() or None, "phone": self.phone.text().strip() or None,
            "station_id": self.station.currentData(), "lead_staff_id": self.lead.currentData(),
            "next_action": self.next_action.text().strip() or None,
            "next_action_on": self.next_on.text().strip() or None, "memo": self.memo.toPlainText().strip() or None,
        }
        if self.household is None:
            return self.session.households.create(self.name.text(), self.address.text().strip() or None, **values)
        return self.session.households.update(self.household.id, name=self.name.text(),
                                              address=self.address.text().strip() or None, **values)


class PersonDialog(EntryDialog):
    def __init__(self, session: Session, household_id: str, person: Person | None = None, parent=None) -> None:
        super().__init__(tr("世帯員を編集") if person else tr("世帯員を追加"), parent)
        self.session = session
        self.household_id = household_id
        self.person = person
        self.removed = False
        p = person
        self.name = self.add_row(tr("氏名"), QLineEdit(p.name if p else ""), "name")
        self.kana = self.add_row(tr("ふりがな"), QLineEdit(p.kana or "" if p else ""), "kana")
        self.birth = WarekiDateEdit(tr("生年月日"))
        self.birth.set_date(p.birth_date if p else None, short=False)
        self.add_row(tr("生年月日"), self.birth, "birth_date")
        self.relation = QComboBox()
        self.relation.setEditable(True)
        self.relation.addItems(list(RELATIONS))
        self.relation.setCurrentText(p.relation or "" if p else "")
        self.add_row(tr("続柄"), self.relation, "relation")
        self.sex = _combo([(None, tr("（未記入）")), ("男", tr("男")), ("女", tr("女")), ("その他", tr("その他"))],
                          p.sex if p else None)
        self.add_row(tr("性別"), self.sex, "sex")
        flags = QWidget()
        grid = QGridLayout(flags)
        grid.setContentsMargins(0, 0, 0, 0)
        self.flags: dict[str, QCheckBox] = {}
        for n, field in enumerate(Field):
            box = QCheckBox(label(field))
            box.setChecked(bool(getattr(p, field.value, 0)) if p else False)
            self.flags[field.value] = box
            grid.addWidget(box, 0, n)
        self.add_row(tr("分野"), flags, "flags")
        self.phone = self.add_row(tr("電話"), QLineEdit(p.phone or "" if p else ""), "phone")
        self.memo = QPlainTextEdit(p.memo or "" if p else "")
        self.memo.setTabChangesFocus(True)
        self.memo.setMaximumHeight(80)
        self.add_row(tr("メモ"), self.memo, "memo")
        if person is not None:
            remove = QPushButton(tr("この世帯員を削除"))
            remove.setAccessibleName(tr("世帯員を削除"))
            remove.clicked.connect(self._remove)
            self.form.addRow("", remove)
        self.resize(520, 460)

    def _remove(self) -> None:
        self.session.households.remove_person(self.person.id)
        self.removed = True
        self.accept()

    def submit(self):
        values = {"kana": self.kana.text().strip() or None, "birth_date": self.birth.text().strip() or None,
                  "relation": self.relation.currentText().strip() or None, "sex": self.sex.currentData(),
                  "phone": self.phone.text().strip() or None, "memo": self.memo.toPlainText().strip() or None}
        chosen = {flag: box.isChecked() for flag, box in self.flags.items()}
        if self.person is None:
            if any(chosen.values()):
                values.update(chosen)
            return self.session.households.add_person(self.household_id, self.name.text(), **values)
        return self.session.households.update_person(self.person.id, name=self.name.text(), **values, **chosen)
