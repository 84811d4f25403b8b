"""Render the main views offscreen into PNGs for review (run by test_screenshots in a child
process, so the scale factor can be chosen before Qt starts).

    python -m tests.ui.screenshots OUT_DIR SCALE WIDTH HEIGHT
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
from pathlib import Path


def main(out: Path, scale: str, width: int, height: int) -> None:
    os.environ["QT_QPA_PLATFORM"] = "offscreen"
    os.environ["QT_SCALE_FACTOR"] = scale
    from PySide6.QtWidgets import QApplication

    from app import profiles
    from app.demo import fill
    from tests.conftest import FAST_KDF, PASSPHRASE
    from ui.desktop import fonts, runner
    from ui.desktop.app import make_application
    from ui.desktop.dialogs.contact import ContactDialog
    from ui.desktop.dialogs.household import PersonDialog
    from ui.desktop.main_window import MainWindow
    from ui.desktop.unlock import UnlockDialog

    app = make_application()
    fonts.apply(app)
    folder = Path(tempfile.mkdtemp()) / "profile"
    session = profiles.create(folder, PASSPHRASE, owner_name="デモ 利用者", kdf=FAST_KDF)
    fill(session, households=120, seed=4)

    def settle():
        for _ in range(8):
            runner.wait_idle()
            app.processEvents()

    def save(widget, name: str) -> None:
        settle()
        widget.grab().save(str(out / f"{name}@{scale}x.png"))

    unlock = UnlockDialog(folder)
    unlock.show()
    save(unlock, "unlock")
    unlock.close()
    window = MainWindow(session)
    window.resize(width, height)
    window.show()
    settle()
    settle()
    (out / f"layout@{scale}x.json").write_text(json.dumps(list_layout(window.list_page)), encoding="utf-8")
    rows = window.list_page.model.rows
    target = next(r for r in rows if r.stage == "in_support" and r.lead_staff_id == session.me)
    window.list_page.select(target.id)
    save(window, "main-household")
    window.view_page.tabs.setCurrentWidget(window.view_page.forms_holder)
    save(window, "forms-tab")
    screen = window.view_page.forms.start("1-2")
    form_window = screen.window()
    form_window.resize(min(960, width), height - 40)  # what fits a 1366×768 screen with its title bar
    save(form_window, "form-screen")
    form_window.close()
    window.view_page.tabs.setCurrentIndex(0)
    view = window.view_page.view
    contact = ContactDialog(session, view.household.id, view.household.name, view.persons, window)
    contact.summary.setText("玄関先で本人と10分ほど話せた。体調は安定。")
    contact.body.setPlainText("母の通院に来週同行する約束をした。食事は一日二食。")
    contact.next_action.setText("通院同行")
    contact.next_on.edit.setText("R8.12.1")
    contact.show()
    save(contact, "contact-dialog")
    contact.reject()
    person = PersonDialog(session, view.household.id, view.persons[0], window)
    person.show()
    save(person, "person-dialog")
    person.close()
    window.list_page.search.setText("電話")
    window.list_page._run_search()
    save(window, "search-results")
    window.list_page.search.clear()
    window.list_page._run_search()
    window.lock("idle")
    save(window, "lock-screen")
    window.idle.set_locked(True)
    settle()
    session.close()
    QApplication.quit()


def list_layout(page) -> dict:
    """What the list pane shows cut: filter items wider than their combo's text field, and
    columns wider than the table (which would need horizontal scrolling)."""
    from PySide6.QtWidgets import QStyle, QStyleOptionComboBox

    cut = []
    for combo in (page.scope, page.stage, page.field, page.station):
        option = QStyleOptionComboBox()
        option.initFrom(combo)
        field = combo.style().subControlRect(QStyle.ComplexControl.CC_ComboBox, option,
                                             QStyle.SubControl.SC_ComboBoxEditField, combo).width()
        # Every item of a short list must fit; of the stage list, the "all" item and the first labels.
        texts = [combo.itemText(i) for i in range(combo.count())]
        cut += [t for t in texts if combo.fontMetrics().horizontalAdvance(t) > field]
    table = page.table
    columns = sum(table.columnWidth(c) for c in range(table.model().columnCount()) if not table.isColumnHidden(c))
    return {"cut_filter_items": cut, "columns_width": columns, "table_width": table.viewport().width(),
            "horizontal_scroll": table.horizontalScrollBar().maximum()}


if __name__ == "__main__":
    main(Path(sys.argv[1]), sys.argv[2], int(sys.argv[3]), int(sys.argv[4]))
