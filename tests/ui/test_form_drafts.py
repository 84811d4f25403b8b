"""Drafts of the 様式: nothing is written until the first change, a draft can be discarded after
a confirmation (a tombstone captured for sync like any deletion), and a draft never counts as
the current plan (an empty 2-1 must not replace the case's 役割分担)."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QMessageBox

from app.errors import Refused
from app.services import form_records as forms
from app.services.household_view import open_household
from storage import changes
from ui.desktop.forms import FormScreen, HouseholdForms


def pending(session) -> int:
    return changes.count_pending(session.store.connection())


def test_opening_a_new_form_and_closing_it_writes_nothing(qtbot, session, household_case):
    h, *_ = household_case
    before = pending(session)
    panel = HouseholdForms(session, h.id)
    qtbot.addWidget(panel)
    for _ in range(3):
        screen = panel.start(forms.PLAN)
        assert not screen.discard_button.isEnabled()  # nothing to discard yet
        screen.close_screen()
    assert session.forms.for_household(h.id) == [] and panel.table.rowCount() == 0
    assert pending(session) == before
    assert not [i for i in open_household(session, h.id).timeline if i.kind == "form"]


def test_the_first_change_writes_the_draft_and_it_can_be_discarded_after_a_confirmation(
        qtbot, session, household_case, monkeypatch):
    h, *_ = household_case
    screen = FormScreen(session, h.id, forms.PLAN)
    qtbot.addWidget(screen)
    screen.rows["direction"].editor.set_value("本人のペースで")
    record_id = screen.opened.record.id
    assert session.forms.get(record_id).status == "draft" and screen.discard_button.isEnabled()
    asked = []
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: asked.append(a) or QMessageBox.StandardButton.Cancel)
    screen.ask_discard()
    assert asked and session.forms.get(record_id)  # cancelled: still there
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Discard)
    closed = []
    screen.closed.connect(lambda: closed.append(True))
    screen.ask_discard()
    assert closed and session.forms.for_household(h.id) == []
    tombstone = session.store.read().get("form_record", record_id, include_deleted=True)
    assert tombstone is not None and tombstone["deleted"] == 1
    fields = [r[0] for r in session.store.connection().execute(
        "SELECT fields FROM change WHERE entity = 'form_record' AND entity_id = ?", (record_id,))]
    assert fields[-1] == "deleted"  # captured: it goes out with the next sync like any deletion
    assert session.drafts.load(screen.draft_key) is None


def test_the_forms_tab_discards_a_selected_draft_but_not_a_finished_form(qtbot, session, household_case, monkeypatch):
    h, *_ = household_case
    draft = session.forms.create(h.id, forms.ASSESSMENT, {"wishes": "働きたい"})
    done = session.forms.complete(session.forms.create(h.id, forms.INTAKE, {}).id)
    panel = HouseholdForms(session, h.id)
    qtbot.addWidget(panel)
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Discard)
    panel.table.selectRow(next(n for n, r in enumerate(panel.records) if r.id == done.id))
    panel.ask_discard_selected()
    assert "下書きだけが破棄できます" in panel.message.text() and session.forms.get(done.id)
    panel.table.selectRow(next(n for n, r in enumerate(panel.records) if r.id == draft.id))
    panel.ask_discard_selected()
    assert [r.id for r in panel.records] == [done.id]
    with pytest.raises(Refused):
        session.forms.discard(done.id)


def test_an_empty_draft_plan_does_not_replace_the_roles_of_the_finished_one(session, household_case):
    h, principal, agency = household_case
    case_id = session.cases.current_case_id(h.id)
    plan = session.forms.create(h.id, forms.PLAN, {
        "roles": [{"agency_id": agency.id, "task": "見守り", "frequency": "月1回", "lead": True}]})
    session.forms.complete(plan.id)
    session.form_filling.start(h.id, forms.PLAN)  # a new, empty 2-1 left as a draft
    view = open_household(session, h.id)
    assert [(r.agency, r.task) for r in view.roles] == [("みその市地域包括支援センター", "見守り")]
    assert session.forms.current_plan(case_id).id == plan.id
