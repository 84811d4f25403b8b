"""Households, members, contacts, notes and the timeline."""

from __future__ import annotations

import datetime as dt

import pytest

from app.errors import InvalidInput, NotFound
from app.services.household_view import open_household
from storage import audit
from storage.household_list import HouseholdQuery


def test_members_are_listed_with_fields_derived_from_age(session, household):
    h, principal = household
    persons = session.households.persons(h.id)
    mother = next(p for p in persons if p.relation == "母")
    assert mother.is_elderly == 1 and principal.is_elderly == 0
    assert mother.age_on(dt.date(2025, 4, 1)) == 81


def test_bad_member_input_is_refused_with_the_field_named(session, household):
    h, _ = household
    with pytest.raises(InvalidInput) as info:
        session.households.add_person(h.id, "未来 太郎", birth_date="R99.1.1")
    assert info.value.field == "birth_date"
    with pytest.raises(InvalidInput, match="氏名"):
        session.households.add_person(h.id, "  ")
    with pytest.raises(InvalidInput, match="氏名"):
        session.households.add_person(h.id, "\u3000\u3000")  # full-width spaces only
    with pytest.raises(InvalidInput, match="明治より前"):
        session.households.add_person(h.id, "古い 人", birth_date="1800-01-01")
    with pytest.raises(NotFound):
        session.households.add_person("no-such-household", "誰か")


def test_a_contact_is_saved_and_sets_the_households_next_action(session, household):
    h, principal = household
    contact = session.contacts.log_contact(h.id, kind="home_visit", outcome="met", summary="体調確認",
                                           present=[principal.id], next_action="通院同行", next_action_on="R7.5.1")
    assert contact.kind == "home_visit" and contact.present == [principal.id]
    updated = session.households.get(h.id)
    assert (updated.next_action, updated.next_action_on) == ("通院同行", "2025-05-01")


def test_contact_kinds_and_outcomes_accept_codes_and_japanese_labels(session, household):
    h, _ = household
    c = session.contacts.log_contact(h.id, kind="手紙を置いた", outcome="不在", summary="手紙")
    assert (c.kind, c.outcome) == ("letter", "nobody")
    with pytest.raises(InvalidInput, match="接触の種類"):
        session.contacts.log_contact(h.id, kind="telepathy", outcome="met", summary="x")
    with pytest.raises(InvalidInput, match="1日以上先"):
        session.contacts.log_contact(h.id, kind="phone", outcome="met", summary="x",
                                     at=dt.datetime.now().astimezone() + dt.timedelta(days=3))
    with pytest.raises(InvalidInput, match="明治より前"):
        session.contacts.add_note(h.id, "古い記録", at="1800-01-01T09:00:00+09:00")
    later_today = dt.datetime.now().astimezone() + dt.timedelta(hours=20)  # a laptop clock a few hours off
    assert session.contacts.add_note(h.id, "時計のずれ", at=later_today).text == "時計のずれ"


def test_an_amendment_keeps_the_original_and_is_shown_beside_it(session, household):
    h, _ = household
    original = session.contacts.add_note(h.id, "母は入院中", at="2025-04-01T10:00:00+09:00")
    session.contacts.amend_note(original.id, "母は先週退院した（訂正）")
    view = open_household(session, h.id)
    notes = [i for i in view.timeline if i.kind == "note"]
    assert len(notes) == 1
    assert notes[0].body == "母は入院中"
    assert [c.body for c in notes[0].corrections] == ["母は先週退院した（訂正）"]
    assert session.contacts.note(original.id).text == "母は入院中"


def test_amending_a_contact_copies_what_is_not_corrected(session, household):
    h, _ = household
    first = session.contacts.log_contact(h.id, kind="home_visit", outcome="nobody", summary="不在",
                                         at="2025-04-01T10:00:00+09:00")
    fixed = session.contacts.amend_contact(first.id, outcome="family_only")
    assert (fixed.kind, fixed.outcome, fixed.summary, fixed.amends) == ("home_visit", "family_only", "不在", first.id)


def test_opening_a_household_is_written_to_the_audit_log(session, household):
    h, _ = household
    open_household(session, h.id)
    entries = audit.entries(session.store.connection(), h.id)
    assert entries[0].action == "view" and entries[0].actor == session.me


def test_timeline_is_newest_first_and_includes_lifecycle_steps(session, household):
    h, principal = household
    case = session.cases.open_case(h.id, principal_id=principal.id)
    session.contacts.log_contact(h.id, kind="phone", outcome="met", summary="古い電話", at="2024-01-01T09:00:00+09:00")
    session.cases.record_consent(case.id, on_date="2025-04-10")
    view = open_household(session, h.id)
    kinds = [i.kind for i in view.timeline]
    assert kinds[-1] == "contact"
    assert "event" in kinds and "consent" in kinds
    assert view.case.stage == "consented" and view.has_consent


def test_household_list_filters(session, household):
    h, _ = household
    other = session.households.create("鈴木家", "北山1", lead_staff_id=None)
    session.households.add_person(other.id, "鈴木 陽菜", kana="スズキ ヒナ", birth_date="2015-01-01", relation="子")
    session.households.update(other.id, next_action_on="2020-01-01")
    me = session.me
    rows = session.households.rows(HouseholdQuery(me=me))
    assert rows[0].id == h.id  # mine first
    assert [r.id for r in session.households.rows(HouseholdQuery(me=me, mine_only=True))] == [h.id]
    assert [r.id for r in session.households.rows(HouseholdQuery(field="is_child"))] == [other.id]
    assert [r.id for r in session.households.rows(HouseholdQuery(due_before="2024-12-31"))] == [other.id]
    assert session.households.count(HouseholdQuery(field="is_elderly")) == 1
