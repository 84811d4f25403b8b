"""What is due (期限) through the app services: every kind gathered from the records, overdue
first, the worker's own and the office's whole view, urgency as a filter, and the household list's
「予定日を過ぎたもの」 counting all of them."""

from __future__ import annotations

import datetime as dt

import pytest

from app.services import form_records as forms
from app.services.due import DueQuery
from app.vocab import Action, Stage
from tests.app.test_case_flow import assessed_with_plan, coordination_meeting

TODAY = dt.date(2025, 6, 1)


def make_household(session, name: str, lead: str | None = None, **values):
    station = session.directory.station_named("中央", create=True)
    h = session.households.create(name, "みその市本町1", station.id, kana=name, lead_staff_id=lead, **values)
    principal = session.households.add_person(h.id, f"{name} 本人", kana="ホンニン", birth_date="1970-01-01",
                                              relation="本人")
    return h, principal


@pytest.fixture
def city(session):
    """Households in every state something can be due in; the user leads all but one."""
    other = session.directory.save("staff", {"name": "別の 職員", "login": "other"})
    out = {"other": other.id}
    # a next action, overdue
    out["late"], _ = make_household(session, "遅れ家", session.me, next_action="電話で様子を聞く",
                                    next_action_on="2025-05-20")
    # in support: the plan's monitoring date is in a few days; urgency 高 from the assessment
    h = make_household(session, "支援中家", session.me)
    case, plan = assessed_with_plan(session, h)
    again = session.forms.create(h[0].id, forms.ASSESSMENT, {"wishes": "家で", "urgency": "高"})  # 緊急性 高
    session.forms.complete(again.id)
    session.forms.update_answers(plan.id, {"monitoring_on": "2025-06-05"})
    meeting = coordination_meeting(session)
    session.cases.perform(case.id, Action.APPROVE_PLAN, decision_id=session.meetings.decide(meeting.id, case.id, "plan").id)
    out["support"], out["support_case"], out["support_plan"] = h[0], case, plan
    # closed, its follow-up overdue, led by the other worker
    h = make_household(session, "終結家", other.id)
    case, plan = assessed_with_plan(session, h)
    session.cases.perform(case.id, Action.APPROVE_PLAN,
                          decision_id=session.meetings.decide(meeting.id, case.id, "plan").id)
    evaluation = session.forms.create(h[0].id, forms.EVALUATION, {"plan_id": plan.id, "decision": "close"})
    session.forms.complete(evaluation.id)
    session.cases.perform(case.id, Action.CLOSE, decision_id=session.meetings.decide(meeting.id, case.id, "closure").id,
                          follow_up_on="2025-05-01", follow_up_note="月1回の電話",
                          lead_agency_id=session.directory.add_agency("地域包括支援センター").id)
    out["closed"] = h[0]
    # a finished plan waiting for its meeting
    h = make_household(session, "会議待ち家", session.me)
    assessed_with_plan(session, h)
    out["waiting"] = h[0]
    # a plan with participation support, approved, waiting for the city's 支援決定
    h = make_household(session, "決定待ち家", session.me)
    case, _ = assessed_with_plan(session, h, participation=True)
    session.cases.perform(case.id, Action.APPROVE_PLAN,
                          decision_id=session.meetings.decide(meeting.id, case.id, "plan").id)
    assert session.cases.get(case.id).stage == Stage.PLAN_APPROVED
    out["decision"], out["decision_case"] = h[0], case
    # a meeting coming, with the user among the attendees
    out["meeting"] = session.meetings.create("support", "2025-06-10", "6月の支援会議", attendees=[
        {"name": "テスト 職員", "role": "coordinator", "staff_id": session.me, "acknowledged": False}])
    return out


def kinds(items):
    return [(i.kind, i.household_name or i.what) for i in items]


def test_the_office_sees_everything_overdue_first(session, city):
    items = session.due.items(DueQuery(office=True, horizon_days=None), TODAY)
    found = kinds(items)
    assert ("next_action", "遅れ家") in found and ("follow_up", "終結家") in found
    assert ("plan_meeting", "会議待ち家") in found and ("plan_decision", "決定待ち家") in found
    assert ("meeting", "6月の支援会議") in found
    overdue = [i for i in items if i.overdue]
    assert {i.household_name for i in overdue} == {"遅れ家", "終結家"}
    assert items[:len(overdue)] == overdue  # overdue first
    assert [i.due_on for i in overdue] == sorted(i.due_on for i in overdue)  # the oldest first
    follow_up = next(i for i in items if i.kind == "follow_up")
    assert follow_up.what == "月1回の電話" and follow_up.staff_id == city["other"]
    decision = next(i for i in items if i.kind == "plan_decision")
    assert "参加支援事業" in decision.what and not decision.overdue and decision.waiting


def test_monitoring_comes_back_from_the_plan_and_urgency_from_the_assessment(session, city):
    assert session.forms.get(city["support_plan"].id).status == "confirmed"
    items = session.due.items(DueQuery(office=True, horizon_days=None), TODAY)
    support = [i for i in items if i.household_name == "支援中家"]
    assert [(i.kind, i.due_on, i.overdue) for i in support] == [("monitoring", "2025-06-05", False)]
    assert all(i.urgency == "高" and i.urgent for i in support)
    urgent = session.due.items(DueQuery(office=True, urgent_only=True, horizon_days=None), TODAY)
    assert urgent and {i.household_name for i in urgent} == {"支援中家"}


def test_a_monitoring_date_is_due_while_in_support(session, household):
    case, plan = assessed_with_plan(session, household)
    session.forms.update_answers(plan.id, {"monitoring_on": "2025-05-25"})
    meeting = coordination_meeting(session)
    session.cases.perform(case.id, Action.APPROVE_PLAN, decision_id=session.meetings.decide(meeting.id, case.id, "plan").id)
    items = session.due.items(DueQuery(office=True, kind="monitoring"), TODAY)
    assert [(i.household_name, i.due_on, i.overdue) for i in items] == [("山田家", "2025-05-25", True)]
    assert session.due.items(DueQuery(office=True, kind="monitoring"), dt.date(2025, 5, 1))[0].overdue is False


def test_the_worker_sees_their_own_and_their_meetings(session, city):
    mine = session.due.items(DueQuery(horizon_days=None), TODAY)
    names = {i.household_name for i in mine if i.household_id}
    assert "終結家" not in names and {"遅れ家", "会議待ち家", "決定待ち家"} <= names
    assert any(i.kind == "meeting" for i in mine)
    theirs = session.due.items(DueQuery(me=city["other"], horizon_days=None), TODAY)
    assert {i.household_name for i in theirs} == {"終結家"}


def test_the_horizon_keeps_far_items_out_but_never_overdue_ones(session, city):
    near = session.due.items(DueQuery(office=True, horizon_days=3), TODAY)
    assert not any(i.kind == "meeting" for i in near)  # 9 days ahead
    assert {"遅れ家", "終結家"} <= {i.household_name for i in near}


def test_the_list_filter_counts_every_overdue_kind(session, city):
    overdue = session.due.overdue_households(TODAY)
    assert overdue == {city["late"].id, city["closed"].id}
    # the next action alone would have found only one of them
    assert sum(1 for r in session.households.rows() if r.next_action_on and r.next_action_on < TODAY.isoformat()) == 1


def test_the_forms_are_read_from_the_due_index_alone(session):
    """No form's answers are decrypted for the view: the query is answered by schema 8's index."""
    from storage import due_list

    plan = session.store.connection().execute("EXPLAIN QUERY PLAN " + due_list.LATEST_FORMS_SQL).fetchall()
    assert any("COVERING INDEX form_record_due" in row[-1] for row in plan), plan


def test_a_review_date_a_meeting_set_comes_back_when_due(session, household):
    case, _ = assessed_with_plan(session, household)
    meeting = coordination_meeting(session)
    session.meetings.decide(meeting.id, case.id, "discussion", "deferred", next_review_on="2025-05-28")
    items = session.due.items(DueQuery(office=True, kind="review"), TODAY)
    assert [(i.household_name, i.due_on, i.overdue) for i in items] == [("山田家", "2025-05-28", True)]
    assert household[0].id in session.due.overdue_households(TODAY)
