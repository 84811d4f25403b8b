"""The city's 支援決定, and the report to the city of a plan that needs none (seed 001 §6-6(4)).

Only a city account (the office's 多機関協働 role) records a 支援決定, and only for a plan a
meeting approved. The plan's office box (会議日, 支援決定日・番号, 報告日) is filled from these
records, never typed: the plan is frozen once approved, and only that box is written.
"""

from __future__ import annotations

from app import validate
from app.errors import Refused
from app.model import SupportDecision
from app.services.form_records import PlanSummary
from app.session import Service
from app.vocab import StaffRole
from storage import agenda_query

CITY_ROLES = (StaffRole.OFFICE.value,)


class SupportDecisionService(Service):
    def is_city_account(self) -> bool:
        me = self.store.read().get("staff", self.session.me) if self.session.me else None
        if me is not None and me.get("role") in CITY_ROLES:
            return True
        try:
            return self.session.sync.is_enrolled() and bool(self.session.sync.identity().is_office)
        except Exception:  # an unreadable identity is not an office's
            return False

    def record(self, case_id: str, *, decided_on: str, number: str | None = None,
               decided_by: str | None = None, memo: str | None = None) -> SupportDecision:
        if not self.is_city_account():
            raise Refused("支援決定は市の多機関協働の担当者（事務局のアカウント）だけが記録できます。")
        case = self.session.cases.get(case_id)
        plan_record = self.session.forms.current_plan(case_id)
        if plan_record is None:
            raise Refused("支援決定の対象となるプランがありません。")
        plan = PlanSummary.of(plan_record)
        if not (plan.uses_outreach or plan.uses_participation):
            raise Refused("このプランはアウトリーチ等事業・参加支援事業を含まないため、支援決定は不要です（市への報告のみ）。")
        approval = next((d for d in reversed(self.session.meetings.decisions_for_case(case_id))
                         if d.plan_id == plan.id and d.kind in ("plan", "replan") and d.outcome == "approved"),
                        None)
        if plan.status != "approved" or approval is None:
            if plan.status == "confirmed":
                raise Refused("このプランはすでに確定しています。")
            raise Refused("支援決定は、会議で了承されたプランにだけ記録できます。先に会議でプランを了承してください。")
        if any(d.kind == "decision" and d.plan_id == plan.id for d in self.session.meetings.support_decisions(case_id)):
            raise Refused("このプランの支援決定はすでに記録されています。")
        household = self.session.households.get(case.household_id)
        on = validate.date(decided_on, "決定日", "decided_on", required_=True)
        values = {"household_id": case.household_id, "case_id": case_id, "plan_id": plan.id, "kind": "decision",
                  "decided_on": on, "decided_by": validate.optional_text(decided_by) or self._my_name(),
                  "number": validate.required(number, "支援決定番号", "number"),
                  "outreach": int(plan.uses_outreach), "participation": int(plan.uses_participation),
                  "memo": validate.optional_text(memo), "meeting_decision_id": approval.id}
        with self.store.write() as records:
            sid = records.insert("support_decision", values, vault_id=household.vault_id)
            records.update("form_record", plan.id, {"answers": {
                "support_decision_on": on, "support_decision_no": values["number"]}})
            self.session.audit(records, "change", entity="support_decision", entity_id=sid,
                               household_id=case.household_id, detail="decision")
        self.session.changed({case.household_id})
        return SupportDecision.from_record({"id": sid, **values})

    def _my_name(self) -> str | None:
        me = self.store.read().get("staff", self.session.me) if self.session.me else None
        return me.get("name") if me else None

    def reported(self) -> list[SupportDecision]:
        """Plans without outreach or participation support, reported to the city (市にプランの報告),
        newest first."""
        rows = self.store.read().find("support_decision", kind="report", order_by="decided_on", descending=True)
        return [SupportDecision.from_record(r) for r in rows]

    def waiting(self) -> list[tuple[str, str, str]]:
        """(household_id, case_id, plan_id) of plans a meeting approved that wait for a 支援決定."""
        return [tuple(row) for row in agenda_query.approved_plans(self.store.connection())]
