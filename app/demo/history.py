"""One demo case's history up to its stage, every step backed by what the lifecycle's rules
require: consent before assessment, an assessment before a plan, a meeting decision before a
plan is confirmed, the city's support decision for outreach and participation plans, an
evaluation and a coordination meeting before closure."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from app.demo import form_answers
from app.demo.scenarios import VISIT_COMMON
from app.vocab import ContactKind, Outcome, Stage
from forms.prefill import prefill
from storage.records import new_id

if TYPE_CHECKING:
    from app.demo.generator import DemoHousehold


class CaseHistory:
    """One case's history up to its stage, every step backed by what the rules require."""

    def __init__(self, household: DemoHousehold, stage: Stage) -> None:
        self.h = household
        self.stage = stage
        self.rng = household.rng
        self.records = household.records
        self.day = household.today - dt.timedelta(days=self.rng.randint(40, 700))
        self.cid = new_id()
        self.plan_id: str | None = None
        self.plan_answers: dict = {}
        self.consented = False

    def _advance(self, low: int, high: int) -> dt.date:
        self.day = min(self.h.today, self.day + dt.timedelta(days=self.rng.randint(low, high)))
        return self.day

    def _event(self, action: str, before: Stage | None, after: Stage, reason: str | None = None,
               decision: str | None = None) -> None:
        at = dt.datetime.combine(self.day, dt.time(17, 0)).astimezone().isoformat()
        self.records.append("case_event", {
            "household_id": self.h.hid, "case_id": self.cid, "at": at, "action": action,
            "from_stage": before.value if before else None, "to_stage": after.value, "reason": reason,
            "decision_id": decision, "staff_id": self.h.city.me}, vault_id=self.h.vault)

    def build(self) -> None:
        h, rng = self.h, self.rng
        s = h.scenario
        route = rng.choice(s.routes)
        referring = h.city.agencies[rng.choice(s.agencies)] if route == "agency" else None
        lead_agency = h.city.agencies[s.agencies[0]]
        self.records.insert("case", {
            "household_id": h.hid, "principal_id": h.persons[0][0], "stage": Stage.INTAKE.value, "route": route,
            "referring_agency_id": referring, "lead_agency_id": lead_agency, "lead_staff_id": h.city.me,
            "opened_on": self.day.isoformat(), "summary": rng.choice(s.summaries),
            "urgency": rng.choice(("低", "中", "中", "高"))}, record_id=self.cid, vault_id=h.vault)
        h.report.cases += 1
        self._event("open", None, Stage.INTAKE)
        final = self._walk()
        values: dict = {"stage": final.value}
        if final in (Stage.CLOSED, Stage.SUSPENDED, Stage.HANDED_BACK):
            values["ended_on"] = self.day.isoformat()
        if final == Stage.CLOSED:
            values["follow_up_on"] = (self.day + dt.timedelta(days=rng.randint(30, 120))).isoformat()
            values["follow_up_note"] = "主担当機関が定期的に様子を確認する。"
        self.records.update("case", self.cid, values)
        self._contacts(final)
        self._next_action(final)

    def _walk(self) -> Stage:
        """Take the steps that lead to the target stage; returns the stage reached."""
        target, rng = self.stage, self.rng
        outreach_first = target == Stage.OUTREACH or rng.random() < 0.45
        if target == Stage.INTAKE:
            return Stage.INTAKE
        if target == Stage.HANDED_BACK:
            self._advance(7, 40)
            self._event("hand_back", Stage.INTAKE, Stage.HANDED_BACK, "紹介元の機関で対応できると協議のうえ判断。")
            return Stage.HANDED_BACK
        current = Stage.INTAKE
        if outreach_first:
            self._advance(3, 30)
            self._event("start_outreach", current, Stage.OUTREACH)
            current = Stage.OUTREACH
            if target == Stage.OUTREACH:
                return current
            if target == Stage.SUSPENDED:
                return self._suspend(current)
        self._advance(10, 120)
        self._consent()
        self._event("record_consent", current, Stage.CONSENTED)
        current = Stage.CONSENTED
        if target in (Stage.CONSENTED, Stage.SUSPENDED) and (target == current or rng.random() < 0.5):
            return current if target == current else self._suspend(current)
        self._advance(3, 20)
        self._event("start_assessment", current, Stage.ASSESSMENT)
        current = Stage.ASSESSMENT
        if target == Stage.ASSESSMENT:
            return current
        self._advance(7, 30)
        self._form("1-2", "complete", self._assessment())
        self.plan_id = self._plan()
        self._event("draft_plan", current, Stage.PLAN_DRAFTED)
        current = Stage.PLAN_DRAFTED
        if target == Stage.PLAN_DRAFTED:
            return current
        current = self._approve(current, "plan")
        if target == Stage.PLAN_APPROVED and current == Stage.PLAN_APPROVED:
            return current
        if current == Stage.PLAN_APPROVED:
            current = self._confirm(current)
        if target in (Stage.IN_SUPPORT, Stage.PLAN_APPROVED):
            return current
        if target == Stage.SUSPENDED:
            return self._suspend(current)
        self._advance(60, 180)
        decision = "replan" if target == Stage.REPLANNING else "close"
        self._form("2-2", "complete", form_answers.evaluation(self.plan_answers, self.plan_id, self.day, decision,
                                                              self.h.persons[0][0], self.h.city.me, self.rng))
        if target == Stage.REPLANNING:
            self._event("start_replan", current, Stage.REPLANNING)
            return Stage.REPLANNING
        found = self._decision("coordination", "closure")
        if found is None:
            return current
        self._event("close", current, Stage.CLOSED, "支援の見通しがつき、役割分担に合意できた。", found)
        return Stage.CLOSED

    def _consent(self) -> None:
        h = self.h
        self.records.append("consent", {
            "household_id": h.hid, "case_id": self.cid, "person_id": h.persons[0][0], "action": "given",
            "on_date": self.day.isoformat(), "method": "signed_paper", "paper_on_file": 1,
            "scope": ["支援関係機関での情報共有", "重層的支援会議での検討"], "recorded_by": h.city.me}, vault_id=h.vault)
        self.consented = True
        case = self.records.get("case", self.cid)
        opened = dt.date.fromisoformat(case["opened_on"])
        answers = form_answers.intake(h.scenario, h.text, opened, h.persons[0][0], h.person_rows, case["route"],
                                      case["referring_agency_id"], case["lead_agency_id"], h.city.me, self.rng)
        answers |= {"consent_on": self.day.isoformat(), "_consent": [self.day.isoformat(), "signed_paper", True,
                                                                     sorted(answers["consent_scope"]), h.persons[0][0]]}
        self._form("1-1", "complete", answers)

    def _form(self, form_id: str, status: str, answers: dict) -> str:
        h = self.h
        # What the household record knows (住所, 電話) fills the fields that ask for it, as the
        # app's own pre-fill does when a worker starts a form.
        form_set = h.city.form_set
        variant = answers.get("variant")
        definition = form_set.current(f"{form_id}:{variant}" if variant else form_set.default_key(form_id))
        answers = prefill(definition, answers, {"household.address": h.address, "household.phone": h.phone})
        return self.records.insert("form_record", {
            "household_id": h.hid, "case_id": self.cid, "form_id": form_id, "status": status,
            "form_version": self.h.city.versions[form_id],
            "answers": {k: v for k, v in answers.items() if v is not None},
            "created_at": dt.datetime.combine(self.day, dt.time(10)).astimezone().isoformat(),
            "completed_on": self.day.isoformat() if status != "draft" else None}, vault_id=h.vault)

    def _assessment(self) -> dict:
        h = self.h
        return form_answers.assessment(h.scenario, h.text, self.day, h.persons[0][0], h.person_rows, h.city.agencies,
                                       h.city.me, self.rng)

    def _plan(self) -> str:
        s, h = self.h.scenario, self.h
        uses_outreach = self.stage != Stage.CONSENTED and self.rng.random() < 0.5
        uses_participation = s.participation and self.rng.random() < 0.6
        self.plan_answers = form_answers.plan(s, h.text, self.day, h.persons[0][0], h.person_rows, h.city.agencies,
                                              h.city.me, uses_outreach, uses_participation, self.rng)
        return self._form("2-1", "draft", self.plan_answers)

    def _decision(self, kind: str, decision_kind: str) -> str | None:
        found = self.h.city.meeting_after(kind, self.day)
        if found is None or found[0] > self.h.today.isoformat():
            return None
        held, mid = found
        self.day = dt.date.fromisoformat(held)
        reason = {"plan": "plan", "replan": "replan", "closure": "closure", "suspension": "suspension"}.get(
            decision_kind, "added")
        self.h.city.put_on_agenda(self.records, mid, self.h.hid, self.cid, reason, kind)
        return self.records.insert("meeting_decision", {
            "household_id": self.h.hid, "meeting_id": mid, "case_id": self.cid, "kind": decision_kind,
            "plan_id": self.plan_id if decision_kind in ("plan", "replan") else None, "outcome": "approved",
            "decided_on": held, "part": kind, "applied_on": held, "notes": "役割分担と支援の方向性を確認した。"},
            vault_id=self.h.vault)

    def _approve(self, current: Stage, kind: str) -> Stage:
        decision = self._decision("coordination", kind)
        if decision is None:
            return current
        plan = self.records.get("form_record", self.plan_id)
        needs = plan["answers"]["uses_outreach"] or plan["answers"]["uses_participation"]
        if needs:
            self.records.update("form_record", self.plan_id, {"status": "approved"})
            self._event("approve_plan", current, Stage.PLAN_APPROVED, decision=decision)
            return Stage.PLAN_APPROVED
        self.records.update("form_record", self.plan_id, {"status": "confirmed"})
        self.records.insert("support_decision", {
            "household_id": self.h.hid, "case_id": self.cid, "plan_id": self.plan_id, "kind": "report",
            "decided_on": self.day.isoformat(), "outreach": 0, "participation": 0}, vault_id=self.h.vault)
        self._event("approve_plan", current, Stage.IN_SUPPORT, decision=decision)
        return Stage.IN_SUPPORT

    def _confirm(self, current: Stage) -> Stage:
        if self.stage == Stage.PLAN_APPROVED:
            return current
        self._advance(3, 14)
        plan = self.records.get("form_record", self.plan_id)["answers"]
        self.records.insert("support_decision", {
            "household_id": self.h.hid, "case_id": self.cid, "plan_id": self.plan_id, "kind": "decision",
            "decided_on": self.day.isoformat(), "decided_by": "社会福祉課長",
            "number": self.h.city.decision_number(self.day),
            "outreach": int(bool(plan["uses_outreach"])), "participation": int(bool(plan["uses_participation"]))},
            vault_id=self.h.vault)
        self.records.update("form_record", self.plan_id, {"status": "confirmed"})
        self._event("confirm_plan", current, Stage.IN_SUPPORT)
        return Stage.IN_SUPPORT

    def _suspend(self, current: Stage) -> Stage:
        self._advance(30, 120)
        kind = "coordination" if self.consented else "support"
        decision = self._decision(kind, "suspension")
        if decision is None:
            return current
        self._event("suspend", current, Stage.SUSPENDED, "本人と連絡がまったく取れなくなった。", decision)
        return Stage.SUSPENDED

    def _contacts(self, final: Stage) -> None:
        h, rng = self.h, self.rng
        opened = dt.date.fromisoformat(self.records.get("case", self.cid)["opened_on"])
        end = self.day if final in (Stage.CLOSED, Stage.SUSPENDED, Stage.HANDED_BACK) else h.today
        span = max(1, (end - opened).days)
        count = {Stage.INTAKE: 2, Stage.HANDED_BACK: 2, Stage.OUTREACH: 6, Stage.IN_SUPPORT: 9,
                 Stage.CLOSED: 8, Stage.REPLANNING: 9}.get(final, 5)
        count = max(1, count + rng.randint(-2, 3))
        stamps = sorted(opened + dt.timedelta(days=rng.randint(0, span)) for _ in range(count))
        s = h.scenario
        pre = final == Stage.OUTREACH or final == Stage.INTAKE
        for n, day in enumerate(stamps):
            early = pre or n < count // 3
            if early:
                kind = rng.choice((ContactKind.HOME_VISIT, ContactKind.LETTER, ContactKind.HOME_VISIT, ContactKind.FLYER))
                outcome = Outcome.NOBODY if kind != ContactKind.HOME_VISIT or rng.random() < 0.5 else Outcome.FAMILY_ONLY
                summary = h.text(rng.choice(s.pre_consent))
            else:
                kind = rng.choice((ContactKind.HOME_VISIT, ContactKind.HOME_VISIT, ContactKind.PHONE,
                                   ContactKind.ACCOMPANY, ContactKind.OFFICE, ContactKind.MESSAGE))
                outcome = Outcome.MET if rng.random() < 0.8 else Outcome.FAMILY_ONLY
                summary = h.text(rng.choice(s.visits + VISIT_COMMON))
            at = dt.datetime.combine(day, dt.time(rng.randint(9, 17), rng.choice((0, 15, 30, 45)))).astimezone()
            contact_id = self.records.append("contact", {
                "household_id": h.hid, "case_id": self.cid, "at": at.isoformat(), "kind": kind.value,
                "outcome": outcome.value, "present": [h.persons[0][0]] if outcome == Outcome.MET else [],
                "summary": summary, "staff_id": h.city.me if rng.random() < 0.5 else None}, vault_id=h.vault)
            h.report.contacts += 1
            if n == count - 1:  # the latest visit also as a filled 訪問・接触記録, ready to print
                answers = form_answers.contact(kind.value, outcome.value, summary, at, h.persons[0][0], h.city.me)
                saved_day, self.day = self.day, day
                self._form("contact", "complete", answers | {"_contact_id": contact_id})
                self.day = saved_day
        for _ in range(rng.randint(0, 2)):
            day = opened + dt.timedelta(days=rng.randint(0, span))
            at = dt.datetime.combine(day, dt.time(18, 0)).astimezone()
            self.records.append("note", {"household_id": h.hid, "case_id": self.cid, "at": at.isoformat(),
                                         "text": h.text(rng.choice(s.notes)), "staff_id": h.city.me},
                                vault_id=h.vault)
            h.report.notes += 1

    def _next_action(self, final: Stage) -> None:
        if final in (Stage.CLOSED, Stage.HANDED_BACK, Stage.SUSPENDED):
            return
        rng = self.rng
        due = self.h.today + dt.timedelta(days=rng.randint(-25, 45))
        action = rng.choice(("家庭訪問", "電話で様子を確認", "手紙を置く", "通院同行", "会議で報告"))
        self.records.update("household", self.h.hid, {"next_action": action, "next_action_on": due.isoformat()})
