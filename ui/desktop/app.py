"""Starting the desktop: QApplication, fonts, unlock, main window."""

from __future__ import annotations

import sys
from pathlib import Path

from PySide6.QtWidgets import QApplication, QMessageBox

from app import profiles
from ui.desktop import fonts


def run_desktop(profile: str | None) -> int:
    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName("yorisoi")
    app.setApplicationDisplayName("寄り添い")
    if fonts.apply(app) is None:
        QMessageBox.warning(None, "寄り添い", "日本語フォントが見つかりません。文字が正しく表示されない場合は、"
                            "日本語フォント（Linux では fonts-ipaexfont）を入れてください。")
    from ui.desktop.main_window import MainWindow
    from ui.desktop.unlock import UnlockDialog

    folder = Path(profile) if profile else profiles.default_folder()
    dialog = UnlockDialog(folder)
    if dialog.exec() != UnlockDialog.DialogCode.Accepted or dialog.session is None:
        return 0
    window = MainWindow(dialog.session)
    window.show()
    code = app.exec()
    dialog.session.close()
    return code
