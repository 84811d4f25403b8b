"""The window on an enrolled laptop: it syncs by itself in the background, says when it is
offline without losing anything, shows what a merge flagged, and the office approves devices."""

from __future__ import annotations

import time

import httpx
import pytest
from PySide6.QtWidgets import QPushButton

from tests.sync.conftest import Central
from tests.sync.test_resilience import _case, _move
from tests.ui.qt_helpers import settle
from ui.desktop.dialogs.devices import DevicesDialog
from ui.desktop.main_window import MainWindow


@pytest.fixture
def central(tmp_path):
    store = Central("sqlite:///" + str(tmp_path / "central.db"), tmp_path)
    yield store
    store.close()


def _window(qtbot, session) -> MainWindow:
    w = MainWindow(session)
    qtbot.addWidget(w)
    w.show()
    return w


def _close(qtbot, w: MainWindow) -> None:
    w.sync.timer.stop()
    w.sync.wait()
    w.idle.set_locked(True)
    settle(qtbot)


def _home(office, name="山田家"):
    station = office.directory.add_station("中央")
    home = office.households.create(name, "みその市本町1-2-3", station.id)
    office.contacts.add_note(home.id, "民生委員から連絡があった。")
    return home


def test_the_window_syncs_in_the_background_and_shows_the_household(qtbot, central):
    office = central.office()
    laptop = central.worker(office, "sato")
    home = _home(office)
    office.sync.assign(home.id, "sato")
    w = _window(qtbot, laptop)
    qtbot.waitUntil(lambda: not w.sync.running and w.status.connection.text() == "オンライン", timeout=15000)
    settle(qtbot)
    assert [r.name for r in w.list_page.model.rows] == ["山田家"]
    assert w.status.last_sync.text() != "最終同期: なし"
    assert w.status.pending.text() == "未送信の変更: 0件"
    _close(qtbot, w)


def test_offline_the_window_says_so_and_keeps_every_change(qtbot, central):
    office = central.office()
    laptop = central.worker(office, "sato")
    home = _home(office)
    office.sync.assign(home.id, "sato")
    laptop.sync.run()

    class Down:
        def request(self, *args, **kwargs):
            raise httpx.ConnectError("no signal")

        def close(self):
            pass

    laptop.sync.client_factory = Down
    w = _window(qtbot, laptop)
    qtbot.waitUntil(lambda: not w.sync.running and "オフライン" in w.status.connection.text(), timeout=15000)
    laptop.contacts.log_contact(home.id, kind="home_visit", outcome="met", summary="電波のない地区で面談")
    settle(qtbot)
    assert w.status.pending.text() == f"未送信の変更: {laptop.pending_changes()}件"
    assert laptop.pending_changes() > 0
    laptop.sync.client_factory = lambda: central.client  # back in range
    w.sync_now()
    qtbot.waitUntil(lambda: not w.sync.running and w.status.connection.text() == "オンライン", timeout=15000)
    assert laptop.pending_changes() == 0
    office.sync.run()
    assert "電波のない地区で面談" in [c.summary for c in office.contacts.contacts(home.id)]
    _close(qtbot, w)


def test_a_flag_from_a_merge_is_shown_on_the_household_until_seen(qtbot, central):
    office = central.office()
    laptop = central.worker(office, "sato")
    home = _home(office)
    case_id = _case(office, home.id, "in_support")
    office.sync.assign(home.id, "sato")
    laptop.sync.run()
    laptop.contacts.log_contact(home.id, kind="home_visit", outcome="met", summary="本人と面談（オフライン）")
    time.sleep(0.005)  # see tests/sync/test_resilience.py
    _move(office, home.id, case_id, "in_support", "closed")
    office.sync.run()
    w = _window(qtbot, laptop)
    qtbot.waitUntil(lambda: not w.sync.running and w.status.connection.text() == "オンライン", timeout=15000)
    settle(qtbot)
    assert w.status.flags.text() == "要確認: 1件"
    w.list_page.select(home.id)
    qtbot.waitUntil(lambda: w.view_page.household_id == home.id, timeout=5000)
    settle(qtbot)
    assert w.view_page.flags.isVisible()
    w.grab().save(str(_shot_dir() / "household-flag@1x.png"))
    button = w.view_page.flags.findChildren(QPushButton)[0]
    button.click()
    qtbot.waitUntil(lambda: not w.view_page.flags.isVisible(), timeout=5000)
    settle(qtbot)
    assert laptop.sync.flags() == []
    assert w.status.flags.text() == ""
    _close(qtbot, w)


def test_the_office_approves_a_waiting_device_from_the_window(qtbot, central):
    office = central.office()
    central.worker(office, "sato", approve=False)
    w = _window(qtbot, office)
    qtbot.waitUntil(lambda: not w.sync.running, timeout=15000)
    dialog = DevicesDialog(office, w)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitUntil(lambda: dialog.table.rowCount() == 2, timeout=10000)
    assert dialog.table.item(0, 0).text() == "承認待ち" and dialog.table.item(0, 1).text() == "sato"
    dialog.grab().save(str(_shot_dir() / "devices-dialog@1x.png"))
    dialog.approve_selected(confirmed=True)
    qtbot.waitUntil(lambda: dialog.message.text.text().startswith("承認しました"), timeout=10000)
    qtbot.waitUntil(lambda: all(dialog.table.item(r, 0).text().startswith("承認済み") for r in range(2)),
                    timeout=10000)
    assert {d.status for d in office.sync.devices()} == {"approved"}
    dialog.close()
    _close(qtbot, w)


def _shot_dir():
    from pathlib import Path

    folder = Path(__file__).resolve().parents[2] / "test-output" / "screenshots"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def test_the_office_revokes_a_device_from_the_window_and_the_laptop_says_why(qtbot, central):
    office = central.office()
    laptop = central.worker(office, "sato")
    home = _home(office)
    office.sync.assign(home.id, "sato")
    laptop.sync.run()
    laptop.contacts.add_note(home.id, "停止の前に書いた記録。")
    w = _window(qtbot, office)
    qtbot.waitUntil(lambda: not w.sync.running, timeout=15000)
    dialog = DevicesDialog(office, w)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitUntil(lambda: dialog.table.rowCount() == 2, timeout=10000)
    row = next(i for i, d in enumerate(dialog.devices) if d.login == "sato")
    assert dialog.table.item(row, 4).text().startswith("なし")  # it reported nothing unsent at its sync
    dialog.table.selectRow(row)
    dialog.revoke_selected(confirmed=True)
    qtbot.waitUntil(lambda: dialog.message.text.text().startswith("失効させました"), timeout=10000)
    qtbot.waitUntil(lambda: dialog.table.item(row, 0).text().startswith("停止"), timeout=10000)
    dialog.grab().save(str(_shot_dir() / "devices-revoked@1x.png"))
    dialog.close()
    _close(qtbot, w)

    lw = _window(qtbot, laptop)
    qtbot.waitUntil(lambda: not lw.sync.running and lw.message.text.text().startswith("この端末は事務局により停止されました"),
                    timeout=15000)
    settle(qtbot)
    said = lw.message.text.text()
    sealed = list(laptop.folder.glob("*.yorisoi-unsent"))
    assert len(sealed) == 1 and str(sealed[0]) in said and "1 件" in said
    assert lw.status.connection.text().startswith("利用停止")
    qtbot.waitUntil(lambda: lw.list_page.model.rows == [], timeout=5000)
    lw.grab().save(str(_shot_dir() / "laptop-revoked@1x.png"))
    _close(qtbot, lw)

    # The office takes the file in from the window.
    w = _window(qtbot, office)
    qtbot.waitUntil(lambda: not w.sync.running, timeout=15000)
    w.import_unsent(str(sealed[0]))
    qtbot.waitUntil(lambda: w.message.text.text().startswith("取り込みました"), timeout=10000)
    assert "停止の前に書いた記録。" in [n.text for n in office.contacts.notes(home.id)]
    _close(qtbot, w)


def test_the_status_line_says_how_many_envelopes_were_set_aside_and_from_whom(qtbot, central):
    from tests.sync.test_gate import _push, _seal

    office = central.office()
    laptop = central.worker(office, "sato")
    home = _home(office)
    office.sync.assign(home.id, "sato")
    laptop.sync.run()
    directory = laptop.sync.replica().shared_vaults["directory"]
    _push(laptop, _seal(laptop, directory, plaintext=b"not a zstd frame"))
    w = _window(qtbot, office)
    qtbot.waitUntil(lambda: not w.sync.running and w.status.connection.text() == "オンライン", timeout=15000)
    settle(qtbot)
    assert w.status.sync_status()["quarantine"] == "取り分け: 1件（sato 1件）"
    assert "yorisoi quarantine" in w.status.quarantine.toolTip()
    office.sync.drop([q.seq for q in office.sync.quarantined()])
    w.status.refresh()
    assert w.status.quarantine.text() == "" and not w.status.quarantine.isVisible()
    _close(qtbot, w)


def test_the_office_takes_a_worker_off_a_household_and_transfers_another_from_the_window(qtbot, central):
    from ui.desktop.dialogs.assignment import AssignmentDialog

    office = central.office()
    sato = central.worker(office, "sato")
    central.worker(office, "tanaka")
    home, other = _home(office, "山田家"), _home(office, "鈴木家")
    office.sync.assign([home.id, other.id], "sato")
    sato.sync.run()
    w = _window(qtbot, office)
    w.open_household(home.id)
    qtbot.waitUntil(lambda: w.view_page.view is not None, timeout=10000)
    w.show_assignment(household=True)
    dialog = w.current_dialog
    assert isinstance(dialog, AssignmentDialog)
    qtbot.waitUntil(lambda: dialog.members.count() == 1, timeout=10000)
    assert dialog.members.item(0).text() == "sato"
    dialog.members.setCurrentRow(0)
    dialog.remove_selected(confirmed=True)
    qtbot.waitUntil(lambda: dialog.message.text.text().startswith("sato さんを担当から外しました"), timeout=20000)
    qtbot.waitUntil(lambda: dialog.members.count() == 0, timeout=10000)
    dialog.source.setText("sato")
    dialog.target.setText("tanaka")
    dialog.transfer(confirmed=True)
    qtbot.waitUntil(lambda: "1 世帯を tanaka さんに引き継ぎました" in dialog.message.text.text(), timeout=20000)
    dialog.close()
    _close(qtbot, w)
    assert office.sync.households_of("tanaka") == [other.id]
    assert sato.sync.run().purged == {home.id, other.id}
    assert sato.households.rows() == []
