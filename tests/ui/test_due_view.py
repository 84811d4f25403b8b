"""The 期限 view in the window: reached from the menu, overdue first, the urgency filter and its
badge, the worker's and the office's view, and a row opening its household."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence

from tests.ui.qt_helpers import settle
from ui.desktop.due_dialog import DueDialog


def test_the_due_view_from_the_menu(qtbot, window):
    action = next(a for a in window.actions() if a.shortcut() == QKeySequence("Ctrl+Shift+T"))
    assert action.text() == "期限（事務局・全世帯）…"
    action.trigger()
    qtbot.waitUntil(lambda: isinstance(window.current_dialog, DueDialog), timeout=3000)
    due = window.current_dialog
    qtbot.waitUntil(lambda: due.model.rowCount() > 0, timeout=5000)
    items = due.items
    overdue = [i for i in items if i.overdue]
    assert overdue and items[:len(overdue)] == overdue  # overdue first
    assert due.model.item(0, 0).text().startswith("⚠") and "期限切れ" in due.model.item(0, 0).text()
    assert due.count.text() == f"{len(items)}件（期限切れ {len(overdue)}件）"
    kinds = {i.kind for i in items}
    assert {"next_action", "monitoring"} <= kinds
    assert len({i.household_id for i in items if i.household_id}) > len({i.household_id for i in items
                                                                       if i.kind == "next_action"})
    # the urgency badge and filter
    urgent_rows = [r for r in range(due.model.rowCount()) if due.model.item(r, 1).text() == "緊急"]
    assert urgent_rows and all(items[r].urgency == "高" for r in urgent_rows)
    due.urgency.setCurrentIndex(1)
    qtbot.waitUntil(lambda: due.items and all(i.urgent for i in due.items), timeout=5000)
    # the worker's own: only their households and meetings
    due.urgency.setCurrentIndex(0)
    due.scope.setCurrentIndex(0)
    me = window.session.me
    qtbot.waitUntil(lambda: due.items and all(i.staff_id == me or me in i.attendees for i in due.items), timeout=5000)
    settle(qtbot)
    assert all(i.staff_id == me or me in i.attendees for i in due.items) and len(due.items) < len(items)
    leads = {r.id: r.lead_staff_id for r in window.session.households.rows()}
    assert all(leads.get(i.household_id) in (window.session.me, None) or i.kind == "watch" for i in due.items
               if i.household_id)
    # Enter on a row opens the household
    row = next(r for r, i in enumerate(due.items) if i.household_id)
    due.table.setFocus()
    due.table.selectRow(row)
    qtbot.keyClick(due.table, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.view_page.household_id == due.items[row].household_id, timeout=5000)
    due.reject()
    settle(qtbot)
    assert window.current_dialog is None
