"""Meetings through app/ services: kinds, a two-part sitting, the agenda proposal, attendance
with acknowledgement, and every decision type flowing into the case — or refused with the rule's
Japanese message, changing nothing."""

from __future__ import annotations

import pytest

from app.errors import InvalidInput, Refused
from app.services import form_records as forms
from app.services import timeline
from app.vocab import Action, Stage
from tests.app.test_case_flow import assessed_with_plan, consented_case, make_city_account

CITY = {"name": "市 社会福祉課長", "role": "city", "login": "city1"}
COORD = {"name": "多機関協働 担当", "role": "coordinator", "login": "coord1"}
SCHOOL = {"name": "学校 担当", "role": "agency", "agency": "みその中学校", "login": "school1"}


def sitting(session, day="2025-06-10", *, acknowledge=True):
    """Mimasaka's monthly sitting: a 支援会議 and a 重層的支援会議 together."""
    meeting = session.meetings.create("support", day, parts=["coordination"], attendees=[CITY, COORD, SCHOOL])
    if acknowledge:
        for a in meeting.attendee_list():
            session.meetings.acknowledge(meeting.id, a.key)
    return session.meetings.get(meeting.id)


def apply_one(session, meeting, case, kind, outcome="approved", **kw):
    decision = session.meetings.decide(meeting.id, case.id, kind, outcome, **kw)
    result = next(r for r in session.meeting_apply.apply(meeting.id) if r.decision_id == decision.id)
    return result, session.cases.get(case.id)


def evaluate(session, household, plan, decision):
    record = session.forms.create(household[0].id, forms.EVALUATION, {"plan_id": plan.id, "decision": decision})
    session.forms.complete(record.id)


def in_support(session, household, **kw):
    case, plan = assessed_with_plan(session, household, **kw)
    meeting = sitting(session)
    result, case = apply_one(session, meeting, case, "plan")
    assert result.applied, result.message
    return case, plan


def changes(session) -> int:
    return session.store.connection().execute("SELECT count(*) FROM change WHERE entity != 'meeting_decision'").fetchone()[0]


# -- kinds and sittings ----------------------------------------------------------------------

def test_a_city_kind_follows_its_rule_class_and_schedules_monthly_with_its_members(session):
    kind = session.meetings.kinds.add("実務者会議", "support", recurrence="monthly:2:1", members=[CITY, SCHOOL])
    assert [k.name for k in session.meetings.kinds.kinds()][:3] == ["支援会議", "重層的支援会議", "代表者会議"]
    meetings = session.meetings.schedule(kind.id, "2025-04-01", 3)
    assert [m.held_on for m in meetings] == ["2025-04-08", "2025-05-13", "2025-06-10"]  # 第2火曜日
    assert meetings[0].kind == "support" and meetings[0].title == "実務者会議"
    assert {a.name for a in meetings[0].attendee_list()} == {CITY["name"], SCHOOL["name"]}
    with pytest.raises(InvalidInput, match="周期"):
        session.meetings.kinds.add("個別会議", "coordination", recurrence="weekly")
    with pytest.raises(InvalidInput, match="代表者会議"):
        session.meetings.create("representatives", "2025-06-01", parts=["support"])


def test_built_in_kinds_keep_standing_members_under_a_fixed_id(session):
    session.meetings.kinds.update("support", members=[CITY], recurrence="monthly:10")
    again = session.meetings.kinds.update("support", members=[CITY, COORD])
    assert again.id == "kind-support" and len(again.member_list()) == 2
    assert len([k for k in session.meetings.kinds.kinds() if k.rule == "support"]) == 1


def test_no_case_is_discussed_in_a_support_meeting_before_everyone_acknowledged(session, household):
    case = session.cases.open_case(household[0].id)
    meeting = sitting(session, acknowledge=False)
    assert "学校 担当" in session.meetings.may_show_cases(meeting)
    with pytest.raises(Refused, match="106条の6"):
        session.meetings.decide(meeting.id, case.id, "discussion")
    for a in meeting.attendee_list():
        acknowledged = session.meetings.acknowledge(meeting.id, a.key)
        assert acknowledged.acknowledged and acknowledged.acknowledged_at
    assert session.meetings.may_show_cases(session.meetings.get(meeting.id)) is None
    decision = session.meetings.decide(meeting.id, case.id, "discussion", notes="学校から欠席が続くと報告")
    assert decision.part == "support"  # no consent: the support part of the sitting


# -- the agenda ------------------------------------------------------------------------------

def test_the_agenda_proposes_finished_plans_never_drafts(session, household):
    h, principal = household
    case = consented_case(session, household)
    session.cases.perform(case.id, Action.START_ASSESSMENT)
    assessment = session.forms.create(h.id, forms.ASSESSMENT, {"wishes": "家で暮らしたい"})
    session.forms.complete(assessment.id)
    draft = session.forms.create(h.id, forms.PLAN, {"goals": ["下書き"]})
    meeting = sitting(session)
    assert session.agenda.propose(meeting.id) == []
    session.forms.complete(draft.id)
    [proposal] = session.agenda.propose(meeting.id)
    assert (proposal.household_id, proposal.reason, proposal.plan_id, proposal.part) == (
        h.id, "plan", draft.id, "coordination")
    assert proposal.household_name == "山田家"


def test_the_agenda_proposes_referrals_monitoring_follow_ups_and_review_dates(session, household):
    h, _ = household
    agency = session.directory.add_agency("地域包括支援センター", "地域包括支援センター")
    case = session.cases.open_case(h.id, route="agency", referring_agency_id=agency.id)
    meeting = sitting(session, "2025-06-10")
    [referral] = session.agenda.propose(meeting.id)
    assert (referral.reason, referral.part, referral.consented) == ("referral", "support", False)
    session.meetings.decide(meeting.id, case.id, "discussion", "deferred", next_review_on="2025-07-01")
    assert session.agenda.propose(meeting.id) == []  # discussed today; review date not reached
    later = sitting(session, "2025-07-08")
    [review] = session.agenda.propose(later.id)
    assert (review.reason, review.due_on) == ("review", "2025-07-01")


def test_the_agenda_proposes_closure_and_suspension_from_the_evaluation_and_passed_monitoring(session, household):
    case, plan = in_support(session, household)
    with session.store.write() as records:  # the plan's monitoring date has passed
        records.update("form_record", plan.id, {"answers": {"monitoring_on": "2025-06-20"}})
    meeting = sitting(session, "2025-07-08")
    [monitoring] = session.agenda.propose(meeting.id)
    assert (monitoring.reason, monitoring.due_on) == ("monitoring", "2025-06-20")
    evaluate(session, household, plan, "close")
    assert session.agenda.propose(meeting.id)[0].reason == "closure"


def test_the_coordinator_reorders_adds_and_removes(session, household):
    h, _ = household
    other = session.households.create("佐藤家", "みその市東町1", h.station_id)
    meeting = sitting(session)
    session.meetings.add_to_agenda(meeting.id, h.id, "referral")
    session.meetings.add_to_agenda(meeting.id, other.id)
    agenda = session.meetings.move_on_agenda(meeting.id, other.id, -1)
    assert [i.household_id for i in agenda] == [other.id, h.id]
    assert [i.household_id for i in session.meetings.remove_from_agenda(meeting.id, other.id)] == [h.id]
    representatives = session.meetings.create("representatives", "2025-06-01")
    with pytest.raises(Refused, match="代表者会議"):
        session.meetings.add_to_agenda(representatives.id, h.id)


# -- decisions into the case: allowed ---------------------------------------------------------

def test_plan_approval_flows_into_the_case_and_fills_the_office_box(session, household):
    agency = session.directory.add_agency("社協", "社会福祉協議会")
    case, plan = assessed_with_plan(session, household)
    session.forms.update_answers(plan.id, {**session.forms.get(plan.id).answers, "lead_agency_id": agency.id})
    session.forms.complete(plan.id)
    meeting = sitting(session)
    result, case = apply_one(session, meeting, case, "plan", notes="役割分担を確認", next_review_on="2025-09-10")
    assert result.applied and "報告" in result.message
    assert (case.stage, case.lead_agency_id) == (Stage.IN_SUPPORT, agency.id)
    answers = session.forms.get(plan.id).answers
    assert answers["meeting_on"] == "2025-06-10" and answers["report_on"]
    assert [d.kind for d in session.city.reported()] == ["report"]
    assert session.meeting_apply.apply(meeting.id) == []  # applying twice does nothing more


def test_a_plan_with_outreach_waits_for_the_citys_decision_which_fills_the_box(session, household):
    case, plan = assessed_with_plan(session, household, outreach=True)
    with pytest.raises(Refused, match="多機関協働"):
        session.city.record(case.id, decided_on="2025-06-15", number="R7-12")
    make_city_account(session)
    with pytest.raises(Refused, match="会議で了承"):
        session.city.record(case.id, decided_on="2025-06-15", number="R7-12")
    result, case = apply_one(session, sitting(session), case, "plan")
    assert case.stage == Stage.PLAN_APPROVED and "支援決定" in result.message
    with pytest.raises(InvalidInput, match="支援決定番号"):
        session.city.record(case.id, decided_on="2025-06-15")
    decided = session.city.record(case.id, decided_on="R7.6.15", number="R7-12")
    assert (decided.number, decided.decided_on) == ("R7-12", "2025-06-15")
    answers = session.forms.get(plan.id).answers
    assert (answers["meeting_on"], answers["support_decision_on"], answers["support_decision_no"]) == (
        "2025-06-10", "2025-06-15", "R7-12")
    with pytest.raises(Refused, match="すでに"):
        session.city.record(case.id, decided_on="2025-06-16", number="R7-13")
    titles = [item.title for item in timeline.build(session.store.read(), case.household_id)]
    assert "市の支援決定（番号 R7-12）" in titles
    assert session.cases.perform(case.id, Action.CONFIRM_PLAN).stage == Stage.IN_SUPPORT


def test_replan_closure_follow_up_and_lead_change(session, household):
    h, _ = household
    case, plan = in_support(session, household)
    evaluate(session, household, plan, "replan")
    new_plan = session.forms.create(h.id, forms.PLAN, {"goals": ["就労体験"], "uses_participation": False})
    session.forms.complete(new_plan.id)
    meeting = sitting(session, "2025-08-12")
    result, case = apply_one(session, meeting, case, "replan")
    assert result.applied, result.message
    assert case.stage == Stage.IN_SUPPORT and session.forms.get(new_plan.id).status == "confirmed"
    agency = session.directory.add_agency("地域包括支援センター", "地域包括支援センター")
    result, case = apply_one(session, meeting, case, "lead_change", lead_agency_id=agency.id,
                             roles=[{"agency_id": agency.id, "task": "見守り", "lead": True}])
    assert result.applied and case.lead_agency_id == agency.id
    from app.services.household_view import open_household

    roles = open_household(session, h.id).roles
    assert [(r.agency, r.task, r.lead) for r in roles] == [("地域包括支援センター", "見守り", True)]
    evaluate(session, household, new_plan, "close")
    result, case = apply_one(session, meeting, case, "closure", follow_up_on="2025-11-01", memo="月1回の電話")
    assert result.applied, result.message
    assert (case.stage, case.follow_up_on) == (Stage.CLOSED, "2025-11-01")
    result, case = apply_one(session, sitting(session, "2025-11-11"), case, "follow_up", follow_up_on="2026-02-01")
    assert result.applied and case.follow_up_on == "2026-02-01"


def test_suspension_hand_back_and_outreach_before_consent(session, household):
    h, _ = household
    agency = session.directory.add_agency("障害者相談支援センター", "障害者相談支援")
    case = session.cases.open_case(h.id, route="agency", referring_agency_id=agency.id)
    meeting = sitting(session)
    result, case = apply_one(session, meeting, case, "outreach_start")
    assert result.applied and case.stage == Stage.OUTREACH
    result, case = apply_one(session, meeting, case, "hand_back", notes="本人が元の相談先を希望")
    assert result.applied and (case.stage, case.lead_agency_id) == (Stage.HANDED_BACK, agency.id)
    other = session.households.create("鈴木家", "みその市西町2", h.station_id)
    case2 = session.cases.open_case(other.id)
    result, case2 = apply_one(session, meeting, case2, "suspension", notes="連絡が取れない")
    assert result.applied and case2.stage == Stage.SUSPENDED


def test_an_outreach_plan_before_consent_is_approved_in_the_support_part(session, household):
    h, _ = household
    case = session.cases.open_case(h.id)
    session.cases.perform(case.id, Action.START_OUTREACH)
    plan = session.forms.create(h.id, forms.PLAN, {"goals": ["顔を合わせる"], "uses_outreach": True})
    session.forms.complete(plan.id)
    meeting = sitting(session)
    [proposal] = session.agenda.propose(meeting.id)
    assert (proposal.reason, proposal.part) == ("outreach_plan", "support")
    result, case = apply_one(session, meeting, case, "plan")
    assert result.applied, result.message
    assert case.stage == Stage.PLAN_APPROVED


# -- decisions into the case: refused ---------------------------------------------------------

@pytest.mark.parametrize("kind, kw, message", [
    ("closure", {"follow_up_on": "2025-11-01"}, "プラン評価"),
    ("replan", {}, "プラン評価"),
    ("follow_up", {"follow_up_on": "2025-11-01"}, "終結したケース"),
    ("lead_change", {}, "主担当機関を指定"),
    ("participation_start", {}, "参加支援事業の利用が記載されていません"),
    ("outreach_start", {}, "アウトリーチ等事業の利用が記載されていません"),
])
def test_a_refused_decision_keeps_the_rule_message_and_changes_nothing(session, household, kind, kw, message):
    case, _ = in_support(session, household)
    before = changes(session)
    meeting = sitting(session, "2025-07-08")
    before = changes(session)
    result, after = apply_one(session, meeting, case, kind, **kw)
    assert not result.applied and message in result.message
    assert after.stage == Stage.IN_SUPPORT
    assert session.meetings.decision(result.decision_id).refusal == result.message
    assert changes(session) == before + 1  # only the meeting's status (held); the case is untouched


def test_participation_cannot_start_before_consent(session, household):
    case = session.cases.open_case(household[0].id)
    result, _ = apply_one(session, sitting(session), case, "participation_start")
    assert not result.applied and "本人同意の前" in result.message


def test_a_rejected_or_deferred_plan_changes_nothing_and_stays_due_when_deferred(session, household):
    case, plan = assessed_with_plan(session, household)
    meeting = sitting(session)
    result, case = apply_one(session, meeting, case, "plan", "deferred", next_review_on="2025-07-01")
    assert result.applied and "継続協議" in result.message and case.stage == Stage.PLAN_DRAFTED
    assert session.forms.get(plan.id).status == "complete"
    assert [p.reason for p in session.agenda.propose(sitting(session, "2025-07-08").id)] == ["plan"]
    result, case = apply_one(session, meeting, case, "plan", "rejected")
    assert "不承認" in result.message and case.stage == Stage.PLAN_DRAFTED


def test_a_coordination_part_needs_the_city_and_the_coordinator(session, household):
    case, _ = assessed_with_plan(session, household)
    meeting = session.meetings.create("coordination", "2025-06-10", attendees=[SCHOOL])
    result, case = apply_one(session, meeting, case, "plan")
    assert not result.applied and "市と多機関協働事業者" in result.message


# -- for sync: who may receive a 支援会議's households ----------------------------------------

def test_support_meeting_grants_name_non_consented_households_and_acknowledged_logins(session, household):
    h, _ = household
    consented = consented_case(session, household)
    other = session.households.create("佐藤家", "みその市東町1", h.station_id)
    session.cases.open_case(other.id)
    meeting = sitting(session, acknowledge=False)
    first = meeting.attendee_list()[0]
    session.meetings.acknowledge(meeting.id, first.key)
    session.meetings.set_agenda(meeting.id, [{"household_id": h.id}, {"household_id": other.id}])
    assert session.meetings.support_meeting_grants(meeting.id) == ([], [])  # not held yet
    session.meetings.set_held(meeting.id)
    households, logins = session.meetings.support_meeting_grants(meeting.id)
    assert households == [other.id] and consented.household_id not in households
    assert logins == [first.login]


# -- the agenda and the minutes as PDFs -------------------------------------------------------

def test_agenda_and_minutes_print_with_embedded_fonts(session, household, tmp_path):
    from app.meeting_printing import meeting_pdf, print_meeting
    from tests.forms.pdf_tools import fonts_of, text_of

    case, _ = assessed_with_plan(session, household)
    meeting = sitting(session, acknowledge=False)
    session.meetings.add_to_agenda(meeting.id, household[0].id, "plan")
    agenda, pages, _ = meeting_pdf(session, meeting.id, minutes=False)
    text = text_of(agenda, tmp_path, "agenda")
    assert "会議次第" in text and "山田家" in text and "学校 担当" in text and "未確認" in text
    assert "100万円以下の罰金" in text and pages == 1
    assert all(embedded == "yes" for _, embedded in fonts_of(agenda, tmp_path))
    with pytest.raises(Refused, match="106条の6"):
        meeting_pdf(session, meeting.id, minutes=True)  # no minutes of a 支援会議 before every acknowledgement
    for a in meeting.attendee_list():
        session.meetings.acknowledge(meeting.id, a.key)
    session.meetings.decide(meeting.id, case.id, "plan", notes="役割分担を確認した", next_review_on="2025-09-09")
    session.meeting_apply.apply(meeting.id)
    printed = print_meeting(session, meeting.id, tmp_path / "minutes.pdf", minutes=True)
    text = text_of(printed.path.read_bytes(), tmp_path, "minutes")
    assert "会議録" in text and "役割分担を確認した" in text and "R7.9.9" in text and "反映済" in text
