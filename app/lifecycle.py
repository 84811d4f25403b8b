"""The case lifecycle as one explicit state machine.

    intake ─▶ outreach (before consent) ─▶ consented ─▶ assessment ─▶ plan drafted
      │            └───────── outreach plan (seed 001 §6-4(4)①) ──────────┘   │
      │                                          meeting approves the plan ◀──┘
      │                  plan uses outreach / participation? ─ yes ─▶ plan approved
      │                                      │ no (reported to the city)      │ city's
      │                                      ▼                                ▼ support decision
      │                               in support (monitoring) ◀──────────────┘
      │                                  │        ▲ re-plan approved
      │                                  ├─▶ re-planning
      ▼                                  ▼
    hand-back · suspension · closure (each end state can be re-opened)

Rules come from DESIGN.md and seed 001 (§6 and the plan-confirmation table):

* A plan is confirmed only after a meeting approved it. With consent that meeting is a
  coordination meeting (重層的支援会議), which the city and the multi-agency coordinator attend.
  Without consent only a support meeting (支援会議) may discuss the case, and only when every
  attendee has acknowledged the confidentiality duty of 法106条の6; before consent the only
  plan possible is an outreach plan (seed 001 §6-4(4)①).
* A plan that uses outreach or participation support also needs the city's support decision;
  a plan that uses neither is confirmed at approval and reported to the city.
* Re-plan, closure and suspension each need a meeting decision (the same meeting rule);
  re-plan and closure also need a plan evaluation (様式2-2) that decided so.
* Closure sets a follow-up date and the agency that keeps accompanying the household.

Everything here is pure: `check` takes the facts and a request, and returns a verdict with
the next stage or a refusal in Japanese. Services gather the facts and apply the verdict.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field

from app.vocab import Action, DecisionKind, DecisionOutcome, EvaluationDecision, MeetingKind, Stage


@dataclass(frozen=True)
class PlanFacts:
    id: str
    uses_outreach: bool
    uses_participation: bool
    status: str = "complete"  # complete | approved | confirmed (a draft is never the current plan)

    @property
    def pending(self) -> bool:
        return self.status == "complete"

    @property
    def needs_support_decision(self) -> bool:
        return self.uses_outreach or self.uses_participation


@dataclass(frozen=True)
class DecisionFacts:
    id: str
    meeting_kind: MeetingKind
    kind: DecisionKind
    outcome: DecisionOutcome
    plan_id: str | None = None
    all_acknowledged: bool = False
    has_city: bool = False
    has_coordinator: bool = False


@dataclass(frozen=True)
class CaseFacts:
    stage: Stage
    has_consent: bool = False
    consent_unsigned: bool = False  # consent was recorded but no signed 様式1-1 is on file
    assessment_complete: bool = False
    plan: PlanFacts | None = None
    evaluation: EvaluationDecision | None = None  # of the current plan
    decisions: tuple[DecisionFacts, ...] = ()
    support_decided: bool = False  # for the current plan
    referring_agency: bool = False
    lead_agency: bool = False


@dataclass(frozen=True)
class Request:
    action: Action
    decision_id: str | None = None
    reason: str | None = None
    follow_up_on: dt.date | None = None
    lead_agency_id: str | None = None


@dataclass(frozen=True)
class Verdict:
    action: Action
    target: Stage | None
    refusal: str | None = None
    effects: tuple[str, ...] = ()

    @property
    def allowed(self) -> bool:
        return self.refusal is None


Guard = Callable[[CaseFacts, Request], str | None]


@dataclass(frozen=True)
class Rule:
    sources: frozenset[Stage]
    target: Stage
    guards: tuple[Guard, ...] = field(default=())


# -- guards ---------------------------------------------------------------------------------

def _consent_recorded(facts: CaseFacts, request: Request) -> str | None:
    if facts.has_consent:
        return None
    if facts.consent_unsigned:
        return "本人同意は記録されていますが、署名済みの様式1-1（相談受付・申込票）の保管が記録されていません。"
    return "本人同意（様式1-1 相談受付・申込票）が記録されていません。"


def _assessment_or_outreach_plan(facts: CaseFacts, request: Request) -> str | None:
    if facts.stage == Stage.OUTREACH:
        if facts.plan is None:
            return "プラン（様式2-1）がまだ作成されていません。"
        if not facts.plan.uses_outreach or facts.plan.uses_participation:
            return "本人同意の前に作成できるのは、アウトリーチ等事業によるプランだけです。"
        return None
    if not facts.assessment_complete:
        return "インテーク・アセスメントシート（様式1-2）が完成していないため、プランを作成できません。"
    if facts.plan is None:
        return "プラン（様式2-1）がまだ作成されていません。"
    return None


def _meeting_rule(facts: CaseFacts, decision: DecisionFacts) -> str | None:
    if decision.meeting_kind == MeetingKind.REPRESENTATIVES:
        return "代表者会議では個別ケースの決定はできません。"
    if facts.has_consent:
        if decision.meeting_kind != MeetingKind.COORDINATION:
            return "本人同意のあるケースのこの決定には、重層的支援会議の決定が必要です。"
        if not (decision.has_city and decision.has_coordinator):
            return "重層的支援会議には、市と多機関協働事業者の出席が必要です。"
        return None
    if decision.meeting_kind != MeetingKind.SUPPORT:
        return "本人同意のないケースは重層的支援会議では検討できません。支援会議で検討してください。"
    if not decision.all_acknowledged:
        return "支援会議の出席者全員が守秘義務（社会福祉法第106条の6）を確認していないため、この決定は使えません。"
    return None


def _decision(kinds_for: Callable[[CaseFacts], tuple[DecisionKind, ...]], *, for_plan: bool) -> Guard:
    def guard(facts: CaseFacts, request: Request) -> str | None:
        kinds = kinds_for(facts)
        wanted = "・".join(k.label for k in kinds)
        if for_plan and (facts.plan is None or not facts.plan.pending):
            return "会議で了承するプラン（様式2-1）の案がありません。"
        if request.decision_id is None:
            return f"会議での「{wanted}」の決定を指定してください。"
        found = next((d for d in facts.decisions if d.id == request.decision_id), None)
        if found is None:
            return "指定された会議の決定は、このケースのものではありません。"
        if found.kind not in kinds:
            return f"指定された決定は「{found.kind.label}」です。「{wanted}」の決定が必要です。"
        if found.outcome != DecisionOutcome.APPROVED:
            return f"会議の結論が「{found.outcome.label}」のため、進められません。"
        if for_plan and (facts.plan is None or found.plan_id != facts.plan.id):
            return "会議で了承されたのは現在のプランではありません。"
        return _meeting_rule(facts, found)

    return guard


def _plan_decision_kind(facts: CaseFacts) -> tuple[DecisionKind, ...]:
    return (DecisionKind.REPLAN,) if facts.stage == Stage.REPLANNING else (DecisionKind.PLAN,)


def _support_decided(facts: CaseFacts, request: Request) -> str | None:
    if facts.plan is None:
        return "確定するプランがありません。"
    if not facts.support_decided:
        return "アウトリーチ等事業・参加支援事業を含むプランには、市の支援決定が必要です。"
    return None


def _evaluated(decision: EvaluationDecision) -> Guard:
    def guard(facts: CaseFacts, request: Request) -> str | None:
        if facts.evaluation != decision:
            return f"プラン評価（様式2-2）で「{decision.label}」と判断されていません。"
        return None

    return guard


def _follow_up(facts: CaseFacts, request: Request) -> str | None:
    if request.follow_up_on is None:
        return "終結後のフォローアップ日を入力してください。"
    if not (facts.lead_agency or request.lead_agency_id):
        return "終結後に伴走を続ける主担当機関を指定してください。"
    return None


def _referring_agency(facts: CaseFacts, request: Request) -> str | None:
    if not facts.referring_agency:
        return "つなぎもどしには、紹介元の支援関係機関の記録が必要です。"
    return None


def _reason(facts: CaseFacts, request: Request) -> str | None:
    if not (request.reason or "").strip():
        return "理由を入力してください。"
    return None


def _has_consent_now(facts: CaseFacts, request: Request) -> str | None:
    if not facts.has_consent:
        return "撤回する本人同意がありません。"
    return None


S = Stage
ACTIVE_WITH_CONSENT = frozenset(
    {S.CONSENTED, S.ASSESSMENT, S.PLAN_DRAFTED, S.PLAN_APPROVED, S.IN_SUPPORT, S.REPLANNING}
)
SUSPENDABLE = ACTIVE_WITH_CONSENT | {S.INTAKE, S.OUTREACH}

RULES: dict[Action, Rule] = {
    Action.START_OUTREACH: Rule(frozenset({S.INTAKE}), S.OUTREACH),
    Action.RECORD_CONSENT: Rule(frozenset({S.INTAKE, S.OUTREACH}), S.CONSENTED, (_consent_recorded,)),
    Action.START_ASSESSMENT: Rule(frozenset({S.CONSENTED}), S.ASSESSMENT, (_consent_recorded,)),
    Action.DRAFT_PLAN: Rule(frozenset({S.ASSESSMENT, S.OUTREACH}), S.PLAN_DRAFTED, (_assessment_or_outreach_plan,)),
    Action.APPROVE_PLAN: Rule(
        frozenset({S.PLAN_DRAFTED, S.REPLANNING}),
        S.IN_SUPPORT,  # or PLAN_APPROVED: decided in `check`
        (_decision(_plan_decision_kind, for_plan=True),),
    ),
    Action.CONFIRM_PLAN: Rule(frozenset({S.PLAN_APPROVED}), S.IN_SUPPORT, (_support_decided,)),
    Action.START_REPLAN: Rule(frozenset({S.IN_SUPPORT}), S.REPLANNING, (_evaluated(EvaluationDecision.REPLAN),)),
    Action.CLOSE: Rule(
        frozenset({S.IN_SUPPORT}),
        S.CLOSED,
        (_evaluated(EvaluationDecision.CLOSE), _decision(lambda f: (DecisionKind.CLOSURE,), for_plan=False), _follow_up),
    ),
    Action.SUSPEND: Rule(SUSPENDABLE, S.SUSPENDED, (_decision(lambda f: (DecisionKind.SUSPENSION,), for_plan=False),)),
    Action.HAND_BACK: Rule(
        frozenset({S.INTAKE, S.OUTREACH, S.CONSENTED, S.ASSESSMENT, S.PLAN_DRAFTED}),
        S.HANDED_BACK,
        (_referring_agency, _reason),
    ),
    Action.REOPEN: Rule(frozenset({S.CLOSED, S.SUSPENDED, S.HANDED_BACK}), S.INTAKE, (_reason,)),
    Action.WITHDRAW_CONSENT: Rule(ACTIVE_WITH_CONSENT, S.OUTREACH, (_has_consent_now,)),
}


def allowed_actions(stage: Stage) -> list[Action]:
    """The actions a case at this stage may attempt (their guards may still refuse)."""
    return [action for action, rule in RULES.items() if stage in rule.sources]


def check(facts: CaseFacts, request: Request) -> Verdict:
    rule = RULES[request.action]
    if facts.stage not in rule.sources:
        options = "、".join(a.label for a in allowed_actions(facts.stage)) or "なし"
        return Verdict(
            request.action,
            None,
            f"「{facts.stage.label}」の段階では「{request.action.label}」はできません。"
            f"（この段階でできること: {options}）",
        )
    for guard in rule.guards:
        refusal = guard(facts, request)
        if refusal is not None:
            return Verdict(request.action, None, refusal)
    return _with_effects(facts, request, rule)


def _with_effects(facts: CaseFacts, request: Request, rule: Rule) -> Verdict:
    if request.action == Action.APPROVE_PLAN:
        assert facts.plan is not None
        if facts.plan.needs_support_decision:
            return Verdict(request.action, S.PLAN_APPROVED, effects=("plan_approved",))
        return Verdict(request.action, S.IN_SUPPORT, effects=("plan_confirmed", "report_to_city"))
    if request.action == Action.CONFIRM_PLAN:
        return Verdict(request.action, rule.target, effects=("plan_confirmed",))
    if request.action == Action.CLOSE:
        return Verdict(request.action, rule.target, effects=("follow_up",))
    return Verdict(request.action, rule.target)


# -- decisions that change the case without a step -------------------------------------------

K = DecisionKind
# What each meeting decision does to the case once approved: the steps it takes, in order.
DECISION_STEPS: dict[DecisionKind, tuple[Action, ...]] = {
    K.PLAN: (Action.DRAFT_PLAN, Action.APPROVE_PLAN),
    K.REPLAN: (Action.START_REPLAN, Action.APPROVE_PLAN),
    K.CLOSURE: (Action.CLOSE,),
    K.SUSPENSION: (Action.SUSPEND,),
    K.HAND_BACK: (Action.HAND_BACK,),
}


@dataclass(frozen=True)
class ChangeRequest:
    kind: DecisionKind
    lead_agency_id: str | None = None
    follow_up_on: dt.date | None = None


def check_change(facts: CaseFacts, decision: DecisionFacts, request: ChangeRequest) -> str | None:
    """The refusal, in Japanese, for a decision that changes the lead agency and roles, starts or
    stops outreach or participation support, or sets a follow-up; None when it may flow into
    the case. The meeting rule is the same as for the steps (consent decides which meeting)."""
    if decision.outcome != DecisionOutcome.APPROVED:
        return f"会議の結論が「{decision.outcome.label}」のため、ケースには反映しません。"
    refusal = _meeting_rule(facts, decision)
    if refusal is not None:
        return refusal
    kind, stage = request.kind, facts.stage
    if kind == K.LEAD_CHANGE:
        if stage in (S.SUSPENDED, S.HANDED_BACK):
            return f"「{stage.label}」のケースの主担当は変更できません。再開してから変更してください。"
        if not request.lead_agency_id:
            return "新しい主担当機関を指定してください。"
    elif kind in (K.OUTREACH_START, K.PARTICIPATION_START):
        if stage in (S.CLOSED, S.SUSPENDED, S.HANDED_BACK):
            return f"「{stage.label}」のケースでは事業を始められません。再開してから決めてください。"
        if kind == K.PARTICIPATION_START and not facts.has_consent:
            return "本人同意の前に始められるのはアウトリーチ等事業だけです。参加支援は本人同意の後に始めます。"
        if facts.has_consent:
            plan = facts.plan
            uses = plan is not None and (plan.uses_outreach if kind == K.OUTREACH_START else plan.uses_participation)
            if not uses:
                name = "アウトリーチ等事業" if kind == K.OUTREACH_START else "参加支援事業"
                return f"プラン（様式2-1）に{name}の利用が記載されていません。再プランで記載してください。"
    elif kind == K.FOLLOW_UP:
        if stage != S.CLOSED:
            return "フォローアップは終結したケースについて決めます。"
        if request.follow_up_on is None:
            return "フォローアップ日を入力してください。"


# -- a step another device took ----------------------------------------------------------------

OPEN = "open"  # the first event of every case: none → intake
_NEEDS_DECISION = (Action.APPROVE_PLAN, Action.CLOSE, Action.SUSPEND)
_NEEDS_REASON = (Action.HAND_BACK, Action.REOPEN)


def received_step_refusal(action: str | None, from_stage: str | None, to_stage: str | None,
                          decision_id: str | None, reason: str | None) -> str | None:
    """Why a step received from another device could not have been taken here, or None.

    The same rules as `check`, as far as the step itself shows them: the action exists, it
    starts from a stage it may start from and leads where it leads, and it names the meeting
    decision or the reason it needs. What the other device knew (its consents, plans,
    meetings) is not re-judged: they may reach this device later than the step."""
    if action == OPEN:
        return None if from_stage is None and to_stage == Stage.INTAKE.value else "ケースの開始が不正です。"
    try:
        step = Action(action)
        source = Stage(from_stage)
        target = Stage(to_stage)
    except ValueError:
        return "この版の yorisoi が知らない段階の変更です。"
    rule = RULES[step]
    if source not in rule.sources:
        return f"「{source.label}」の段階では「{step.label}」はできません。"
    targets = {S.IN_SUPPORT, S.PLAN_APPROVED} if step == Action.APPROVE_PLAN else {rule.target}
    if target not in targets:
        return f"「{step.label}」で「{target.label}」にはなりません。"
    if step in _NEEDS_DECISION and not decision_id:
        return f"「{step.label}」に必要な会議の決定が記録されていません。"
    if step in _NEEDS_REASON and not (reason or "").strip():
        return f"「{step.label}」に必要な理由が記録されていません。"
    return None
