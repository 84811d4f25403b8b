"""The household view: who lives there, the case and what may happen next, and the timeline.

On a wide pane the members and the case stand in a column beside the timeline and the forms;
on a narrow one (1366×768 at 150 %) all four are tabs (`AdaptivePanels`), and the buttons of
the head wrap under the name instead of pushing the window wider than the screen."""

from __future__ import annotations

import html

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QLabel,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from app import display
from app.services.household_view import HouseholdView, open_household
from app.session import Session
from ui.desktop import runner
from ui.desktop.forms.form_list import HouseholdForms
from ui.desktop.households.case_panel import CasePanel
from ui.desktop.households.flags_banner import FlagsBanner
from ui.desktop.households.members import MembersTable
from ui.desktop.households.timeline import TimelineView
from ui.desktop.i18n import tr
from ui.desktop.widgets.adaptive import AdaptivePanels, FlowLayout, em, scrolling

# Members and case beside the timeline need about this many full-width characters of width.
WIDE_FROM_EM = 58


class HouseholdViewPage(QWidget):
    log_contact_requested = Signal()
    add_note_requested = Signal()
    edit_household_requested = Signal()
    assignment_requested = Signal()
    add_person_requested = Signal()
    edit_person_requested = Signal(str)
    action_requested = Signal(str)
    open_case_requested = Signal()
    amend_requested = Signal(object)
    flag_resolved = Signal(str)
    failed = Signal(object)
    loaded = Signal(object)

    def __init__(self, session: Session, parent=None) -> None:
        super().__init__(parent)
        self.session = session
        self.view: HouseholdView | None = None
        self._generation = 0
        self.stack = QStackedWidget()
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(self.stack)
        self.empty = QLabel(tr("左の一覧から世帯を選ぶか、検索してください。\n\n"
                               "Ctrl+F 検索　Ctrl+L 接触を記録　Ctrl+N 世帯を追加"))
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty.setAccessibleName(tr("世帯が選ばれていません"))
        self.stack.addWidget(self.empty)
        self.page = QWidget()
        self.stack.addWidget(self.page)
        layout = QVBoxLayout(self.page)
        layout.setContentsMargins(8, 0, 0, 0)

        head_box = QWidget()
        head = FlowLayout(head_box)
        self.title = QLabel()
        self.title.setAccessibleName(tr("世帯名"))
        self.title.setTextFormat(Qt.TextFormat.RichText)
        self.title.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        head.addWidget(self.title)
        self.head_buttons: list[QPushButton] = []
        for text, name, signal in (
            (tr("接触を記録（Ctrl+L）"), tr("接触を記録"), self.log_contact_requested),
            (tr("記録を追加"), tr("記録を追加"), self.add_note_requested),
            (tr("世帯員を追加"), tr("世帯員を追加"), self.add_person_requested),
            (tr("世帯を編集"), tr("世帯を編集"), self.edit_household_requested),
            (tr("担当…"), tr("担当と人事異動"), self.assignment_requested),
        ):
            button = QPushButton(text)
            button.setAccessibleName(name)
            button.clicked.connect(signal.emit)
            head.addWidget(button)
            self.head_buttons.append(button)
        layout.addWidget(head_box)
        self.details = QLabel()
        self.details.setAccessibleName(tr("世帯の情報"))
        self.details.setWordWrap(True)
        self.details.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.details)
        self.flags = FlagsBanner()
        self.flags.resolve_requested.connect(self._resolve_flag)
        layout.addWidget(self.flags)

        self.members = MembersTable()
        self.members_heading = QLabel(tr("世帯員"))
        members_panel = QWidget()
        members_layout = QVBoxLayout(members_panel)
        members_layout.setContentsMargins(0, 0, 0, 0)
        members_layout.addWidget(self.members_heading)
        members_layout.addWidget(self.members)
        self.members_panel = members_panel
        self.case_panel = CasePanel()
        self.case_scroll = scrolling(self.case_panel)
        self.case_scroll.setAccessibleName(tr("ケース"))
        self.timeline = TimelineView()
        self.forms: HouseholdForms | None = None
        self.forms_holder = QWidget()
        self.forms_layout = QVBoxLayout(self.forms_holder)
        self.forms_layout.setContentsMargins(0, 0, 0, 0)

        self.panels = AdaptivePanels(lambda w: em(w, WIDE_FROM_EM))
        self.panels.setAccessibleName(tr("世帯の記録"))
        left = self.panels.add_column(stacked=True, stretch=1, width=em(self, 30))
        right = self.panels.add_column(stretch=1, width=em(self, 32))
        self.panels.add(left, tr("世帯員"), members_panel)
        self.panels.add(left, tr("ケース"), self.case_scroll, stretch=1)
        self.panels.add(right, tr("タイムライン（新しい順）"), self.timeline)
        self.panels.add(right, tr("様式"), self.forms_holder)
        self.panels.front_panel = self.timeline  # what a narrow pane shows first
        self.panels.mode_changed.connect(self._mode_changed)
        self._mode_changed(self.panels.mode)
        layout.addWidget(self.panels, 1)

        self.members.edit_requested.connect(self.edit_person_requested.emit)
        self.case_panel.action_requested.connect(self.action_requested.emit)
        self.case_panel.open_case_requested.connect(self.open_case_requested.emit)
        self.timeline.amend_requested.connect(self.amend_requested.emit)

    def _mode_changed(self, mode: str) -> None:
        stacked = mode == "wide"
        self.members_heading.setVisible(stacked)  # a tab says 世帯員 already
        self.members.set_fit_height(stacked)
        self.case_panel.setTitle(tr("ケース") if stacked else "")

    def show_timeline(self) -> None:
        self.panels.show_panel(self.timeline)

    def show_forms(self) -> None:
        self.panels.show_panel(self.forms_holder)

    @property
    def household_id(self) -> str | None:
        return self.view.household.id if self.view else None

    def load(self, household_id: str) -> None:
        """Open a household in the background (a large one can take a moment)."""
        self._generation += 1
        generation = self._generation
        session = self.session
        runner.run(lambda: open_household(session, household_id),
                   lambda view: self._show(generation, view), self.failed.emit)

    def reload(self) -> None:
        if self.household_id:
            self.load(self.household_id)

    def _resolve_flag(self, flag_id: str) -> None:
        session = self.session
        runner.run(lambda: session.sync.resolve_flag(flag_id), lambda _: self._flag_done(flag_id), self.failed.emit)

    def _flag_done(self, flag_id: str) -> None:
        self.flag_resolved.emit(flag_id)
        self.reload()

    def _show_forms(self, household_id: str) -> None:
        if self.forms is not None and self.forms.household_id == household_id:
            self.forms.refresh()
            return
        if self.forms is not None:
            self.forms.deleteLater()
        self.forms = HouseholdForms(self.session, household_id)
        self.forms.changed.connect(self.reload)
        self.forms_layout.addWidget(self.forms)

    def clear(self) -> None:
        """Hide every personal detail (used by the lock)."""
        if self.forms is not None:
            self.forms.deleteLater()
            self.forms = None
        self.view = None
        self.title.clear()
        self.details.clear()
        self.members.clear()
        self.flags.show_flags([])
        self.timeline.clear()
        self.stack.setCurrentWidget(self.empty)

    def _show(self, generation: int, view: HouseholdView) -> None:
        if generation != self._generation:
            return
        self.view = view
        h = view.household
        kana = f"<span style='color:#555'>（{html.escape(display.text(h.kana))}）</span>" if h.kana else ""
        self.title.setText(f"<span style='font-size:16pt; font-weight:bold'>{html.escape(display.text(h.name))}</span> {kana}")
        parts = [display.text(h.address), display.text(h.phone), tr("ステーション: {s}").format(s=view.station_name or "—"),
                 tr("担当: {s}").format(s=view.lead_staff_name or "—")]
        if h.source_id:  # the number it had in the list it was imported from
            parts.append(tr("元の番号: {n}（{s}）").format(n=h.source_id, s=h.source or ""))
        line = "　".join(p for p in parts if p)
        if h.next_action or h.next_action_on:
            line += "\n" + tr("次回: {a} {d}").format(a=display.text(h.next_action), d=display.wareki(h.next_action_on))
        self.details.setText(line)
        self.members.show_persons(view.persons)
        self.case_panel.show_view(view)
        self.flags.show_flags(view.flags)
        self.timeline.show_items(view.timeline)
        self._show_forms(h.id)
        self.stack.setCurrentWidget(self.page)
        self.loaded.emit(view)
