"""The case: its stage, consent, lead agency and roles, and what may happen next.

Every action the stage offers is a button. One whose rule is not yet met is still offered,
marked ⚠, and its reason is written under the buttons (not only in a tooltip, which a keyboard
user or a tablet never sees); pressing it shows the rule's message, never an error.
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QFormLayout, QGroupBox, QLabel, QPushButton, QVBoxLayout, QWidget

from app import display
from app.services.household_view import HouseholdView
from app.vocab import Action, Route, Stage
from ui.desktop.i18n import label, label_of, tr
from ui.desktop.widgets.adaptive import FlowLayout

SUPPORT_DECISION = "support_decision"  # not a lifecycle step: the city's 支援決定 dialog


class CasePanel(QGroupBox):
    action_requested = Signal(str)  # an Action code
    open_case_requested = Signal()

    def __init__(self, parent=None) -> None:
        super().__init__(tr("ケース"), parent)
        self.setAccessibleName(tr("ケース"))
        outer = QVBoxLayout(self)
        self.form = QFormLayout()
        self.form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        outer.addLayout(self.form)
        self.stage = QLabel()
        self.stage.setAccessibleName(tr("段階"))
        self.consent = QLabel()
        self.consent.setAccessibleName(tr("本人同意"))
        self.lead = QLabel()
        self.lead.setAccessibleName(tr("主担当機関"))
        self.roles = QLabel()
        self.roles.setAccessibleName(tr("役割分担"))
        self.summary = QLabel()
        self.summary.setAccessibleName(tr("主訴"))
        for widget in (self.consent, self.lead, self.roles, self.summary):
            widget.setWordWrap(True)
        self.form.addRow(tr("段階"), self.stage)
        self.form.addRow(tr("本人同意"), self.consent)
        self.form.addRow(tr("主担当機関"), self.lead)
        self.form.addRow(tr("役割分担"), self.roles)
        self.form.addRow(tr("受付・主訴"), self.summary)
        outer.addWidget(QLabel(tr("次にできること")))
        self.buttons_box = QWidget()
        self.buttons = FlowLayout(self.buttons_box)
        outer.addWidget(self.buttons_box)
        self.reasons = QLabel()
        self.reasons.setWordWrap(True)
        self.reasons.setAccessibleName(tr("できない理由"))
        self.reasons.setStyleSheet("color: #663c00;")
        self.reasons.hide()
        outer.addWidget(self.reasons)
        self.open_button = QPushButton(tr("ケースを開始（相談受付）"))
        self.open_button.setAccessibleName(tr("ケースを開始"))
        self.open_button.clicked.connect(self.open_case_requested.emit)
        outer.addWidget(self.open_button)

    def show_view(self, view: HouseholdView) -> None:
        case = view.case
        while self.buttons.count():
            item = self.buttons.takeAt(0)
            if item.widget():
                item.widget().hide()
                item.widget().deleteLater()
        ended = case is not None and case.stage in (Stage.CLOSED.value, Stage.SUSPENDED.value, Stage.HANDED_BACK.value)
        self.open_button.setVisible(case is None or ended)
        self.reasons.hide()
        if case is None:
            self.stage.setText(tr("ケースはまだありません"))
            for widget in (self.consent, self.lead, self.roles, self.summary):
                widget.setText("—")
            return
        stage_text = label_of(Stage, case.stage)
        if case.follow_up_on and case.stage == Stage.CLOSED.value:
            stage_text += tr("（フォローアップ {d}）").format(d=display.wareki(case.follow_up_on))
        self.stage.setText(f"<b>{stage_text}</b>")
        self.consent.setText(view.consent_summary)
        self.lead.setText(view.lead_agency_name or "—")
        self.roles.setText("\n".join(
            f"{'◎' if r.lead else '・'}{r.agency}：{r.task}（{r.frequency}）" for r in view.roles) or "—")
        opened = display.wareki(case.opened_on)
        route = label_of(Route, case.route)
        self.summary.setText(" ".join(x for x in (opened, route and f"［{route}］", display.text(case.summary)) if x))
        reasons = []
        for step in view.next_steps:
            button = QPushButton(label(step.action) + ("" if step.allowed else " ⚠"))
            button.setAccessibleName(label(step.action))
            button.setAccessibleDescription(step.refusal or "" if not step.allowed else "")
            button.setToolTip(tr("押すと手続きを始めます。") if step.allowed else (step.refusal or ""))
            button.clicked.connect(lambda _=False, a=step.action: self.action_requested.emit(a.value))
            self.buttons.addWidget(button)
            if not step.allowed and step.refusal:
                reasons.append(f"⚠ {label(step.action)}: {step.refusal}")
        if case.stage == Stage.PLAN_APPROVED.value:  # the plan waits for the city's 支援決定
            button = QPushButton(tr("市の支援決定…"))
            button.setAccessibleName(tr("市の支援決定"))
            button.setToolTip(tr("会議で了承されたプランに市の支援決定を記録します（事務局の多機関協働の担当者）。"))
            button.clicked.connect(lambda: self.action_requested.emit(SUPPORT_DECISION))
            self.buttons.addWidget(button)
        self.reasons.setText("\n".join(reasons))
        self.reasons.setVisible(bool(reasons))

    def action_button(self, action: Action) -> QPushButton | None:
        for n in range(self.buttons.count()):
            widget = self.buttons.itemAt(n).widget()
            if widget is not None and widget.accessibleName() == label(action):
                return widget
        return None
