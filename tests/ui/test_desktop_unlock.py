"""The window opens on the unlocked profile; a wrong passphrase gets a calm message."""

from __future__ import annotations

from app import profiles
from app.demo import fill
from tests.conftest import FAST_KDF, PASSPHRASE
from tests.ui.qt_helpers import settle
from ui.desktop.main_window import MainWindow
from ui.desktop.unlock import UnlockDialog


def test_wrong_passphrase_shows_a_message_and_clears_the_field(qtbot, tmp_path):
    folder = tmp_path / "p"
    profiles.create(folder, PASSPHRASE, kdf=FAST_KDF).close()
    dialog = UnlockDialog(folder)
    qtbot.addWidget(dialog)
    dialog.passphrase.setText("wrong passphrase")
    dialog.try_unlock()
    assert "パスフレーズが違います" in dialog.message.text()
    assert dialog.passphrase.text() == ""
    assert dialog.session is None
    dialog.passphrase.setText(PASSPHRASE)
    dialog.try_unlock()
    assert dialog.session is not None
    dialog.session.close()


def test_the_window_lists_the_households(qtbot, tmp_path):
    session = profiles.create(tmp_path / "p", PASSPHRASE, kdf=FAST_KDF)
    fill(session, households=30, seed=1)
    window = MainWindow(session)
    qtbot.addWidget(window)
    settle(qtbot)
    assert window.list_page.model.rowCount() == 30
    window.idle.set_locked(True)
    session.close()


def test_a_new_profile_can_be_created_from_the_start_dialog(qtbot, tmp_path):
    folder = tmp_path / "new"
    dialog = UnlockDialog(folder)
    qtbot.addWidget(dialog)
    assert dialog.creating and dialog.ok.text() == "新しく作る"
    dialog.owner.setText("佐藤 花子")
    dialog.passphrase.setText("long enough passphrase")
    dialog.again.setText("a different one")
    dialog.try_unlock()
    assert "一致しません" in dialog.message.text() and dialog.session is None
    dialog.passphrase.setText("short")
    dialog.again.setText("short")
    dialog.try_unlock()
    assert "8文字以上" in dialog.message.text()
    dialog.passphrase.setText("long enough passphrase")
    dialog.again.setText("long enough passphrase")
    dialog.try_unlock()
    assert dialog.session is not None
    assert [s.name for s in dialog.session.directory.staff()] == ["佐藤 花子"]
    dialog.session.close()


def test_a_folder_without_a_profile_is_said_plainly(qtbot, tmp_path):
    dialog = UnlockDialog(tmp_path / "nothing")
    qtbot.addWidget(dialog)
    assert "プロファイルがありません" in dialog.message.text()
    assert dialog.create_box.isVisibleTo(dialog)


def test_the_first_run_asks_for_the_city_printed_on_the_forms(qtbot, tmp_path):
    from app import form_settings

    dialog = UnlockDialog(tmp_path / "new")
    qtbot.addWidget(dialog)
    assert dialog.city.isVisibleTo(dialog)
    dialog.passphrase.setText("long enough passphrase")
    dialog.again.setText("long enough passphrase")
    dialog.city.setText("みその市")
    dialog.try_unlock()
    assert form_settings.get(dialog.session, "city_name") == "みその市"
    dialog.session.close()


def test_the_settings_menu_changes_the_city(qtbot, tmp_path):
    from app import form_settings
    from ui.desktop.dialogs.settings import CityDialog

    session = profiles.create(tmp_path / "p", PASSPHRASE, kdf=FAST_KDF)
    window = MainWindow(session)
    qtbot.addWidget(window)
    settle(qtbot)
    settings = next(a.menu() for a in window.menuBar().actions() if a.text().startswith("設定"))
    action = next(a for a in settings.actions() if a.text().startswith("市町村名"))
    action.trigger()
    dialog = window.findChild(CityDialog)
    assert dialog is not None and dialog.city.text() == ""
    dialog.city.setText("みその市")
    dialog.try_submit()
    assert form_settings.get(session, "city_name") == "みその市"
    window.idle.set_locked(True)
    settle(qtbot)
    session.close()
