"""A meeting's decisions flow into the cases in one action.

Each approved decision takes its lifecycle steps (plan approval, re-plan, closure, suspension,
hand-back) through `CaseService.perform`, so the state machine judges it exactly as it judges a
step taken by hand; the other decisions (lead agency and roles, outreach and participation
support, follow-up) are judged by `lifecycle.check_change`. Every decision applies in its own
transaction: one the rules refuse changes nothing and keeps the rule's Japanese message on the
decision, the others go through. Applying twice does nothing the second time.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from app import clock, lifecycle
from app.errors import AppError, Refused
from app.lifecycle import ChangeRequest
from app.model import Meeting, MeetingDecision
from app.services.meetings import HELD, facts_of
from app.session import Service
from app.vocab import Action, DecisionKind, DecisionOutcome, Stage

K = DecisionKind


@dataclass(frozen=True)
class Applied:
    decision_id: str
    household_id: str
    kind: str
    outcome: str
    applied: bool  # it changed the case (or, not being 了承, was recorded as seen)
    message: str  # what happened, or the rule's refusal


class MeetingApplyService(Service):
    def apply(self, meeting_id: str) -> list[Applied]:
        meeting = self.session.meetings.get(meeting_id)
        results = []
        for decision in self.session.meetings.decisions_of(meeting_id):
            if decision.applied_on:
                continue
            results.append(self._one(meeting, decision))
        if meeting.status != HELD:
            self.session.meetings.set_held(meeting_id)
        return results

    def _one(self, meeting: Meeting, decision: MeetingDecision) -> Applied:
        today = clock.today().isoformat()
        me = self.session.me or None
        try:
            with self.store.write() as records:
                message = self._flow(meeting, decision)
                records.update("meeting_decision", decision.id, {"applied_on": today, "applied_by": me,
                                                                  "refusal": None})
                self.session.audit(records, "change", entity="meeting_decision", entity_id=decision.id,
                                   household_id=decision.household_id, detail=f"applied:{decision.kind}")
            ok = True
        except AppError as exc:  # the rule's own words; nothing of this decision was written
            message = exc.message
            with self.store.write() as records:
                records.update("meeting_decision", decision.id, {"refusal": message})
                self.session.audit(records, "change", entity="meeting_decision", entity_id=decision.id,
                                   household_id=decision.household_id, detail=f"refused:{decision.kind}")
            ok = False
        self.session.changed({decision.household_id})
        return Applied(decision.id, decision.household_id, decision.kind, decision.outcome, ok, message)

    def _flow(self, meeting: Meeting, decision: MeetingDecision) -> str:
        if decision.outcome != DecisionOutcome.APPROVED.value:
            label = DecisionOutcome(decision.outcome).label
            return f"結論が「{label}」のため、ケースはそのままです（次回の検討日: {decision.next_review_on or '未定'}）。"
        kind = K(decision.kind)
        cases = self.session.cases
        case = cases.get(decision.case_id)
        if kind in (K.PLAN, K.REPLAN):
            return self._plan(meeting, decision, kind)
        if kind == K.CLOSURE:
            cases.perform(case.id, Action.CLOSE, decision_id=decision.id, reason=decision.notes or decision.memo,
                          follow_up_on=decision.follow_up_on, lead_agency_id=decision.lead_agency_id,
                          follow_up_note=decision.memo)
            return "終結しました。"
        if kind == K.SUSPENSION:
            cases.perform(case.id, Action.SUSPEND, decision_id=decision.id, reason=decision.notes or decision.memo)
            return "中断しました。"
        if kind == K.HAND_BACK:
            referrer = case.referring_agency_id
            cases.perform(case.id, Action.HAND_BACK, decision_id=decision.id,
                          reason=decision.notes or decision.memo or "会議でつなぎもどしを決定")
            if referrer:
                self._case_values(case.id, case.household_id, {"lead_agency_id": referrer})
            return "紹介元の機関につなぎもどしました。"
        if kind == K.OUTREACH_START and case.stage_enum == Stage.INTAKE:
            cases.perform(case.id, Action.START_OUTREACH, decision_id=decision.id)
            return "アウトリーチを開始しました。"
        return self._change(meeting, decision, kind)

    def _plan(self, meeting: Meeting, decision: MeetingDecision, kind: DecisionKind) -> str:
        cases = self.session.cases
        case = cases.get(decision.case_id)
        # The step that puts the plan before the meeting is taken here too, so one decision
        # carries a finished plan (or an outreach plan before consent) all the way.
        if kind == K.PLAN and case.stage_enum in (Stage.ASSESSMENT, Stage.OUTREACH):
            cases.perform(case.id, Action.DRAFT_PLAN)
        if kind == K.REPLAN and case.stage_enum == Stage.IN_SUPPORT:
            cases.perform(case.id, Action.START_REPLAN, reason=decision.notes or "会議で再プランを了承")
        current = self.session.forms.current_plan(case.id)
        if current is None or current.id != decision.plan_id:
            raise Refused("会議で了承されたのは現在のプランではありません。")
        case = cases.perform(case.id, Action.APPROVE_PLAN, decision_id=decision.id)
        plan = self.session.forms.get(current.id)
        reported = case.stage_enum == Stage.IN_SUPPORT
        lead = plan.answers.get("lead_agency_id") or _lead_of(plan.answers.get("roles"))
        if lead:
            self._case_values(case.id, case.household_id, {"lead_agency_id": lead})
        if reported:
            return "プランを了承し確定しました（市にプランを報告）。"
        return "プランを了承しました（市の支援決定を待ちます）。"

    def _change(self, meeting: Meeting, decision: MeetingDecision, kind: DecisionKind) -> str:
        case = self.session.cases.get(decision.case_id)
        facts = self.session.cases.facts(case.id)
        follow = dt.date.fromisoformat(decision.follow_up_on) if decision.follow_up_on else None
        refusal = lifecycle.check_change(facts, facts_of(meeting, decision),
                                         ChangeRequest(kind, decision.lead_agency_id, follow))
        if refusal:
            raise Refused(refusal)
        if kind == K.LEAD_CHANGE:
            self._case_values(case.id, case.household_id, {"lead_agency_id": decision.lead_agency_id})
            return "主担当機関と役割分担を変更しました。"
        if kind == K.FOLLOW_UP:
            self._case_values(case.id, case.household_id, {"follow_up_on": decision.follow_up_on,
                                                           "follow_up_note": decision.memo or case.follow_up_note})
            return "フォローアップ日を設定しました。"
        return {K.OUTREACH_START: "アウトリーチ等事業を開始しました。", K.OUTREACH_STOP: "アウトリーチ等事業を終了しました。",
                K.PARTICIPATION_START: "参加支援を開始しました。", K.PARTICIPATION_STOP: "参加支援を終了しました。",
                K.DISCUSSION: "協議の内容を記録しました。"}.get(kind, "記録しました。")

    def _case_values(self, case_id: str, household_id: str, values: dict) -> None:
        with self.store.write() as records:
            records.update("case", case_id, values)
            self.session.audit(records, "change", entity="case", entity_id=case_id, household_id=household_id,
                               detail="meeting")


def _lead_of(roles) -> str | None:
    for row in roles or []:
        if isinstance(row, dict) and row.get("lead") and row.get("agency_id"):
            return row["agency_id"]
    return None


def current_roles(session, case_id: str) -> list[dict]:
    """The case's 役割分担: the last applied change of roles since the current plan was approved,
    else the current plan's."""
    plan = session.forms.current_plan(case_id)
    since = (plan.answers.get("meeting_on") or plan.completed_on or "") if plan else ""
    for decision in reversed(session.meetings.decisions_for_case(case_id)):
        if (decision.kind == K.LEAD_CHANGE and decision.applied_on and not decision.refusal and decision.roles
                and (decision.decided_on or "") >= str(since)):
            return [dict(r) for r in decision.roles if isinstance(r, dict)]
    roles = plan.answers.get("roles") if plan else None
    return [dict(r) for r in roles if isinstance(r, dict)] if isinstance(roles, list) else []


def programmes(session, case_id: str) -> dict[str, bool]:
    """Whether outreach and participation support are running, from the applied decisions."""
    state = {"outreach": False, "participation": False}
    switches = {K.OUTREACH_START: ("outreach", True), K.OUTREACH_STOP: ("outreach", False),
                K.PARTICIPATION_START: ("participation", True), K.PARTICIPATION_STOP: ("participation", False)}
    for decision in session.meetings.decisions_for_case(case_id):
        if decision.applied_on and not decision.refusal and decision.kind in switches:
            name, value = switches[K(decision.kind)]
            state[name] = value
    return state
