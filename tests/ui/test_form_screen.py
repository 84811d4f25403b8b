"""The generic form screen, as a CSW uses it: Japanese typed key by key, messages per field,
conditional fields, drafts that survive closing the window, read-only approved forms."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QApplication

from app.services import form_records as forms
from tests.forms.pdf_tools import needs_poppler, text_of
from ui.desktop.forms import FormScreen, HouseholdForms

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-output" / "forms"


def type_text(widget, text: str) -> None:
    """Per-character key events: qtbot.keyClicks aborts on non-ASCII (see NOTES.md)."""
    widget.setFocus()
    for ch in text:
        QApplication.sendEvent(widget, QKeyEvent(QEvent.Type.KeyPress, 0, Qt.KeyboardModifier.NoModifier, ch))


def test_typing_japanese_and_completing_shows_a_message_per_missing_field(qtbot, session, household_case):
    h, principal, agency = household_case
    screen = FormScreen(session, h.id, forms.PLAN)
    qtbot.addWidget(screen)
    type_text(screen.rows["direction"].editor.edit, "本人のペースで𠮷田さんと関係をつくる。")
    screen.rows["monitoring_on"].editor.set_value("R7.13.1")
    with qtbot.waitSignal(screen.saved):
        assert screen.complete() is False
    message = screen.rows["monitoring_on"].message
    assert message.isVisibleTo(screen) and "日付はありません" in message.text()
    assert "「目標」を1行以上入力してください。" in screen.rows["goals"].message.text()
    stored = session.forms.get(screen.opened.record.id)
    assert stored.status == "draft"
    assert stored.answers["direction"] == "本人のペースで𠮷田さんと関係をつくる。"
    assert stored.answers["monitoring_on"] == "R7.13.1"  # kept as typed, beside its message
    assert screen.rows["direction"].editor.value() == "本人のペースで𠮷田さんと関係をつくる。"


def test_a_complete_plan_is_saved_as_complete(qtbot, session, household_case):
    h, principal, agency = household_case
    screen = FormScreen(session, h.id, forms.PLAN)
    qtbot.addWidget(screen)
    assert screen.rows["principal_id"].editor.value() == principal.id  # pre-filled
    screen.rows["plan_kind"].editor.set_value("initial")
    screen.rows["direction"].editor.set_value("急がず段階的に")
    screen.rows["monitoring_on"].editor.set_value("令和7年7月1日")
    screen.rows["goals"].editor.set_value([{"goal": "週に一度外出する", "term": "short"}])
    screen.rows["roles"].editor.set_value([{"agency_id": agency.id, "task": "訪問", "frequency": "月2回", "lead": True}])
    assert screen.complete() is True
    record = session.forms.get(screen.opened.record.id)
    assert record.status == "complete" and record.answers["monitoring_on"] == "2025-07-01"
    assert record.answers["roles"][0]["lead"] is True


def test_a_conditional_field_appears_when_its_condition_holds(qtbot, session, household_case):
    h, *_ = household_case
    screen = FormScreen(session, h.id, forms.PLAN)
    qtbot.addWidget(screen)
    screen.show()
    detail = screen.rows["outreach_detail"]
    assert not detail.isVisible()
    screen.rows["uses_outreach"].editor.set_value(True)
    assert detail.isVisible()


def test_typed_text_survives_closing_without_saving(qtbot, session, household_case):
    h, *_ = household_case
    screen = FormScreen(session, h.id, forms.ASSESSMENT)
    qtbot.addWidget(screen)
    type_text(screen.rows["wishes"].editor.edit, "母と家で暮らしたい")
    qtbot.waitUntil(lambda: session.drafts.load(screen.draft_key) is not None, timeout=3000)
    screen.close_screen()
    again = FormScreen(session, h.id, record_id=screen.opened.record.id)
    qtbot.addWidget(again)
    assert again.rows["wishes"].editor.value() == "母と家で暮らしたい"
    assert "復元しました" in again.banner.text()
    again.save_draft()
    assert session.drafts.load(again.draft_key) is None


def test_an_approved_form_opens_read_only(qtbot, session, household_case):
    h, *_ = household_case
    record = session.forms.create(h.id, forms.PLAN, {"direction": "了承済み"}, form_version=2)
    with session.store.write() as records:
        session.forms.set_status(records, record.id, "approved")
    screen = FormScreen(session, h.id, record_id=record.id)
    qtbot.addWidget(screen)
    assert not screen.rows["direction"].editor.edit.isEnabled()
    assert not screen.complete_button.isVisibleTo(screen) and "閲覧のみ" in screen.banner.text()


def test_the_household_list_starts_and_reopens_forms(qtbot, session, household_case):
    h, *_ = household_case
    panel = HouseholdForms(session, h.id)
    qtbot.addWidget(panel)
    screen = panel.start(forms.INTAKE, "consent")
    assert panel.table.rowCount() == 0  # nothing written before the first change
    screen.rows[next(iter(screen.rows))].editor.changed.emit()
    assert panel.table.rowCount() == 1 and screen.definition.variant == "consent"
    panel.table.selectRow(0)
    assert panel.open_selected().opened.record.id == screen.opened.record.id


def test_a_screenshot_of_the_assessment_for_review(qtbot, session, household_case):
    h, *_ = household_case
    screen = FormScreen(session, h.id, forms.ASSESSMENT)
    qtbot.addWidget(screen)
    screen.resize(1000, 1400)
    screen.show()
    screen.complete()
    qtbot.wait(50)  # let the layouts settle after rows were added
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    assert screen.grab().save(str(ARTIFACTS / "screen-1-2.png"))


@needs_poppler
def test_the_forms_tab_prints_the_contact_history_in_the_background(qtbot, session, household_case, tmp_path):
    h, *_ = household_case
    session.contacts.log_contact(h.id, kind="phone", outcome="met", summary="電話で近況を聞いた",
                                 at="2025-04-02T09:00:00+09:00")
    panel = HouseholdForms(session, h.id)
    qtbot.addWidget(panel)
    out = tmp_path / "history.pdf"
    panel.export_history_to(str(out))
    assert not panel.history_button.isEnabled()  # working on a worker thread, the window stays live
    qtbot.waitUntil(lambda: panel.history_button.isEnabled(), timeout=10000)
    assert "PDF を作成しました" in panel.message.text()
    assert "電話で近況を聞いた" in text_of(out.read_bytes(), tmp_path)


@needs_poppler
def test_pdf_export_from_the_form_screen_runs_off_the_ui_thread(qtbot, session, household_case, tmp_path,
                                                                 monkeypatch):
    import threading

    import ui.desktop.forms.form_screen as module

    h, *_ = household_case
    threads = []
    real = module.export_pdf

    def recording(*args, **kwargs):
        threads.append(threading.current_thread())
        return real(*args, **kwargs)

    monkeypatch.setattr(module, "export_pdf", recording)
    screen = FormScreen(session, h.id, forms.PLAN)
    qtbot.addWidget(screen)
    screen.rows["direction"].editor.set_value("急がず段階的に")
    screen.save_draft()
    out = tmp_path / "plan.pdf"
    with qtbot.waitSignal(screen.pdf_written, timeout=10000):
        screen.export_to(str(out))
        assert not screen.pdf_button.isEnabled()  # the window stays live while the worker renders
    assert threads and threads[0] is not threading.main_thread()
    assert screen.pdf_button.isEnabled() and "PDF を作成しました" in screen.banner.text()
    assert "急がず段階的に" in text_of(out.read_bytes(), tmp_path)


def test_a_pdf_that_cannot_be_made_is_said_in_the_banner(qtbot, session, household_case, tmp_path):
    h, *_ = household_case
    screen = FormScreen(session, h.id, forms.PLAN)
    qtbot.addWidget(screen)
    screen.export_to(str(tmp_path / "no-such-folder" / "plan.pdf"))
    qtbot.waitUntil(screen.pdf_button.isEnabled, timeout=10000)
    assert "PDF を作成できません" in screen.banner.text() and "フォルダがありません" in screen.banner.text()


def test_signing_off_a_finished_form_from_the_forms_tab(qtbot, session, household_case):
    h, *_ = household_case
    draft = session.forms.create(h.id, forms.PLAN, {"direction": "まだ途中"})
    panel = HouseholdForms(session, h.id)
    qtbot.addWidget(panel)
    panel.table.selectRow(0)
    qtbot.mouseClick(panel.sign_button, Qt.MouseButton.LeftButton)
    assert "下書きの様式は確認できません" in panel.message.text()
    assert session.forms.get(draft.id).signed_by is None

    finished = session.forms.complete(session.forms.create(h.id, forms.ASSESSMENT, {"wishes": "働きたい"}).id)
    panel.refresh()
    row = next(n for n, r in enumerate(panel.records) if r.id == finished.id)
    panel.table.selectRow(row)
    qtbot.mouseClick(panel.sign_button, Qt.MouseButton.LeftButton)
    signed = session.forms.get(finished.id)
    assert signed.signed_by == session.me and signed.signed_on
    assert "確認済みにしました" in panel.message.text()
    row = next(n for n, r in enumerate(panel.records) if r.id == finished.id)
    assert panel.table.item(row, 2).text() == "完成・確認済"
