"""Every rule of the case lifecycle, allowed and refused, on the pure state machine."""

from __future__ import annotations

import datetime as dt

import pytest

from app.lifecycle import RULES, CaseFacts, DecisionFacts, PlanFacts, Request, allowed_actions, check
from app.vocab import Action, DecisionKind, DecisionOutcome, EvaluationDecision, MeetingKind, Stage

S = Stage
TODAY = dt.date(2025, 4, 1)
PLAIN_PLAN = PlanFacts("plan1", uses_outreach=False, uses_participation=False)
OUTREACH_PLAN = PlanFacts("plan1", uses_outreach=True, uses_participation=False)
PARTICIPATION_PLAN = PlanFacts("plan1", uses_outreach=False, uses_participation=True)


def coordination(kind=DecisionKind.PLAN, outcome=DecisionOutcome.APPROVED, plan="plan1", **kw) -> DecisionFacts:
    base = dict(meeting_kind=MeetingKind.COORDINATION, kind=kind, outcome=outcome, plan_id=plan,
                all_acknowledged=True, has_city=True, has_coordinator=True)
    base.update(kw)
    return DecisionFacts("d1", **base)


def support_meeting(kind=DecisionKind.PLAN, acknowledged=True, plan="plan1") -> DecisionFacts:
    return DecisionFacts("d1", MeetingKind.SUPPORT, kind, DecisionOutcome.APPROVED, plan, acknowledged, True, True)


def facts(stage, **kw) -> CaseFacts:
    return CaseFacts(stage=stage, **kw)


def ok(f, action, **req):
    verdict = check(f, Request(action, **req))
    assert verdict.allowed, verdict.refusal
    return verdict


def refused(f, action, **req) -> str:
    verdict = check(f, Request(action, **req))
    assert not verdict.allowed and verdict.refusal
    return verdict.refusal


# -- stages ------------------------------------------------------------------------------------

@pytest.mark.parametrize("action", list(Action))
@pytest.mark.parametrize("stage", list(Stage))
def test_an_action_from_a_stage_it_does_not_start_from_is_refused_naming_both(stage, action):
    if stage in RULES[action].sources:
        return
    message = refused(facts(stage, has_consent=True), action)
    assert stage.label in message and action.label in message


def test_every_stage_offers_something_or_is_an_end_that_can_be_reopened():
    for stage in Stage:
        assert allowed_actions(stage), stage
    assert allowed_actions(S.CLOSED) == [Action.REOPEN]


# -- intake, outreach, consent -------------------------------------------------------------------

def test_outreach_starts_from_intake_without_consent():
    assert ok(facts(S.INTAKE), Action.START_OUTREACH).target == S.OUTREACH


@pytest.mark.parametrize("stage", [S.INTAKE, S.OUTREACH])
def test_consent_moves_the_case_on_only_with_a_signed_paper_on_file(stage):
    assert ok(facts(stage, has_consent=True), Action.RECORD_CONSENT).target == S.CONSENTED
    assert "署名済み" in refused(facts(stage, consent_unsigned=True), Action.RECORD_CONSENT)
    assert "本人同意" in refused(facts(stage), Action.RECORD_CONSENT)


def test_assessment_needs_consent():
    assert ok(facts(S.CONSENTED, has_consent=True), Action.START_ASSESSMENT).target == S.ASSESSMENT
    assert "本人同意" in refused(facts(S.CONSENTED), Action.START_ASSESSMENT)


# -- drafting a plan ------------------------------------------------------------------------------

def test_a_plan_is_drafted_after_a_finished_assessment():
    f = facts(S.ASSESSMENT, has_consent=True, assessment_complete=True, plan=PLAIN_PLAN)
    assert ok(f, Action.DRAFT_PLAN).target == S.PLAN_DRAFTED
    assert "アセスメント" in refused(facts(S.ASSESSMENT, has_consent=True, plan=PLAIN_PLAN), Action.DRAFT_PLAN)
    assert "まだ作成" in refused(facts(S.ASSESSMENT, has_consent=True, assessment_complete=True), Action.DRAFT_PLAN)


def test_before_consent_only_an_outreach_plan_can_be_drafted():
    assert ok(facts(S.OUTREACH, plan=OUTREACH_PLAN), Action.DRAFT_PLAN).target == S.PLAN_DRAFTED
    assert "アウトリーチ等事業" in refused(facts(S.OUTREACH, plan=PLAIN_PLAN), Action.DRAFT_PLAN)
    assert "アウトリーチ等事業" in refused(
        facts(S.OUTREACH, plan=PlanFacts("plan1", True, True)), Action.DRAFT_PLAN)
    assert "まだ作成" in refused(facts(S.OUTREACH), Action.DRAFT_PLAN)


# -- approving and confirming a plan --------------------------------------------------------------

def drafted(plan=PLAIN_PLAN, decision=None, consent=True, stage=S.PLAN_DRAFTED) -> CaseFacts:
    return facts(stage, has_consent=consent, assessment_complete=True, plan=plan,
                 decisions=(decision or coordination(),))


def test_a_plan_without_outreach_or_participation_is_confirmed_at_approval_and_reported():
    verdict = ok(drafted(), Action.APPROVE_PLAN, decision_id="d1")
    assert verdict.target == S.IN_SUPPORT
    assert set(verdict.effects) == {"plan_confirmed", "report_to_city"}


@pytest.mark.parametrize("plan", [OUTREACH_PLAN, PARTICIPATION_PLAN])
def test_a_plan_with_outreach_or_participation_waits_for_the_citys_support_decision(plan):
    verdict = ok(drafted(plan), Action.APPROVE_PLAN, decision_id="d1")
    assert verdict.target == S.PLAN_APPROVED and verdict.effects == ("plan_approved",)
    waiting = facts(S.PLAN_APPROVED, has_consent=True, plan=PlanFacts("plan1", True, False, "approved"))
    assert "支援決定" in refused(waiting, Action.CONFIRM_PLAN)
    confirmed = ok(CaseFacts(**{**waiting.__dict__, "support_decided": True}), Action.CONFIRM_PLAN)
    assert confirmed.target == S.IN_SUPPORT


def test_approval_needs_a_decision_that_exists_belongs_to_the_case_and_approves_this_plan():
    assert "指定してください" in refused(drafted(), Action.APPROVE_PLAN)
    assert "このケースのもの" in refused(drafted(), Action.APPROVE_PLAN, decision_id="other")
    assert "不承認" in refused(drafted(decision=coordination(outcome=DecisionOutcome.REJECTED)),
                               Action.APPROVE_PLAN, decision_id="d1")
    assert "継続協議" in refused(drafted(decision=coordination(outcome=DecisionOutcome.DEFERRED)),
                                 Action.APPROVE_PLAN, decision_id="d1")
    assert "現在のプラン" in refused(drafted(decision=coordination(plan="old")), Action.APPROVE_PLAN,
                                     decision_id="d1")
    assert "支援終結" in refused(drafted(decision=coordination(kind=DecisionKind.CLOSURE)), Action.APPROVE_PLAN,
                                 decision_id="d1")


def test_an_approved_plan_cannot_be_approved_again():
    f = drafted(plan=PlanFacts("plan1", False, False, "confirmed"))
    assert "案がありません" in refused(f, Action.APPROVE_PLAN, decision_id="d1")


def test_with_consent_the_plan_needs_a_coordination_meeting_with_city_and_coordinator():
    assert "重層的支援会議の決定" in refused(drafted(decision=support_meeting()), Action.APPROVE_PLAN,
                                            decision_id="d1")
    assert "市と多機関協働事業者" in refused(drafted(decision=coordination(has_city=False)), Action.APPROVE_PLAN,
                                            decision_id="d1")
    assert "市と多機関協働事業者" in refused(drafted(decision=coordination(has_coordinator=False)),
                                            Action.APPROVE_PLAN, decision_id="d1")


def test_without_consent_only_a_support_meeting_whose_attendees_all_acknowledged_may_decide():
    outreach = dict(plan=OUTREACH_PLAN, consent=False)
    assert ok(drafted(decision=support_meeting(), **outreach), Action.APPROVE_PLAN, decision_id="d1").target \
        == S.PLAN_APPROVED
    assert "重層的支援会議では検討できません" in refused(drafted(decision=coordination(), **outreach),
                                                    Action.APPROVE_PLAN, decision_id="d1")
    assert "守秘義務" in refused(drafted(decision=support_meeting(acknowledged=False), **outreach),
                                Action.APPROVE_PLAN, decision_id="d1")


def test_a_representatives_meeting_never_decides_a_case():
    rep = coordination(meeting_kind=MeetingKind.REPRESENTATIVES)
    assert "代表者会議" in refused(drafted(decision=rep), Action.APPROVE_PLAN, decision_id="d1")


# -- re-plan, closure, suspension, hand-back, reopen, withdrawal ------------------------------------

def in_support(evaluation=None, decision=None, **kw) -> CaseFacts:
    return facts(S.IN_SUPPORT, has_consent=True, plan=PlanFacts("plan1", False, False, "confirmed"),
                 evaluation=evaluation, decisions=(decision,) if decision else (), **kw)


def test_replan_needs_an_evaluation_that_decided_to_replan():
    assert ok(in_support(EvaluationDecision.REPLAN), Action.START_REPLAN).target == S.REPLANNING
    assert "再プラン" in refused(in_support(EvaluationDecision.CONTINUE), Action.START_REPLAN)
    assert "プラン評価" in refused(in_support(), Action.START_REPLAN)


def test_a_replan_is_approved_by_a_replan_decision_not_a_plan_decision():
    f = facts(S.REPLANNING, has_consent=True, plan=PlanFacts("plan2", False, False, "complete"),
              decisions=(coordination(kind=DecisionKind.REPLAN, plan="plan2"),))
    assert ok(f, Action.APPROVE_PLAN, decision_id="d1").target == S.IN_SUPPORT
    wrong = CaseFacts(**{**f.__dict__, "decisions": (coordination(kind=DecisionKind.PLAN, plan="plan2"),)})
    assert "再プラン了承" in refused(wrong, Action.APPROVE_PLAN, decision_id="d1")


def test_closure_needs_evaluation_coordination_decision_follow_up_and_a_lead_agency():
    closure = coordination(kind=DecisionKind.CLOSURE, plan=None)
    f = in_support(EvaluationDecision.CLOSE, closure, lead_agency=True)
    verdict = ok(f, Action.CLOSE, decision_id="d1", follow_up_on=TODAY)
    assert verdict.target == S.CLOSED and "follow_up" in verdict.effects
    assert "プラン評価" in refused(in_support(EvaluationDecision.CONTINUE, closure, lead_agency=True),
                                  Action.CLOSE, decision_id="d1", follow_up_on=TODAY)
    assert "フォローアップ日" in refused(f, Action.CLOSE, decision_id="d1")
    assert "主担当機関" in refused(in_support(EvaluationDecision.CLOSE, closure), Action.CLOSE, decision_id="d1",
                                  follow_up_on=TODAY)
    assert ok(in_support(EvaluationDecision.CLOSE, closure), Action.CLOSE, decision_id="d1", follow_up_on=TODAY,
              lead_agency_id="a1")
    assert "重層的支援会議の決定" in refused(
        in_support(EvaluationDecision.CLOSE, support_meeting(kind=DecisionKind.CLOSURE), lead_agency=True),
        Action.CLOSE, decision_id="d1", follow_up_on=TODAY)


@pytest.mark.parametrize("stage", sorted(RULES[Action.SUSPEND].sources))
def test_suspension_needs_a_meeting_decision_from_any_active_stage(stage):
    consented = stage not in (S.INTAKE, S.OUTREACH)
    decision = (coordination if consented else support_meeting)(kind=DecisionKind.SUSPENSION, plan=None)
    f = facts(stage, has_consent=consented, decisions=(decision,))
    assert ok(f, Action.SUSPEND, decision_id="d1").target == S.SUSPENDED
    assert "中断" in refused(facts(stage, has_consent=consented), Action.SUSPEND)


def test_hand_back_needs_the_referring_agency_and_a_reason():
    assert ok(facts(S.INTAKE, referring_agency=True), Action.HAND_BACK, reason="紹介元で対応").target == S.HANDED_BACK
    assert "紹介元" in refused(facts(S.INTAKE), Action.HAND_BACK, reason="理由")
    assert "理由" in refused(facts(S.INTAKE, referring_agency=True), Action.HAND_BACK, reason="  ")


@pytest.mark.parametrize("stage", [S.CLOSED, S.SUSPENDED, S.HANDED_BACK])
def test_an_ended_case_can_be_reopened_with_a_reason(stage):
    assert ok(facts(stage), Action.REOPEN, reason="状況が変わった").target == S.INTAKE
    assert "理由" in refused(facts(stage), Action.REOPEN)


def test_withdrawing_consent_returns_the_case_to_pre_consent_outreach():
    assert ok(in_support(), Action.WITHDRAW_CONSENT).target == S.OUTREACH
    assert "撤回する本人同意" in refused(facts(S.ASSESSMENT), Action.WITHDRAW_CONSENT)
