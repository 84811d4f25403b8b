"""Taking a lifecycle step: the inputs the step needs, and the rule's message when refused.

Only what the step needs is asked: a meeting decision for approval, closure and suspension;
a follow-up date and the agency that keeps accompanying the household for closure; a reason
for hand-back and reopening; the consent details for consent. A refusal is shown in the dialog,
which stays open with everything typed.
"""

from __future__ import annotations

from PySide6.QtWidgets import QCheckBox, QComboBox, QLabel, QLineEdit, QPlainTextEdit

from app import display
from app.model import Case, Person
from app.session import Session
from app.vocab import Action, ConsentMethod, DecisionKind, DecisionOutcome, MeetingKind, Route
from ui.desktop.dialogs.base import EntryDialog
from ui.desktop.i18n import label, label_of, tr
from ui.desktop.widgets.agency_combo import AgencyCombo

NEEDS_DECISION = (Action.APPROVE_PLAN, Action.CLOSE, Action.SUSPEND)
NEEDS_REASON = (Action.HAND_BACK, Action.REOPEN)


class LifecycleDialog(EntryDialog):
    def __init__(self, session: Session, case: Case, action: Action, parent=None) -> None:
        super().__init__(label(action), parent, save_text=tr("実行（Ctrl+Enter）"))
        self.session = session
        self.case = case
        self.action = action
        refusal = next((s.refusal for s in session.cases.next_steps(case.id) if s.action == action and not s.allowed),
                       None)
        if refusal:
            self.message.show_message(tr("今の状態では次の理由で進められません: {r}").format(r=refusal), "refused")
        self.decision = self.reason = self.follow_up = self.lead_agency = self.note = None
        if action == Action.RECORD_CONSENT:
            self._consent_fields()
        elif action == Action.WITHDRAW_CONSENT:
            self._date_field(tr("撤回日"))
            self.reason = self.add_row(tr("撤回の内容"), QPlainTextEdit(), "memo")
        if action in NEEDS_DECISION:
            self.decision = QComboBox()
            self.decision.addItem(tr("（会議の決定を選んでください）"), None)
            for d in session.meetings.decisions_for_case(case.id):
                meeting = session.meetings.get(d.meeting_id)
                text = (f"{display.wareki(d.decided_on)} {label_of(MeetingKind, meeting.kind)}: "
                        f"{label_of(DecisionKind, d.kind)}（{label_of(DecisionOutcome, d.outcome)}）")
                self.decision.addItem(text, d.id)
            self.decision.setCurrentIndex(self.decision.count() - 1)
            self.add_row(tr("会議の決定"), self.decision, "decision_id")
        if action == Action.CLOSE:
            from ui.desktop.widgets.wareki_edit import WarekiDateEdit

            self.follow_up = WarekiDateEdit(tr("フォローアップ日"), optional=False)
            self.add_row(tr("フォローアップ日"), self.follow_up, "follow_up_on")
            self.lead_agency = AgencyCombo(session, tr("（いまの主担当機関のまま）"))
            self.add_row(tr("伴走を続ける主担当機関"), self.lead_agency, "lead_agency_id")
            self.note = self.add_row(tr("フォローアップの方法"), QLineEdit(), "follow_up_note")
        if action in NEEDS_REASON or action in (Action.SUSPEND, Action.CLOSE, Action.START_REPLAN):
            self.reason = self.add_row(tr("理由"), QPlainTextEdit(), "reason")
            self.reason.setTabChangesFocus(True)
            self.reason.setMaximumHeight(90)
        self.resize(560, 360)

    def _date_field(self, text: str):
        from ui.desktop.widgets.wareki_edit import WarekiDateEdit

        self.on_date = WarekiDateEdit(text, optional=False)
        import datetime as dt

        self.on_date.set_date(dt.date.today())
        self.add_row(text, self.on_date, "on_date")

    def _consent_fields(self) -> None:
        self._date_field(tr("同意日"))
        self.method = QComboBox()
        for method in ConsentMethod:
            self.method.addItem(label(method), method.value)
        self.add_row(tr("同意の方法"), self.method, "method")
        self.paper = QCheckBox(tr("署名済みの様式1-1（相談受付・申込票）を保管している"))
        self.paper.setChecked(True)
        self.add_row(tr("書面"), self.paper, "paper_on_file")
        self.scope = self.add_row(tr("共有してよい範囲"), QLineEdit(tr("支援関係機関での情報共有")), "scope")
        self.memo = QPlainTextEdit()
        self.memo.setTabChangesFocus(True)
        self.memo.setMaximumHeight(70)
        self.add_row(tr("メモ"), self.memo, "memo")

    def _text(self, widget) -> str | None:
        if widget is None:
            return None
        text = widget.toPlainText() if isinstance(widget, QPlainTextEdit) else widget.text()
        return text.strip() or None

    def submit(self):
        cases = self.session.cases
        if self.action == Action.RECORD_CONSENT:
            scope = [s.strip() for s in self.scope.text().split("、") if s.strip()]
            case = cases.record_consent(self.case.id, on_date=self.on_date.text(), method=self.method.currentData(),
                                        paper_on_file=self.paper.isChecked(), scope=scope,
                                        memo=self._text(self.memo))
            if case.stage == self.case.stage:
                # The consent is kept even when it cannot move the case yet: say why.
                refusal = next((s.refusal for s in cases.next_steps(case.id)
                                if s.action == self.action and not s.allowed), "")
                self.notice = tr("同意の記録は保存しました。ただし次の理由でケースは進みません: {r}").format(r=refusal)
            return case
        if self.action == Action.WITHDRAW_CONSENT:
            return cases.withdraw_consent(self.case.id, on_date=self.on_date.text(), memo=self._text(self.reason))
        return cases.perform(
            self.case.id, self.action,
            decision_id=self.decision.currentData() if self.decision else None,
            reason=self._text(self.reason),
            follow_up_on=self.follow_up.text().strip() or None if self.follow_up else None,
            lead_agency_id=self.lead_agency.currentData() if self.lead_agency else None,
            follow_up_note=self._text(self.note))


class OpenCaseDialog(EntryDialog):
    def __init__(self, session: Session, household_id: str, persons: list[Person], parent=None) -> None:
        super().__init__(tr("ケースを開始（相談受付）"), parent)
        self.session = session
        self.household_id = household_id
        self.principal = QComboBox()
        self.principal.addItem(tr("（未定）"), None)
        for person in persons:
            self.principal.addItem(f"{person.name}（{person.relation or ''}）", person.id)
        if persons:
            self.principal.setCurrentIndex(1)
        self.add_row(tr("本人"), self.principal, "principal_id")
        self.route = QComboBox()
        for route in Route:
            self.route.addItem(label(route), route.value)
        self.add_row(tr("相談経路"), self.route, "route")
        self.referrer = AgencyCombo(session, tr("（なし）"))
        self.add_row(tr("紹介元の機関"), self.referrer, "referring_agency_id")
        self.summary = QPlainTextEdit()
        self.summary.setTabChangesFocus(True)
        self.summary.setMaximumHeight(100)
        self.add_row(tr("主訴"), self.summary, "summary")
        self.add_row("", QLabel(tr("同意がなくても受付できます（同意前はアウトリーチと支援会議での検討のみ）。")))
        self.resize(540, 340)

    def submit(self):
        return self.session.cases.open_case(
            self.household_id, principal_id=self.principal.currentData(), route=self.route.currentData(),
            referring_agency_id=self.referrer.currentData(), summary=self.summary.toPlainText())
