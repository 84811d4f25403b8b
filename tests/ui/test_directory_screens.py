"""The 名簿 window and 「新しい機関を追加…」: on a fresh profile (no demo data) a coordinator adds
agencies, retires one, loads a CSV, and a CSW completes 様式2-1 choosing agencies added in place."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from app.services import form_records as forms
from tests.ui.qt_helpers import settle
from ui.desktop.directory.directory_dialog import DirectoryDialog
from ui.desktop.directory.entry_dialog import DirectoryEntryDialog
from ui.desktop.forms import FormScreen
from ui.desktop.main_window import MainWindow
from ui.desktop.widgets.agency_combo import NEW, AgencyCombo


def _fill(dialog: DirectoryEntryDialog, **values) -> None:
    for field, value in values.items():
        widget = dialog.editors[field]
        if hasattr(widget, "setText"):
            widget.setText(value)
        elif widget.isEditable():
            widget.setCurrentText(value)
        else:
            widget.setCurrentIndex(widget.findData(value))


def _choose_new(qtbot, combo: AgencyCombo) -> DirectoryEntryDialog:
    index = combo.findData(NEW)
    assert index == combo.count() - 1 and combo.itemText(index) == "新しい機関を追加…"
    combo.activated.emit(index)
    qtbot.waitUntil(lambda: combo.dialog is not None and combo.dialog.isVisible(), timeout=3000)
    return combo.dialog


def test_a_fresh_profile_completes_a_plan_with_agencies_added_in_place(qtbot, session, household):
    h, principal = household
    assert session.directory.agencies() == []  # a new city: nothing in the 名簿 yet
    session.cases.open_case(h.id, principal_id=principal.id, opened_on="2025-04-01")
    screen = FormScreen(session, h.id, forms.PLAN)
    qtbot.addWidget(screen)
    screen.show()
    lead = screen.rows["lead_agency_id"].editor.combo
    dialog = _choose_new(qtbot, lead)
    _fill(dialog, name="美作市地域包括支援センター（勝田）", kind="地域包括支援センター", contact_person="田中",
          phone="でんわ")
    dialog.try_submit()
    assert dialog.isVisible() and "電話番号「でんわ」" in dialog.message.text.text()  # refused, kept open
    _fill(dialog, phone="0868-00-0001")
    dialog.try_submit()
    qtbot.waitUntil(lambda: lead.dialog is None, timeout=3000)
    agency = session.directory.find("agencies", "美作市地域包括支援センター（勝田）")
    assert screen.rows["lead_agency_id"].editor.value() == agency.id
    # the roles table's agency column offers the new agency too, and can add another
    roles = screen.rows["roles"].editor
    role_combo = roles.rows[0][0].combo
    assert role_combo.findData(agency.id) >= 0
    second = _choose_new(qtbot, role_combo)
    _fill(second, name="美作市福祉事務所", kind="福祉事務所")
    second.try_submit()
    qtbot.waitUntil(lambda: role_combo.dialog is None, timeout=3000)
    office = session.directory.find("agencies", "美作市福祉事務所")
    assert roles.rows[0][0].value() == office.id and lead.findData(office.id) >= 0
    screen.rows["plan_kind"].editor.set_value("initial")
    screen.rows["direction"].editor.set_value("急がず段階的に")
    screen.rows["monitoring_on"].editor.set_value("令和7年7月1日")
    screen.rows["goals"].editor.set_value([{"goal": "週に一度外出する", "term": "short"}])
    roles.rows[0][1].set_value("生活保護の相談")
    roles.rows[0][2].set_value("月1回")
    assert screen.complete() is True, [r.message.text() for r in screen.rows.values() if r.message.text()]
    record = session.forms.get(screen.opened.record.id)
    assert record.status == "complete" and record.answers["lead_agency_id"] == agency.id
    assert record.answers["roles"][0]["agency_id"] == office.id


def test_cancelling_the_new_agency_keeps_the_previous_choice(qtbot, session):
    kept = session.directory.add_agency("美作市福祉事務所", "福祉事務所")
    combo = AgencyCombo(session, current=kept.id)
    qtbot.addWidget(combo)
    dialog = _choose_new(qtbot, combo)
    dialog.reject()
    qtbot.waitUntil(lambda: combo.dialog is None, timeout=3000)
    assert combo.currentData() == kept.id and len(session.directory.agencies()) == 1


def test_the_directory_window_adds_edits_retires_and_imports(qtbot, session, tmp_path):
    window = MainWindow(session)
    qtbot.addWidget(window)
    window.show()
    settle(qtbot)
    menu = next(a for a in window.menuBar().actions() if a.text() == "名簿(&D)")
    next(a for a in menu.menu().actions() if a.text() == "ステーション…").trigger()
    qtbot.waitUntil(lambda: isinstance(window.current_dialog, DirectoryDialog), timeout=3000)
    directory = window.current_dialog
    stations = directory.tabs["stations"]
    assert directory.tabs_widget.currentWidget() is stations
    stations.add()
    _fill(stations.dialog, name="勝田", area="勝田地域", sort_order="1")
    stations.dialog.try_submit()
    qtbot.waitUntil(lambda: stations.dialog is None, timeout=3000)
    assert [s.name for s in session.directory.stations()] == ["勝田"]
    assert stations.model.rowCount() == 1 and "地域: 勝田地域" in stations.detail.text()

    csv = tmp_path / "agencies.csv"
    csv.write_bytes("種別,名称,ステーション\n地域包括支援センター,包括（勝田）,勝田\n福祉事務所,福祉事務所,ない町\n"
                    .encode("cp932"))
    agencies = directory.tabs["agencies"]
    agencies.import_file(csv)
    assert "3行目: ステーション「ない町」は名簿にありません" in directory.message.text.text()
    assert session.directory.agencies() == []
    csv.write_bytes("種別,名称,ステーション\n地域包括支援センター,包括（勝田）,勝田\n".encode("cp932"))
    agencies.import_file(csv)
    assert agencies.model.rowCount() == 1 and "新規 1" in directory.message.text.text()

    agencies.select(session.directory.agencies()[0].id)
    agencies.table.setFocus()
    qtbot.keyClick(agencies.table, Qt.Key.Key_Return)  # Enter edits the row (and keeps the 名簿 open)
    qtbot.waitUntil(lambda: agencies.dialog is not None, timeout=3000)
    assert directory.isVisible()
    _fill(agencies.dialog, contact_person="田中 一郎")
    agencies.dialog.try_submit()
    qtbot.waitUntil(lambda: agencies.dialog is None, timeout=3000)
    assert session.directory.agencies()[0].contact_person == "田中 一郎"
    agencies.toggle_retired()
    assert session.directory.agencies(active_only=True) == []
    assert agencies.retire_button.text() == "再開(&R)"  # still listed (廃止したものも表示), to be restored
    agencies.toggle_retired()
    assert len(session.directory.agencies(active_only=True)) == 1
    directory.reject()
    qtbot.waitUntil(lambda: window.current_dialog is None, timeout=3000)
    assert window.list_page.station.findText("勝田") >= 0  # the list's filter knows the new station
    window.idle.set_locked(True)
    settle(qtbot)
    QApplication.processEvents()


def test_arrowing_through_the_agencies_never_opens_the_dialog(qtbot, session):
    for name in ("A機関", "B機関"):
        session.directory.add_agency(name)
    combo = AgencyCombo(session)
    qtbot.addWidget(combo)
    combo.show()
    combo.setFocus()
    for _ in range(5):
        qtbot.keyClick(combo, Qt.Key.Key_Down)
    assert combo.dialog is None and combo.currentText() == "B機関"
    qtbot.keyClick(combo, Qt.Key.Key_End)
    assert combo.dialog is None and combo.currentData() != NEW
