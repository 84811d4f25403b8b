"""The field worker's flows in the real window, offscreen."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from app.vocab import Action, Stage
from tests.ui.conftest import open_first
from tests.ui.qt_helpers import settle, type_text
from ui.desktop.dialogs.contact import ContactDialog, draft_key
from ui.desktop.dialogs.household import HouseholdDialog, PersonDialog
from ui.desktop.dialogs.lifecycle import LifecycleDialog
from ui.desktop.dialogs.records import AmendDialog
from ui.desktop.households.list_model import ID_ROLE


def test_the_list_shows_my_households_first(window):
    rows = window.list_page.model.rows
    me = window.session.me
    mine = [r.lead_staff_id == me for r in rows]
    assert any(mine) and mine == sorted(mine, reverse=True)
    assert "担当" in window.list_page.count.text()


def test_filters_narrow_the_list(qtbot, window):
    page = window.list_page
    page.stage.setCurrentIndex(page.stage.findData(Stage.IN_SUPPORT.value))
    settle(qtbot)
    assert page.model.rows and {r.stage for r in page.model.rows} == {"in_support"}
    page.stage.setCurrentIndex(0)
    page.field.setCurrentIndex(page.field.findData("is_child"))
    settle(qtbot)
    assert page.model.rows and all(r.has_field("is_child") for r in page.model.rows)
    page.field.setCurrentIndex(0)
    page.overdue.setChecked(True)
    settle(qtbot)
    overdue = window.session.due.overdue_households()  # next actions, monitoring, follow-ups, watch checks
    assert page.model.rows and {r.id for r in page.model.rows} == overdue
    assert any(not r.next_action_on or r.next_action_on >= page.model.today for r in page.model.rows)
    assert page.overdue.text() == f"予定日を過ぎたもの（{len(overdue)}）"
    page.overdue.setChecked(False)
    page.scope.setCurrentIndex(page.scope.findData("mine"))
    settle(qtbot)
    assert {r.lead_staff_id for r in page.model.rows} == {window.session.me}


def test_search_as_you_type_finds_contacts_and_opens_the_household(qtbot, window):
    page = window.list_page
    page.focus_search()
    type_text(page.search, "電話")
    qtbot.waitUntil(lambda: page.stack.currentWidget() is page.results, timeout=5000)
    settle(qtbot)
    result = page.results.current_result()
    assert result is not None and "電話" in result.snippet
    qtbot.keyClick(page.search, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.view_page.household_id == result.household_id, timeout=5000)
    page.search.clear()
    qtbot.waitUntil(lambda: page.stack.currentWidget() is page.table, timeout=3000)


def test_kana_typed_in_hiragana_finds_the_household(qtbot, window):
    row = window.list_page.model.rows[0]
    kana = row.kana[:3]
    hiragana = "".join(chr(ord(c) - 0x60) if "ァ" <= c <= "ヶ" else c for c in kana)
    type_text(window.list_page.search, hiragana)
    qtbot.waitUntil(lambda: window.list_page.stack.currentWidget() is window.list_page.results, timeout=5000)
    settle(qtbot)
    hits = [window.list_page.results.result_at(n) for n in range(window.list_page.results.count())]
    assert any(h and h.household_id == row.id for h in hits)


def test_a_home_visit_is_logged_with_the_keyboard_alone(qtbot, window):
    row = open_first(qtbot, window)
    before = len(window.session.contacts.contacts(row.id))
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow, timeout=3000)
    qtbot.keyClick(window, Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: isinstance(window.current_dialog, ContactDialog), timeout=3000)
    dialog = window.current_dialog
    qtbot.waitUntil(dialog.isActiveWindow, timeout=3000)
    assert dialog.kind.hasFocus()
    qtbot.keyClick(dialog.kind, Qt.Key.Key_2)  # 2 電話 …
    assert dialog.kind.currentData() == "phone"
    qtbot.keyClick(dialog.kind, Qt.Key.Key_1)  # … no, 1 家庭訪問
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
    for _ in range(10):  # Tab on to the summary line, however many check boxes there are
        if QApplication.focusWidget() is dialog.summary:
            break
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
    assert QApplication.focusWidget() is dialog.summary
    type_text(dialog.summary, "体調を確認。来週通院に同行")
    qtbot.keyClick(dialog.summary, Qt.Key.Key_Tab)
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)  # past the longer note
    assert QApplication.focusWidget() is dialog.next_action
    type_text(dialog.next_action, "通院同行")
    qtbot.keyClick(dialog.next_action, Qt.Key.Key_Tab)
    type_text(QApplication.focusWidget(), "R8.12.1")
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: window.current_dialog is None, timeout=3000)
    settle(qtbot)
    contacts = window.session.contacts.contacts(row.id)
    assert len(contacts) == before + 1
    newest = max(contacts, key=lambda c: c.stamp)
    assert (newest.kind, newest.outcome, newest.summary) == ("home_visit", "met", "体調を確認。来週通院に同行")
    assert window.session.households.get(row.id).next_action_on == "2026-12-01"
    assert window.session.drafts.load(draft_key(row.id)) is None
    assert any("体調を確認" in e.title + e.body for e in window.view_page.timeline.entries())
    assert "保存しました" in window.message.text.text()


def test_an_unfinished_contact_survives_as_a_draft(qtbot, window):
    row = open_first(qtbot, window)
    view = window.view_page.view
    dialog = ContactDialog(window.session, row.id, row.name, view.persons, window)
    qtbot.addWidget(dialog)
    type_text(dialog.summary, "途中で電話が鳴った")
    qtbot.waitUntil(lambda: window.session.drafts.load(draft_key(row.id)) is not None, timeout=3000)
    dialog.deleteLater()  # the window is gone without saving, as after a crash
    again = ContactDialog(window.session, row.id, row.name, view.persons, window)
    qtbot.addWidget(again)
    assert again.summary.text() == "途中で電話が鳴った"
    assert "下書き" in again.message.text.text()


def test_a_refused_lifecycle_step_shows_the_rules_message(qtbot, window):
    session = window.session
    household = session.households.create("規則家", "みその市本町5")
    person = session.households.add_person(household.id, "規則 太郎", kana="キソク タロウ", birth_date="1970-01-01",
                                           relation="本人")
    case = session.cases.open_case(household.id, principal_id=person.id)  # no referring agency
    session.cases.record_consent(case.id, on_date="R7.4.1")
    window.view_page.load(household.id)
    qtbot.waitUntil(lambda: window.view_page.household_id == household.id, timeout=5000)
    settle(qtbot)
    button = window.view_page.case_panel.action_button(Action.HAND_BACK)
    assert button is not None and "紹介元" in button.toolTip()
    button.click()
    dialog = window.current_dialog
    assert isinstance(dialog, LifecycleDialog) and "紹介元" in dialog.message.text.text()
    type_text(dialog.reason, "紹介元で対応")
    dialog.try_submit()
    assert dialog.isVisible() and "紹介元の支援関係機関" in dialog.message.text.text()
    assert dialog.reason.toPlainText() == "紹介元で対応"  # nothing typed is lost
    assert session.cases.get(case.id).stage == "consented"
    dialog.reject()
    wrong_stage = LifecycleDialog(session, session.cases.get(case.id), Action.CLOSE, window)
    qtbot.addWidget(wrong_stage)
    wrong_stage.try_submit()
    assert "「本人同意済」の段階では「終結」はできません" in wrong_stage.message.text.text()


def test_wareki_is_accepted_where_dates_are_typed(qtbot, window):
    row = open_first(qtbot, window)
    dialog = PersonDialog(window.session, row.id, None, window)
    qtbot.addWidget(dialog)
    type_text(dialog.name, "新しい 家族")
    type_text(dialog.birth.edit, "S15.3.2")
    assert dialog.birth.hint.text() == "昭和15年3月2日（1940-03-02）"
    dialog.try_submit()
    person = next(p for p in window.session.households.persons(row.id) if p.name == "新しい 家族")
    assert person.birth_date == "1940-03-02" and person.is_elderly == 1
    bad = PersonDialog(window.session, row.id, None, window)
    qtbot.addWidget(bad)
    type_text(bad.name, "日付 間違い")
    type_text(bad.birth.edit, "H31.5.1")
    assert "令和元年5月1日" in bad.birth.hint.text()
    bad.try_submit()
    assert bad.isVisible() or bad.result() == 0
    assert "期間外" in bad.message.text.text()
    assert bad.birth.edit.text() == "H31.5.1"


def test_adding_a_household_opens_it(qtbot, window):
    window.add_household()
    dialog = window.current_dialog
    assert isinstance(dialog, HouseholdDialog)
    type_text(dialog.name, "新規家")
    type_text(dialog.address, "みその市本町9-9")
    dialog.try_submit()
    qtbot.waitUntil(lambda: window.view_page.view is not None and window.view_page.view.household.name == "新規家",
                    timeout=5000)
    assert window.view_page.view.household.lead_staff_id == window.session.me


def test_amending_a_note_keeps_the_original_beside_the_correction(qtbot, window):
    row = open_first(qtbot, window)
    note = window.session.contacts.add_note(row.id, "母は入院中")
    settle(qtbot)
    entry = next(e for e in window.view_page.timeline.entries() if e.entity_id == note.id)
    dialog = AmendDialog(window.session, entry, window)
    qtbot.addWidget(dialog)
    dialog.body.setPlainText("母は先週退院した")
    dialog.try_submit()
    settle(qtbot)
    texts = [(e.kind, e.body, e.correction) for e in window.view_page.timeline.entries()]
    at = texts.index(("note", "母は入院中", False))
    assert texts[at + 1] == ("note", "母は先週退院した", True)
    timeline = window.view_page.timeline
    shown = [timeline.item(i).text() for i in range(timeline.count())]
    assert shown[at].endswith(" 記録 母は入院中")  # the kind once: not 「記録 記録」
    assert shown[at + 1].endswith(" 記録 訂正 母は先週退院した")  # 「訂正」 once, not 「訂正 訂正: 記録」


def test_selecting_a_row_opens_the_household_in_the_view(qtbot, window):
    index = window.list_page.model.index(2, 1)
    window.list_page.table.setCurrentIndex(index)
    qtbot.waitUntil(lambda: window.view_page.household_id == index.data(ID_ROLE), timeout=5000)
    assert window.view_page.members.rowCount() >= 1


def test_a_profile_that_is_not_enrolled_shows_no_count_of_changes_to_send(qtbot, window):
    row = open_first(qtbot, window)
    window.session.contacts.add_note(row.id, "件数の確認")
    settle(qtbot)
    assert window.session.pending_changes() > 0  # captured, and sent once the laptop is enrolled
    assert window.status.pending.text() == "" and not window.status.pending.isVisibleTo(window)
    assert window.status.connection.text() == "オフライン（中央ストアに未登録）"
    assert window.status.last_sync.text() == "最終同期: なし"
    QApplication.processEvents()


def test_background_tasks_reuse_one_connection_per_worker_thread(qtbot, window):
    for row in window.list_page.model.rows[:15]:
        window.view_page.load(row.id)
        qtbot.waitUntil(lambda row=row: window.view_page.household_id == row.id, timeout=5000)
    # The UI thread and at most two workers: no connection (and its page cache) per task.
    assert window.session.store.open_connections <= 3


def test_a_missing_gaiji_font_is_said_once(qtbot, window, monkeypatch):
    from ui.desktop import fonts

    monkeypatch.setattr(fonts, "has_gaiji_font", lambda: False)  # this machine has IPAmj: take it away
    window.message.hide()
    window.check_gaiji_font()
    assert window.message.isVisible() and "IPAmj明朝" in window.message.text.text() and "𠮷" in window.message.text.text()
    window.message.hide()
    window.check_gaiji_font()
    assert not window.message.isVisible()  # once


def test_the_gaiji_font_is_found_when_installed(qtbot, window):
    from pathlib import Path

    from ui.desktop import fonts

    assert fonts.has_gaiji_font() == Path("/usr/share/fonts/truetype/ipamj/ipamjm.ttf").exists()


def test_a_long_note_shows_its_first_lines_and_the_whole_text_on_request(qtbot, window):
    from ui.desktop.widgets.rich_list import HTML_ROLE

    row = open_first(qtbot, window)
    long_text = ("𠮷" + "あ" * 198 + "𠮷" + "本人は母の介護に悩む。" * 2000)[:20_000]
    window.session.contacts.add_note(row.id, long_text)
    qtbot.waitUntil(lambda: any(e.body == long_text for e in window.view_page.timeline.entries()), timeout=5000)
    timeline = window.view_page.timeline
    n = next(i for i in range(timeline.count()) if timeline._entry(timeline.item(i)).body == long_text)
    item = timeline.item(n)
    short = item.data(HTML_ROLE)
    assert "全文（20000文字）" in short and len(short) < 1200
    assert "𠮷" in short and "\ud842" not in short  # cut by code points: 𠮷 whole
    height = timeline.visualItemRect(item).height()
    assert height < timeline.viewport().height()  # it does not fill the timeline
    timeline.setCurrentItem(item)
    qtbot.keyClick(timeline, Qt.Key.Key_Space)
    assert timeline.is_expanded(n) and "たたむ" in item.data(HTML_ROLE) and long_text[-30:] in item.data(HTML_ROLE)
    qtbot.keyClick(timeline, Qt.Key.Key_Space)
    assert not timeline.is_expanded(n) and item.data(HTML_ROLE) == short


def test_the_list_shows_its_first_screen_then_the_whole_list(qtbot, window, monkeypatch):
    from ui.desktop.households import list_page

    monkeypatch.setattr(list_page, "FIRST_SCREEN", 10)
    page = window.list_page
    whole = len(page.model.rows)
    seen = []
    real = page._loaded
    monkeypatch.setattr(page, "_loaded", lambda *a, **k: (seen.append((len(a[1]), k["complete"], page.count.text())),
                                                           real(*a, **k)))
    page.reload()
    settle(qtbot)
    assert seen[0][:2] == (10, False)  # the first screen, shown at once
    assert seen[-1][:2] == (whole, True) and page.complete and len(page.model.rows) == whole
    assert page.count.text().startswith(f"{whole}世帯（うち担当")


def test_typing_on_while_a_search_runs_drops_the_stale_answer(qtbot, window):
    page = window.list_page
    asked, shown = [], []
    real_find = window.session.search.find

    def find(text, **kw):  # the real search, noted
        asked.append(text)
        return real_find(text, **kw)

    window.session.search.find = find
    real_show = page.results.show_results
    page.results.show_results = lambda results, total=None: (shown.append(page.search.text()),
                                                              real_show(results, total))
    type_text(page.search, "電話で")  # three keys at once: the first search runs while two more arrive
    qtbot.waitUntil(lambda: page.shown_search_generation == page._search_generation, timeout=5000)
    settle(qtbot)
    assert asked[0] == "電" and asked[-1] == "電話で" and len(asked) < 3  # 電話 was never searched
    assert shown == ["電話で"]  # the answer for 電 arrived stale and was dropped
    result = page.results.current_result()
    assert result is not None and "電話で" in result.snippet


def test_how_many_more_hits_is_counted_once_typing_pauses(qtbot, window, monkeypatch):
    from ui.desktop.households import list_page

    monkeypatch.setattr(list_page, "SEARCH_LIMIT", 5)
    page = window.list_page
    type_text(page.search, "電話")
    qtbot.waitUntil(lambda: page.shown_search_generation == page._search_generation
                    and page.stack.currentWidget() is page.results, timeout=5000)

    def notes():
        return [page.results.item(i).text() for i in range(page.results.count()) if page.results.result_at(i) is None]

    assert page.results.count() == 5 and notes() == []  # the hits first, no count while typing
    qtbot.waitUntil(lambda: bool(notes()), timeout=3000)
    assert notes()[0].startswith("ほかに ") and page.results.count() == 6
