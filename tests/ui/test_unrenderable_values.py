"""Values a sync (or an old import) can put in the store that the window would never have let a
user type — a date before 明治, a date that is not one, a birth date in the future, a stage this
version does not know, a number where text belongs — written straight into the store here. Every
view still shows the record, with the odd value as stored (marked ⚠), drops no item and raises
nothing (pytest-qt fails a test on any exception inside Qt, and the log is checked too)."""

from __future__ import annotations

import logging

from app.services.household_view import open_household
from tests.ui.conftest import open_first
from tests.ui.qt_helpers import settle


def spoil(session, household_id: str) -> dict:
    """Bad values in place, as a merge would write them (no service, no check)."""
    with session.store.write() as records:
        conn = records.conn
        conn.execute("UPDATE household SET next_action_on = '1800-01-01', kana = 12345 WHERE id = ?", (household_id,))
        person = conn.execute("SELECT id FROM person WHERE household_id = ? LIMIT 1", (household_id,)).fetchone()[0]
        conn.execute("UPDATE person SET birth_date = '2999-01-01' WHERE id = ?", (person,))
        note = conn.execute("SELECT id FROM note WHERE household_id = ? LIMIT 1", (household_id,)).fetchone()[0]
        conn.execute("UPDATE note SET at = '1800-01-01T09:00:00+09:00', text = 'ZZ明治より前の記録' WHERE id = ?", (note,))
        contact = conn.execute("SELECT id FROM contact WHERE household_id = ? LIMIT 1", (household_id,)).fetchone()[0]
        conn.execute("UPDATE contact SET at = 'いつか', kind = 'teleport', summary = 'ZZ日付が読めない接触' WHERE id = ?",
                     (contact,))
        conn.execute("UPDATE cases SET stage = 'from_the_future', opened_on = 'not-a-date' WHERE household_id = ?",
                     (household_id,))
    session.store.index.rebuild()  # a merge indexes what it writes
    return {"note": note, "contact": contact, "person": person}


def test_every_view_shows_a_household_whose_values_cannot_be_shown_as_typed(qtbot, window, caplog):
    caplog.set_level(logging.DEBUG)
    session = window.session
    row = next(r for r in window.list_page.model.rows
               if session.store.read().find("note", household_id=r.id) and session.store.read().find("contact", household_id=r.id)
               and session.cases.current_case_id(r.id))
    bad = spoil(session, row.id)
    view = open_household(session, row.id)
    ids = {item.entity_id for item in view.timeline}
    assert bad["note"] in ids and bad["contact"] in ids  # nothing dropped
    assert view.next_steps == []  # a stage this version does not know offers no step

    window.list_page.reload()
    settle(qtbot)
    model = window.list_page.model
    n = model.row_of(row.id)
    shown = [model.index(n, col).data() for col in range(model.columnCount())]
    assert "⚠1800-01-01" in shown
    for col in range(model.columnCount()):  # sorting on every column copes too
        model.sort(col)
    open_first(qtbot, window, lambda r: r.id == row.id)
    page = window.view_page
    assert page.household_id == row.id
    texts = [page.timeline.item(i).text() for i in range(page.timeline.count())]
    assert any("ZZ明治より前の記録" in t and "⚠1800-01-01" in t for t in texts)
    assert any("ZZ日付が読めない接触" in t and "⚠いつか" in t for t in texts)
    members = [page.members.item(i).text() for i in range(page.members.count())]
    assert any("2999-01-01" in m and "歳" not in m.split("2999")[0].split()[-1] for m in members)
    assert "⚠1800-01-01" in page.details.text() and "12345" in page.title.text()
    assert "from_the_future" in page.case_panel.stage.text()
    assert "⚠not-a-date" in page.case_panel.summary.text()

    window.list_page.search.setText("ZZ日付が読めない")
    qtbot.waitUntil(lambda: window.list_page.stack.currentWidget() is window.list_page.results, timeout=5000)
    settle(qtbot)
    hit = window.list_page.results.current_result()
    assert hit is not None and hit.entity_id == bad["contact"]
    window.view_page.show_forms()
    settle(qtbot)
    assert not [r for r in caplog.records if r.exc_info or "Traceback" in r.getMessage()]
