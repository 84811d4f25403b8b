"""The lifecycle through the services, as a worker and the office would run it."""

from __future__ import annotations

import pytest

from app.errors import InvalidInput, Refused
from app.services import form_records as forms
from app.vocab import Action, Stage


def coordination_meeting(session, **kw):
    attendees = [{"name": "市 社会福祉課", "role": "city", "acknowledged": True},
                 {"name": "多機関協働 担当", "role": "coordinator", "acknowledged": True},
                 {"name": "地域包括 担当", "role": "agency", "acknowledged": True}]
    return session.meetings.create("coordination", "2025-05-10", "重層的支援会議", attendees=attendees, **kw)


def support_meeting(session, acknowledged=True):
    attendees = [{"name": "市 社会福祉課", "role": "city", "acknowledged": True},
                 {"name": "学校 担当", "role": "agency", "acknowledged": acknowledged}]
    return session.meetings.create("support", "2025-05-10", "支援会議", attendees=attendees)


def make_city_account(session):
    """The profile's owner becomes the office's 多機関協働 staff (the city's account)."""
    with session.store.write() as records:
        records.update("staff", session.me, {"role": "office"})


def consented_case(session, household):
    h, principal = household
    case = session.cases.open_case(h.id, principal_id=principal.id, route="window", summary="家賃の滞納")
    session.cases.record_consent(case.id, on_date="R7.4.10", method="signed_paper", paper_on_file=True)
    return session.cases.get(case.id)


def assessed_with_plan(session, household, *, outreach=False, participation=False):
    case = consented_case(session, household)
    session.cases.perform(case.id, Action.START_ASSESSMENT)
    assessment = session.forms.create(household[0].id, forms.ASSESSMENT, {"wishes": "家で暮らしたい"})
    session.forms.complete(assessment.id)
    plan = session.forms.create(household[0].id, forms.PLAN, {
        "goals": ["滞納を解消する"], "uses_outreach": outreach, "uses_participation": participation})
    session.forms.complete(plan.id)  # a draft is never the current plan
    session.cases.perform(case.id, Action.DRAFT_PLAN)
    return case, plan


def test_a_plan_without_outreach_is_confirmed_by_the_meeting_and_reported_to_the_city(session, household):
    case, plan = assessed_with_plan(session, household)
    meeting = coordination_meeting(session)
    decision = session.meetings.decide(meeting.id, case.id, "plan", "approved")
    case = session.cases.perform(case.id, Action.APPROVE_PLAN, decision_id=decision.id)
    assert case.stage == Stage.IN_SUPPORT
    assert session.forms.get(plan.id).status == "confirmed"
    assert [d.kind for d in session.meetings.support_decisions(case.id)] == ["report"]


def test_a_plan_with_participation_support_waits_for_the_citys_decision(session, household):
    case, plan = assessed_with_plan(session, household, participation=True)
    decision = session.meetings.decide(coordination_meeting(session).id, case.id, "plan")
    case = session.cases.perform(case.id, Action.APPROVE_PLAN, decision_id=decision.id)
    assert case.stage == Stage.PLAN_APPROVED
    with pytest.raises(Refused, match="支援決定"):
        session.cases.perform(case.id, Action.CONFIRM_PLAN)
    make_city_account(session)
    session.meetings.support_decision(case.id, decided_on="2025-05-20", decided_by="社会福祉課長", number="R7-001")
    assert session.cases.perform(case.id, Action.CONFIRM_PLAN).stage == Stage.IN_SUPPORT
    assert session.forms.get(plan.id).status == "confirmed"


def test_an_approved_plan_cannot_be_edited(session, household):
    case, plan = assessed_with_plan(session, household)
    decision = session.meetings.decide(coordination_meeting(session).id, case.id, "plan")
    session.cases.perform(case.id, Action.APPROVE_PLAN, decision_id=decision.id)
    with pytest.raises(Refused, match="再プラン"):
        session.forms.update_answers(plan.id, {"goals": ["書き換え"]})


def test_support_decision_is_refused_for_a_plan_that_does_not_need_one(session, household):
    case, _ = assessed_with_plan(session, household)
    make_city_account(session)
    with pytest.raises(Refused, match="不要"):
        session.meetings.support_decision(case.id, decided_on="2025-05-20")


def test_closure_then_reopen_runs_the_whole_cycle(session, household):
    case, plan = assessed_with_plan(session, household)
    meeting = coordination_meeting(session)
    session.cases.perform(case.id, Action.APPROVE_PLAN,
                          decision_id=session.meetings.decide(meeting.id, case.id, "plan").id)
    closure = session.meetings.decide(meeting.id, case.id, "closure")
    with pytest.raises(Refused, match="プラン評価"):
        session.cases.perform(case.id, Action.CLOSE, decision_id=closure.id, follow_up_on="2025-09-01")
    evaluation = session.forms.create(household[0].id, forms.EVALUATION, {"plan_id": plan.id, "decision": "close"})
    session.forms.complete(evaluation.id)
    agency = session.directory.add_agency("地域包括支援センター", "地域包括支援センター")
    case = session.cases.perform(case.id, Action.CLOSE, decision_id=closure.id, follow_up_on="R7.9.1",
                                 lead_agency_id=agency.id, follow_up_note="月1回の電話")
    assert (case.stage, case.follow_up_on, case.lead_agency_id) == (Stage.CLOSED, "2025-09-01", agency.id)
    with pytest.raises(Refused, match="理由"):
        session.cases.perform(case.id, Action.REOPEN)
    assert session.cases.perform(case.id, Action.REOPEN, reason="再び滞納").stage == Stage.INTAKE
    events = [e.action for e in session.cases.events(case.id)]
    assert events == ["open", "record_consent", "start_assessment", "draft_plan", "approve_plan", "close", "reopen"]


def test_a_refused_step_changes_nothing(session, household):
    case = consented_case(session, household)
    before = session.store.connection().execute("SELECT count(*) FROM change").fetchone()[0]
    with pytest.raises(Refused):
        session.cases.perform(case.id, Action.CLOSE)
    assert session.store.connection().execute("SELECT count(*) FROM change").fetchone()[0] == before
    assert session.cases.get(case.id).stage == Stage.CONSENTED


def test_verbal_consent_is_kept_but_does_not_move_the_case(session, household):
    h, principal = household
    case = session.cases.open_case(h.id, principal_id=principal.id)
    case = session.cases.record_consent(case.id, on_date="2025-04-10", method="verbal", paper_on_file=False)
    assert case.stage == Stage.INTAKE
    assert len(session.cases.consents(case.id)) == 1
    step = next(s for s in session.cases.next_steps(case.id) if s.action == Action.RECORD_CONSENT)
    assert not step.allowed and "署名済み" in step.refusal


def test_withdrawn_consent_sends_the_case_back_to_outreach(session, household):
    case = consented_case(session, household)
    session.cases.perform(case.id, Action.START_ASSESSMENT)
    case = session.cases.withdraw_consent(case.id, on_date="2025-06-01", memo="本人の申し出")
    assert case.stage == Stage.OUTREACH
    assert not session.cases.facts(case.id).has_consent


def test_one_open_case_per_household(session, household):
    h, _ = household
    session.cases.open_case(h.id)
    with pytest.raises(Refused, match="進行中"):
        session.cases.open_case(h.id)


def test_the_principal_must_belong_to_the_household(session, household):
    h, _ = household
    other = session.households.create("別の家", "本町9")
    stranger = session.households.add_person(other.id, "他人", kana="タニン", birth_date="1990-01-01", relation="本人")
    with pytest.raises(InvalidInput):
        session.cases.open_case(h.id, principal_id=stranger.id)


def test_next_steps_list_what_the_stage_allows_with_reasons(session, household):
    case = consented_case(session, household)
    steps = {s.action: s for s in session.cases.next_steps(case.id)}
    assert steps[Action.START_ASSESSMENT].allowed
    assert not steps[Action.HAND_BACK].allowed and "紹介元" in steps[Action.HAND_BACK].refusal
