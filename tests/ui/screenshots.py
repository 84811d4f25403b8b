"""Render the main views on a 1366×768 laptop (tests/ui/laptop.py) into PNGs for review, with
what each shows cut, for test_screenshots (run in a child process, one per scale).

    python -m tests.ui.screenshots OUT_DIR SCALE

The household opened is a demo household renamed 髙﨑家, with 髙﨑 𠮷男 and 西村 美代子 among
its members: names with 外字 and names long enough to be cut.
"""

from __future__ import annotations

import json
from pathlib import Path

from tests.ui import laptop

NOTE_3000 = ("本人は母の介護と仕事の両立に悩んでいる。" * 150)[:3000]


def main(out: Path, scale: str) -> None:
    from PySide6.QtWidgets import QApplication

    from tests.conftest import PASSPHRASE  # noqa: F401 - the unlock screenshot's profile
    from ui.desktop.dialogs.contact import ContactDialog
    from ui.desktop.dialogs.household import PersonDialog
    from ui.desktop.main_window import MainWindow
    from ui.desktop.unlock import UnlockDialog

    laptop.start(scale)
    session = laptop.demo_session()
    size = laptop.client_size()

    unlock = UnlockDialog(session.folder)
    laptop.show_fitted(unlock)
    laptop.shoot(unlock, out, "unlock", scale)
    unlock.close()

    rows = session.households.rows(_query(session))
    target = next(r for r in rows if r.stage == "in_support" and r.lead_staff_id == session.me)
    session.households.update(target.id, name="髙﨑家", kana="タカサキケ")
    session.households.add_person(target.id, "髙﨑 𠮷男", kana="タカサキ ヨシオ", birth_date="1948-02-11",
                                  relation="父")
    session.households.add_person(target.id, "西村 美代子", kana="ニシムラ ミヨコ", birth_date="1931-11-03",
                                  relation="祖母")
    session.contacts.add_note(target.id, NOTE_3000)

    window = MainWindow(session)
    window.resize(size)
    window.show()
    laptop.settle()
    laptop.settle()
    (out / f"layout@{scale}x.json").write_text(json.dumps(list_layout(window.list_page)), encoding="utf-8")
    window.list_page.select(target.id)
    laptop.settle()
    names = [p.name for p in window.view_page.view.persons]
    laptop.shoot(window, out, "main-household", scale, panels=window.view_page.panels.mode,
                 size_wanted=[size.width(), size.height()], names=names,
                 wrapped_names=laptop.wrapped_names(window.view_page.members, names))
    window.view_page.show_forms()
    laptop.shoot(window, out, "forms-tab", scale)
    if window.view_page.panels.mode == "tabs":
        window.view_page.panels.show_panel(window.view_page.members_panel)
        laptop.shoot(window, out, "members-tab", scale, wrapped_names=laptop.wrapped_names(window.view_page.members, names))
        window.view_page.panels.show_panel(window.view_page.case_scroll)
        laptop.shoot(window, out, "case-tab", scale)
    window.view_page.show_forms()
    screen = window.view_page.forms.start("1-2")
    form_window = screen.window()
    laptop.settle()
    laptop.shoot(form_window, out, "form-screen", scale)
    form_window.close()
    window.view_page.show_timeline()
    view = window.view_page.view
    contact = ContactDialog(session, view.household.id, view.household.name, view.persons, window)
    contact.summary.setText("玄関先で本人と10分ほど話せた。体調は安定。")
    contact.body.setPlainText("母の通院に来週同行する約束をした。食事は一日二食。")
    contact.next_action.setText("通院同行")
    contact.next_on.edit.setText("R8.12.1")
    laptop.show_fitted(contact)
    laptop.shoot(contact, out, "contact-dialog", scale)
    contact.reject()
    person = PersonDialog(session, view.household.id, view.persons[0], window)
    laptop.show_fitted(person)
    laptop.shoot(person, out, "person-dialog", scale)
    person.close()
    window.list_page.search.setText("電話")
    window.list_page.search_now()
    laptop.shoot(window, out, "search-results", scale)
    window.list_page.search.clear()
    window.list_page.search_now()
    window.lock("idle")
    laptop.shoot(window, out, "lock-screen", scale)
    window.idle.set_locked(True)
    laptop.settle()
    laptop.finish(out, scale, "screenshots")
    session.close()
    QApplication.quit()


def _query(session):
    from storage.household_list import HouseholdQuery

    return HouseholdQuery(me=session.me)


def list_layout(page) -> dict:
    """What the list pane shows cut: filter items wider than their combo's text field, and
    columns wider than the table (which would need horizontal scrolling)."""
    from PySide6.QtCore import Qt
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
    shown = [table.model().headerData(c, Qt.Orientation.Horizontal) for c in range(table.model().columnCount()) if not table.isColumnHidden(c)]
    return {"cut_filter_items": cut, "columns_width": columns, "table_width": table.viewport().width(),
            "horizontal_scroll": table.horizontalScrollBar().maximum(), "columns": shown}


if __name__ == "__main__":
    laptop.child_main(main)
