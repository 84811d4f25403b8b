"""Starting the desktop: QApplication, fonts, translations, unlock, main window."""

from __future__ import annotations

import sys
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication, QMessageBox

from app import profiles
from ui.desktop import fonts, translations
from ui.desktop.i18n import tr


def make_application() -> QApplication:
    app = QApplication.instance()
    if app is None:
        # 150 % scaling on municipal laptops: pass the factor through instead of rounding to 200 %.
        QGuiApplication.setHighDpiScaleFactorRoundingPolicy(Qt.HighDpiScaleFactorRoundingPolicy.PassThrough)
        app = QApplication(sys.argv[:1])
    app.setApplicationName("yorisoi")
    app.setApplicationDisplayName("寄り添い")
    if not app.property("yorisoi-translations"):  # once per process, however often this is called
        translations.install(app)
        app.setProperty("yorisoi-translations", True)
    return app


def run_desktop(profile: str | None) -> int:
    app = make_application()
    if fonts.apply(app) is None:
        QMessageBox.warning(None, tr("寄り添い"), tr("日本語フォントが見つかりません。文字が正しく表示されない場合は、"
                                                   "日本語フォント（Linux では fonts-ipaexfont）を入れてください。"))
    from ui.desktop.main_window import MainWindow
    from ui.desktop.unlock import UnlockDialog

    folder = Path(profile) if profile else profiles.default_folder()
    dialog = UnlockDialog(folder)
    if dialog.exec() != UnlockDialog.DialogCode.Accepted or dialog.session is None:
        return 0
    window = MainWindow(dialog.session)
    window.show()
    code = app.exec()
    from ui.desktop import runner

    window.idle.set_locked(True)
    runner.wait_idle()
    dialog.session.close()
    return code
