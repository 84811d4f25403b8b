"""`yorisoi check-install --profile DIR --pdf OUT`: what IT staff run after installing (a bundle
built by packaging/build.sh, or a pip install) to see that the desktop works on this machine.

It opens the real main window on the profile (offscreen when there is no display), waits until
the household list is interactive, prints how many households it lists and how long that took,
prints the first household's 支援経過記録 to OUT, says whether any character lacked a font, and
closes.
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path


def run(folder: Path, passphrase: str, pdf: Path) -> int:
    started = time.perf_counter()
    if sys.platform.startswith("linux") and not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")):
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtWidgets import QApplication

    from app import profiles
    from app.printing import export_pdf
    from app.services.form_records import CONTACT_RECORD
    from ui.desktop import fonts, runner
    from ui.desktop.app import make_application
    from ui.desktop.main_window import MainWindow

    app = make_application()
    family = fonts.apply(app)
    session = profiles.unlock(folder, passphrase)
    window = MainWindow(session)
    try:
        window.show()
        page = window.list_page
        deadline = time.perf_counter() + 60
        while page.model.rowCount() == 0 and time.perf_counter() < deadline:
            runner.wait_idle(5)
            app.processEvents()
        rows = len(page.model.rows)
        ready = time.perf_counter() - started
        print(f"一覧: {rows} 世帯（起動から {ready:.2f} 秒）　画面の字体: {family or 'なし'}"
              f"　外字の字体: {'あり' if fonts.has_gaiji_font() else 'なし'}")
        if rows == 0:
            print("yorisoi: 世帯の一覧が表示されませんでした。", file=sys.stderr)
            return 1
        printed = export_pdf(session, page.model.rows[0].id, CONTACT_RECORD, pdf)
        print(f"PDF: {printed.path}（{printed.pages} ページ、字体のない文字: {'、'.join(sorted(printed.missing)) or 'なし'}）")
        return 0
    finally:
        window.idle.set_locked(True)
        runner.wait_idle()
        session.close()
        QApplication.processEvents()
