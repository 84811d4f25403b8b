"""Cases and their lifecycle: gather the facts, ask `app.lifecycle`, apply its verdict."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from app import clock, lifecycle, validate
from app.errors import InvalidInput, NotFound, Refused
from app.lifecycle import CaseFacts, PlanFacts, Request, Verdict
from app.model import Case, CaseEvent, Consent
from app.services import form_records as forms
from app.session import Service
from app.vocab import Action, ConsentMethod, EvaluationDecision, Route, Stage

END_STAGES = (Stage.CLOSED, Stage.SUSPENDED, Stage.HANDED_BACK)


@dataclass(frozen=True)
class NextStep:
    action: Action
    allowed: bool
    refusal: str | None


def consent_state(consents: list[Consent]) -> tuple[bool, bool]:
    """(has valid consent, consent given but without a signed paper on file)."""
    ordered = sorted(consents, key=lambda c: (c.on_date or "", c.stamp))
    current = ordered[-1] if ordered else None  # a later record (or correction) decides
    if current is None or current.action != "given":
        return False, False
    signed = current.method == ConsentMethod.SIGNED_PAPER.value and bool(current.paper_on_file)
    return signed, not signed


class CaseService(Service):
    def open_case(self, household_id: str, *, principal_id: str | None = None, route: str | None = None,
                  summary: str | None = None, referring_agency_id: str | None = None,
                  opened_on: str | dt.date | None = None, lead_agency_id: str | None = None) -> Case:
        household = self.session.households.get(household_id)
        current = self.current_case(household_id)
        if current is not None and current.stage_enum not in END_STAGES:
            raise Refused("この世帯にはすでに進行中のケースがあります。")
        if principal_id is not None:
            person = self.session.households.person(principal_id)
            if person.household_id != household_id:
                raise InvalidInput("本人はこの世帯の世帯員から選んでください。", "principal_id")
        values = {
            "household_id": household_id,
            "principal_id": principal_id,
            "stage": Stage.INTAKE.value,
            "route": validate.choice(route, Route, "相談経路", "route") if route else None,
            "summary": validate.optional_text(summary),
            "referring_agency_id": referring_agency_id,
            "lead_agency_id": lead_agency_id,
            "lead_staff_id": self.session.me or None,
            "opened_on": validate.date(opened_on or clock.today(), "受付日", "opened_on"),
        }
        with self.store.write() as records:
            cid = records.insert("case", values, vault_id=household.vault_id)
            self._event(records, household.vault_id, household_id, cid, "open", None, Stage.INTAKE, None, None)
            self.session.audit(records, "change", entity="case", entity_id=cid, household_id=household_id,
                               detail="open")
        self.session.changed({household_id})
        return self.get(cid)

    def get(self, case_id: str) -> Case:
        record = self.store.read().get("case", case_id)
        if record is None:
            raise NotFound(f"ケースが見つかりません（ID: {case_id}）。")
        return Case.from_record(record)

    def cases(self, household_id: str) -> list[Case]:
        rows = self.store.read().find("case", household_id=household_id, order_by="opened_on")
        return [Case.from_record(r) for r in rows]

    def current_case(self, household_id: str) -> Case | None:
        cases = self.cases(household_id)
        return cases[-1] if cases else None

    def current_case_id(self, household_id: str) -> str | None:
        case = self.current_case(household_id)
        return case.id if case else None

    def consents(self, case_id: str) -> list[Consent]:
        rows = self.store.read().find("consent", case_id=case_id, order_by="on_date")
        return [Consent.from_record(r) for r in rows]

    def events(self, case_id: str) -> list[CaseEvent]:
        rows = self.store.read().find("case_event", case_id=case_id, order_by="stamp")
        return [CaseEvent.from_record(r) for r in rows]

    # -- facts and verdicts ----------------------------------------------------------------

    def facts(self, case_id: str) -> CaseFacts:
        case = self.get(case_id)
        has_consent, unsigned = consent_state(self.consents(case_id))
        session = self.session
        assessment = [r for r in session.forms.for_case(case_id, forms.ASSESSMENT) if r.status != "draft"]
        plan_record = session.forms.current_plan(case_id)
        plan = evaluation = None
        support_decided = False
        if plan_record is not None:
            summary = forms.PlanSummary.of(plan_record)
            plan = PlanFacts(summary.id, summary.uses_outreach, summary.uses_participation, summary.status)
            # A re-plan is judged on the evaluation of the plan in force, while its successor waits.
            in_force = next((p for p in reversed(session.forms.for_case(case_id, forms.PLAN))
                             if p.status in ("approved", "confirmed")), None)
            evaluated = session.forms.evaluation_of(case_id, plan_record.id)
            if evaluated is None and in_force is not None and plan_record.status == "complete":
                evaluated = session.forms.evaluation_of(case_id, in_force.id)
            if evaluated is not None and evaluated.answers.get("decision"):
                try:
                    evaluation = EvaluationDecision.parse(evaluated.answers["decision"])
                except ValueError:
                    evaluation = None
            support_decided = any(d.kind == "decision" and d.plan_id == plan_record.id
                                  for d in session.meetings.support_decisions(case_id))
        return CaseFacts(
            stage=case.stage_enum,
            has_consent=has_consent,
            consent_unsigned=unsigned,
            assessment_complete=bool(assessment),
            plan=plan,
            evaluation=evaluation,
            decisions=session.meetings.decision_facts(case_id),
            support_decided=support_decided,
            referring_agency=bool(case.referring_agency_id),
            lead_agency=bool(case.lead_agency_id),
        )

    def next_steps(self, case_id: str) -> list[NextStep]:
        """Every action the stage offers, with whether its rules allow it now and why not.
        Actions that need a meeting decision are judged as if the right one were chosen."""
        if self.get(case_id).stage not in {stage.value for stage in Stage}:
            return []  # a stage this version does not know (a newer device's, or damage): no step offered
        facts = self.facts(case_id)
        steps = []
        for action in lifecycle.allowed_actions(facts.stage):
            verdict = lifecycle.check(facts, self._probe(facts, action))
            steps.append(NextStep(action, verdict.allowed, verdict.refusal))
        return steps

    @staticmethod
    def _probe(facts: CaseFacts, action: Action) -> Request:
        decision = next((d.id for d in reversed(facts.decisions)), None)
        return Request(action, decision_id=decision, reason="-", follow_up_on=clock.today())

    def perform(self, case_id: str, action: Action | str, *, decision_id: str | None = None,
                reason: str | None = None, follow_up_on: str | dt.date | None = None,
                lead_agency_id: str | None = None, follow_up_note: str | None = None) -> Case:
        """Take one lifecycle step or raise Refused with the rule's message."""
        action = Action(action)
        follow = validate.date(follow_up_on, "フォローアップ日", "follow_up_on")
        request = Request(action, decision_id=decision_id, reason=reason,
                          follow_up_on=dt.date.fromisoformat(follow) if follow else None,
                          lead_agency_id=lead_agency_id)
        case = self.get(case_id)
        household = self.session.households.get(case.household_id)
        with self.store.write() as records:
            facts = self.facts(case_id)
            verdict = lifecycle.check(facts, request)
            if not verdict.allowed:
                raise Refused(verdict.refusal or "")
            self._apply(records, case, household.vault_id, facts, request, verdict,
                        follow_up_note=validate.optional_text(follow_up_note))
        self.session.changed({case.household_id})
        return self.get(case_id)

    def _apply(self, records, case: Case, vault_id: str, facts: CaseFacts, request: Request,
               verdict: Verdict, *, follow_up_note: str | None) -> None:
        assert verdict.target is not None
        today = clock.today().isoformat()
        values: dict = {"stage": verdict.target.value}
        if verdict.target in END_STAGES:
            values.update(ended_on=today, end_reason=validate.optional_text(request.reason))
        if request.action == Action.REOPEN:
            values.update(ended_on=None, end_reason=None, follow_up_on=None)
        if "follow_up" in verdict.effects:
            values["follow_up_on"] = request.follow_up_on.isoformat() if request.follow_up_on else None
            values["follow_up_note"] = follow_up_note
            if request.lead_agency_id:
                values["lead_agency_id"] = request.lead_agency_id
        records.update("case", case.id, values)
        plan = facts.plan
        if plan is not None and ("plan_approved" in verdict.effects or "plan_confirmed" in verdict.effects):
            status = "confirmed" if "plan_confirmed" in verdict.effects else "approved"
            self.session.forms.set_status(records, plan.id, status)
            if status == "confirmed":
                for older in self.session.forms.for_case(case.id, forms.PLAN):
                    if older.id != plan.id and older.status in ("approved", "confirmed"):
                        self.session.forms.set_status(records, older.id, "superseded")
        if request.action == Action.APPROVE_PLAN and plan is not None:
            self._fill_office_box(records, plan.id, request.decision_id, "report_to_city" in verdict.effects, today)
        if "report_to_city" in verdict.effects and plan is not None:
            records.insert("support_decision", {
                "household_id": case.household_id, "case_id": case.id, "plan_id": plan.id, "kind": "report",
                "decided_on": today, "outreach": 0, "participation": 0,
            }, vault_id=vault_id)
        self._event(records, vault_id, case.household_id, case.id, request.action.value,
                    facts.stage, verdict.target, request.reason, request.decision_id)
        self.session.audit(records, "change", entity="case", entity_id=case.id,
                           household_id=case.household_id, detail=request.action.value)

    @staticmethod
    def _fill_office_box(records, plan_id: str, decision_id: str | None, reported: bool, today: str) -> None:
        """The plan's 事務局記入欄 comes from the records: the meeting's date, the report's date."""
        decision = records.get("meeting_decision", decision_id) if decision_id else None
        box = {"meeting_on": decision["decided_on"]} if decision and decision.get("decided_on") else {}
        if reported:
            box["report_on"] = today
        if box:
            records.update("form_record", plan_id, {"answers": box})

    def _event(self, records, vault_id, household_id, case_id, action, from_stage, to_stage, reason, decision_id):
        records.append("case_event", {
            "household_id": household_id, "case_id": case_id, "at": clock.now().isoformat(),
            "action": action, "from_stage": from_stage.value if from_stage else None,
            "to_stage": to_stage.value if to_stage else None, "reason": validate.optional_text(reason),
            "decision_id": decision_id, "staff_id": self.session.me or None,
        }, vault_id=vault_id)

    # -- consent ---------------------------------------------------------------------------

    def record_consent(self, case_id: str, *, on_date: str | dt.date, method: str = "signed_paper",
                       paper_on_file: bool = True, person_id: str | None = None,
                       scope: list | None = None, memo: str | None = None) -> Case:
        """Record the person's consent (様式1-1) and, where the stage allows, move the case on."""
        case = self.get(case_id)
        household = self.session.households.get(case.household_id)
        values = {
            "household_id": case.household_id, "case_id": case_id,
            "person_id": person_id or case.principal_id, "action": "given",
            "on_date": validate.date(on_date, "同意日", "on_date", required_=True),
            "method": validate.choice(method, ConsentMethod, "同意の方法", "method"),
            "paper_on_file": int(bool(paper_on_file)), "scope": list(scope or []),
            "recorded_by": self.session.me or None, "memo": validate.optional_text(memo),
        }
        with self.store.write() as records:
            cid = records.append("consent", values, vault_id=household.vault_id)
            self.session.audit(records, "change", entity="consent", entity_id=cid,
                               household_id=case.household_id, detail="given")
            # The consent is kept even when it cannot move the case yet (e.g. no signed paper).
            facts = self.facts(case_id)
            request = Request(Action.RECORD_CONSENT)
            verdict = lifecycle.check(facts, request)
            if verdict.allowed:
                self._apply(records, case, household.vault_id, facts, request, verdict, follow_up_note=None)
        self.session.changed({case.household_id})
        return self.get(case_id)

    def withdraw_consent(self, case_id: str, *, on_date: str | dt.date, memo: str | None = None) -> Case:
        case = self.get(case_id)
        household = self.session.households.get(case.household_id)
        values = {
            "household_id": case.household_id, "case_id": case_id, "person_id": case.principal_id,
            "action": "withdrawn", "on_date": validate.date(on_date, "撤回日", "on_date", required_=True),
            "recorded_by": self.session.me or None, "memo": validate.optional_text(memo),
        }
        with self.store.write() as records:
            facts = self.facts(case_id)
            verdict = lifecycle.check(facts, Request(Action.WITHDRAW_CONSENT))
            if not verdict.allowed:
                raise Refused(verdict.refusal or "")
            cid = records.append("consent", values, vault_id=household.vault_id)
            self._apply(records, case, household.vault_id, facts, Request(Action.WITHDRAW_CONSENT, reason=memo),
                        verdict, follow_up_note=None)
            self.session.audit(records, "change", entity="consent", entity_id=cid,
                               household_id=case.household_id, detail="withdrawn")
        self.session.changed({case.household_id})
        return self.get(case_id)
