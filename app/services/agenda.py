"""The agenda a meeting is proposed: what is due by its date (seed 001 §6-6(2)③ and (3)).

* a finished plan awaiting approval (never a draft) — or, before consent, an outreach plan;
* a re-plan (a new finished plan for a case in support);
* closure and suspension as a plan evaluation (様式2-2) proposed them;
* a monitoring date passed, a follow-up date after closure reached;
* a household an agency referred, not yet discussed;
* a review date a meeting set (継続協議 included).

Each household appears once, under its most pressing reason. A household whose rules need a
part the sitting does not hold (no consent, and no 支援会議 part) is left out: it could not be
discussed there.
"""

from __future__ import annotations

from dataclasses import dataclass

from app.session import Service
from app.vocab import AgendaReason, MeetingKind, Stage
from storage import agenda_query

R = AgendaReason
PRIORITY = (R.PLAN, R.OUTREACH_PLAN, R.REPLAN, R.CLOSURE, R.SUSPENSION, R.REVIEW, R.MONITORING, R.REFERRAL,
            R.FOLLOW_UP)
ACTIVE = {s.value for s in Stage} - {Stage.CLOSED.value, Stage.SUSPENDED.value, Stage.HANDED_BACK.value}
# Plain strings: the rules below run once per candidate case.
ASSESSMENT, PLAN_DRAFTED, OUTREACH = Stage.ASSESSMENT.value, Stage.PLAN_DRAFTED.value, Stage.OUTREACH.value
IN_SUPPORT, REPLANNING, INTAKE, CLOSED = (Stage.IN_SUPPORT.value, Stage.REPLANNING.value, Stage.INTAKE.value,
                                          Stage.CLOSED.value)
SETTLED = ("approved", "rejected")
REPRESENTATIVES = MeetingKind.REPRESENTATIVES.value  # a deferred (継続協議) decision leaves the matter open


@dataclass(frozen=True)
class Proposal:
    household_id: str
    household_name: str
    case_id: str
    reason: str  # an AgendaReason code
    due_on: str | None
    consented: bool
    part: str  # the rule class of the part that must discuss it
    plan_id: str | None = None

    @property
    def label(self) -> str:
        return AgendaReason(self.reason).label


class AgendaService(Service):
    def propose(self, meeting_id: str) -> list[Proposal]:
        meeting = self.session.meetings.get(meeting_id)
        return self.propose_for(meeting.held_on or "", meeting.rules(), exclude={
            i.household_id for i in meeting.agenda_list()})

    def propose_for(self, on: str, rules: set[str], *, exclude: set[str] = frozenset()) -> list[Proposal]:
        if REPRESENTATIVES in rules:
            return []
        conn = self.store.connection()
        cases = [row for row in agenda_query.candidates(conn, on) if row.household_id not in exclude]
        evaluations = agenda_query.evaluations(conn)
        decisions = agenda_query.decisions(conn, [row.case_id for row in cases])
        found: list[tuple[int, agenda_query.CaseRow, AgendaReason, str | None]] = []
        for row in cases:
            reason, due = _reason(row, evaluations.get(row.case_id), decisions.get(row.case_id, ()), on)
            if reason is not None:
                found.append((RANK[reason], row, reason, due))
        names = agenda_query.household_names(conn, {row.household_id for _, row, _, _ in found})
        consented = agenda_query.consented(conn, [row.case_id for _, row, _, _ in found])
        out = []
        for _, row, reason, due in sorted(found, key=lambda f: (f[0], f[3] or "", names.get(f[1].household_id, ""))):
            has_consent = row.case_id in consented
            part = _part(rules, has_consent, reason)
            if part is None:
                continue
            out.append(Proposal(row.household_id, names.get(row.household_id, ""), row.case_id, CODE[reason], due,
                                has_consent, part, row.plan_id if reason in WITH_PLAN else None))
        return out


SUPPORT, COORDINATION = MeetingKind.SUPPORT.value, MeetingKind.COORDINATION.value
DECIDING = frozenset({R.PLAN, R.REPLAN, R.CLOSURE, R.SUSPENSION})
WITH_PLAN = frozenset({R.PLAN, R.REPLAN, R.OUTREACH_PLAN})
RANK = {reason: n for n, reason in enumerate(PRIORITY)}
CODE = {reason: reason.value for reason in AgendaReason}


def _part(rules: set[str], consented: bool, reason: AgendaReason) -> str | None:
    support, coordination = SUPPORT, COORDINATION
    if not consented:
        return support if support in rules else None
    if coordination in rules:
        return coordination
    # a 支援会議 alone may share information on a consented case, but decides nothing for it
    deciding = reason in DECIDING
    return None if deciding else (support if support in rules else None)


def _settled(decisions, kind: str, *, plan_id: str | None = None, since: str | None = None) -> bool:
    for d in decisions:
        if d.kind != kind or d.outcome not in SETTLED:
            continue
        if plan_id is not None and d.plan_id != plan_id:
            continue
        if since is not None and (d.decided_on or "") < since:
            continue
        return True
    return False


def _reason(row, evaluation, decisions, on: str) -> tuple[AgendaReason | None, str | None]:
    stage = row.stage
    if row.plan_status == "complete":
        if stage in (ASSESSMENT, PLAN_DRAFTED) and not _settled(decisions, "plan", plan_id=row.plan_id):
            return R.PLAN, None
        if stage == OUTREACH and not _settled(decisions, "plan", plan_id=row.plan_id):
            return R.OUTREACH_PLAN, None
        if stage in (IN_SUPPORT, REPLANNING) and not _settled(
                decisions, "replan", plan_id=row.plan_id):
            return R.REPLAN, None
    if evaluation is not None and stage in ACTIVE:
        plan_id, decided, on_date = evaluation
        if plan_id == row.plan_id or plan_id is None:
            if decided == "close" and stage == IN_SUPPORT and not _settled(decisions, "closure", since=on_date):
                return R.CLOSURE, on_date
            if decided == "suspend" and not _settled(decisions, "suspension", since=on_date):
                return R.SUSPENSION, on_date
    if decisions:
        last = decisions[-1]
        if last.next_review_on and last.next_review_on <= on and last.decided_on and last.decided_on < on:
            return R.REVIEW, last.next_review_on
    if stage == IN_SUPPORT and _passed(row.monitoring_on, on, decisions):
        return R.MONITORING, row.monitoring_on
    if stage == INTAKE and (row.route == "agency" or row.referring_agency_id) and not decisions:
        return R.REFERRAL, None
    if stage == CLOSED and _passed(row.follow_up_on, on, decisions):
        return R.FOLLOW_UP, row.follow_up_on
    return None, None


def _passed(due, on: str, decisions) -> bool:
    """The date has come by the meeting, and no meeting has looked at the case since."""
    if not isinstance(due, str) or due > on:
        return False
    return not any((d.decided_on or "") >= due for d in decisions)
