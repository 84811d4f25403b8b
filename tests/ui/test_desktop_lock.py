"""The lock: after idle time or sleep, it hides every personal detail; unsaved input survives."""

from __future__ import annotations

import time

from tests.conftest import PASSPHRASE
from tests.ui.conftest import open_first
from tests.ui.qt_helpers import settle, type_text
from ui.desktop.dialogs.contact import ContactDialog, draft_key


def visible_text(window) -> str:
    """Everything a person looking at the screen could read."""
    from PySide6.QtWidgets import QApplication, QLabel, QLineEdit

    parts = []
    for top in QApplication.topLevelWidgets():
        if not top.isVisible():
            continue
        for widget in top.findChildren(QLabel) + top.findChildren(QLineEdit):
            if widget.isVisible():
                parts.append(widget.text())
        if top is window:
            table = window.list_page.table
            if table.isVisible():
                model = table.model()
                parts += [str(model.index(r, 1).data()) for r in range(model.rowCount())]
    return "\n".join(parts)


def test_idle_time_locks_and_hides_every_personal_detail(qtbot, window):
    row = open_first(qtbot, window)
    assert row.name in visible_text(window)
    window.idle.set_idle_seconds(1)
    qtbot.waitUntil(lambda: window.idle.locked, timeout=5000)
    assert window.stack.currentWidget() is window.lock_screen
    shown = visible_text(window)
    assert row.name not in shown and (row.address or "@@") not in shown
    assert window.list_page.model.rowCount() == 0 and window.view_page.view is None


def test_sleep_is_noticed_by_the_gap_in_time_and_locks(qtbot, window):
    window.idle._check_sleep(now=time.time() + 3600)
    assert window.idle.locked
    assert "スリープ" in window.lock_screen.reason.text()


def test_a_wrong_passphrase_on_the_lock_screen_is_calm_and_the_right_one_restores(qtbot, window):
    open_first(qtbot, window)
    window.lock("manual")
    type_text(window.lock_screen.passphrase, "not it")
    window.lock_screen.try_unlock()
    qtbot.waitUntil(lambda: window.lock_screen.message.text() != "", timeout=5000)
    assert "パスフレーズが違います" in window.lock_screen.message.text()
    assert window.lock_screen.passphrase.text() == "" and window.idle.locked
    window.lock_screen.passphrase.setText(PASSPHRASE)
    window.lock_screen.try_unlock()
    qtbot.waitUntil(lambda: not window.idle.locked, timeout=5000)
    settle(qtbot)
    assert window.stack.currentWidget() is window.workspace
    assert window.list_page.model.rowCount() > 0


def test_unsaved_input_in_an_open_form_survives_the_lock(qtbot, window):
    row = open_first(qtbot, window)
    window.log_contact()
    dialog = window.current_dialog
    assert isinstance(dialog, ContactDialog)
    type_text(dialog.summary, "鍵をかける直前の入力")
    window.lock("idle")
    assert not dialog.isVisible()
    # Written to the encrypted profile before anything was hidden.
    assert window.session.drafts.load(draft_key(row.id)).payload["summary"] == "鍵をかける直前の入力"
    window.lock_screen.passphrase.setText(PASSPHRASE)
    window.lock_screen.try_unlock()
    qtbot.waitUntil(lambda: not window.idle.locked, timeout=5000)
    assert dialog.isVisible() and dialog.summary.text() == "鍵をかける直前の入力"
    dialog.reject()


def test_a_form_being_filled_is_hidden_by_the_lock_and_keeps_its_input(qtbot, window):
    row = open_first(qtbot, window)
    window.view_page.show_forms()
    forms = window.view_page.forms
    assert forms is not None and forms.household_id == row.id
    screen = forms.start("contact")
    qtbot.waitUntil(screen.isVisible, timeout=3000)
    editor = screen.rows["summary"].editor
    editor.set_value("様式の入力途中")
    window.lock("idle")
    assert not screen.isVisible()
    draft = window.session.drafts.load(screen.draft_key)
    assert draft is not None and draft.payload["answers"]["summary"] == "様式の入力途中"
    window.lock_screen.passphrase.setText(PASSPHRASE)
    window.lock_screen.try_unlock()
    qtbot.waitUntil(lambda: not window.idle.locked, timeout=5000)
    assert screen.isVisible() and editor.value() == "様式の入力途中"


def test_a_search_answer_that_arrives_after_the_lock_fills_nothing(qtbot, window):
    page = window.list_page
    type_text(page.search, "電話")  # a search is on its way
    window.lock("idle")
    settle(qtbot)
    assert page.search.text() == "" and page.results.count() == 0 and page.model.rowCount() == 0
