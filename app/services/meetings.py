"""Meetings and their decisions, and the city's support decisions.

* A support meeting (支援会議, 法106条の6) may discuss a case without consent; every attendee
  must have acknowledged the confidentiality duty before its decisions count.
* A coordination meeting (重層的支援会議) discusses only cases with consent, with the city and
  the multi-agency coordinator present.
* A representatives' meeting (代表者会議) does not decide individual cases.
"""

from __future__ import annotations

from app import validate
from app.errors import InvalidInput, NotFound, Refused
from app.lifecycle import DecisionFacts
from app.model import Attendee, Meeting, MeetingDecision, SupportDecision
from app.services.form_records import PlanSummary
from app.session import Service
from app.vocab import AttendeeRole, DecisionKind, DecisionOutcome, MeetingKind
from storage.records import new_id


def facts_of(meeting: Meeting, decision: MeetingDecision) -> DecisionFacts:
    attendees = meeting.attendee_list()
    roles = {a.role for a in attendees}
    return DecisionFacts(
        id=decision.id,
        meeting_kind=MeetingKind(meeting.kind),
        kind=DecisionKind(decision.kind),
        outcome=DecisionOutcome(decision.outcome),
        plan_id=decision.plan_id,
        all_acknowledged=bool(attendees) and all(a.acknowledged for a in attendees),
        has_city=AttendeeRole.CITY.value in roles,
        has_coordinator=AttendeeRole.COORDINATOR.value in roles,
    )


class MeetingService(Service):
    def create(self, kind: str, held_on: str, title: str | None = None, *,
               attendees: list[dict] | None = None, place: str | None = None,
               chair: str | None = None) -> Meeting:
        values = {
            "kind": validate.choice(kind, MeetingKind, "会議の種類", "kind"),
            "held_on": validate.date(held_on, "開催日", "held_on", required_=True),
            "title": validate.optional_text(title),
            "place": validate.optional_text(place),
            "chair": validate.optional_text(chair),
            "attendees": {new_id()[:12]: self._attendee(a) for a in attendees or []},
            "status": "planned",
        }
        with self.store.write() as records:
            mid = records.insert("meeting", values, vault_id=self.session.vault("meetings"))
            self.session.audit(records, "change", entity="meeting", entity_id=mid)
        return self.get(mid)

    @staticmethod
    def _attendee(data: dict) -> dict:
        return {
            "name": validate.required(data.get("name"), "出席者の氏名", "name"),
            "role": validate.choice(data.get("role", "agency"), AttendeeRole, "出席者の立場", "role"),
            "agency_id": data.get("agency_id"),
            "staff_id": data.get("staff_id"),
            "acknowledged": bool(data.get("acknowledged", False)),
        }

    def get(self, meeting_id: str) -> Meeting:
        record = self.store.read().get("meeting", meeting_id)
        if record is None:
            raise NotFound(f"会議が見つかりません（ID: {meeting_id}）。")
        return Meeting.from_record(record)

    def list(self) -> list[Meeting]:
        return [Meeting.from_record(r) for r in self.store.read().find("meeting", order_by="held_on", descending=True)]

    def add_attendee(self, meeting_id: str, **attendee) -> Attendee:
        self.get(meeting_id)
        key = new_id()[:12]
        with self.store.write() as records:
            records.update("meeting", meeting_id, {"attendees": {key: self._attendee(attendee)}})
            self.session.audit(records, "change", entity="meeting", entity_id=meeting_id, detail="attendee")
        return next(a for a in self.get(meeting_id).attendee_list() if a.key == key)

    def acknowledge(self, meeting_id: str, attendee_key: str) -> None:
        """Record that an attendee acknowledged the confidentiality duty (法106条の6)."""
        meeting = self.get(meeting_id)
        current = meeting.attendees.get(attendee_key)
        if not current:
            raise NotFound("その出席者はこの会議にいません。")
        with self.store.write() as records:
            records.update("meeting", meeting_id, {"attendees": {attendee_key: {**current, "acknowledged": True}}})
            self.session.audit(records, "change", entity="meeting", entity_id=meeting_id, detail="acknowledged")

    def decide(self, meeting_id: str, case_id: str, kind: str, outcome: str = "approved", *,
               plan_id: str | None = None, memo: str | None = None) -> MeetingDecision:
        meeting = self.get(meeting_id)
        case = self.session.cases.get(case_id)
        kind = validate.choice(kind, DecisionKind, "決定の種類", "kind")
        outcome = validate.choice(outcome, DecisionOutcome, "結論", "outcome")
        self._check_may_discuss(meeting, case_id)
        if kind in (DecisionKind.PLAN, DecisionKind.REPLAN) and not plan_id:
            plan = self.session.forms.current_plan(case_id)
            if plan is None:
                raise InvalidInput("了承するプラン（様式2-1）がありません。", "plan_id")
            plan_id = plan.id
        household = self.session.households.get(case.household_id)
        values = {"household_id": case.household_id, "meeting_id": meeting_id, "case_id": case_id,
                  "kind": kind, "plan_id": plan_id, "outcome": outcome, "decided_on": meeting.held_on,
                  "memo": validate.optional_text(memo)}
        with self.store.write() as records:
            did = records.insert("meeting_decision", values, vault_id=household.vault_id)
            self.session.audit(records, "change", entity="meeting_decision", entity_id=did,
                               household_id=case.household_id, detail=f"{meeting.kind}:{kind}:{outcome}")
        self.session.changed({case.household_id})
        return self.decision(did)

    def _check_may_discuss(self, meeting: Meeting, case_id: str) -> None:
        kind = MeetingKind(meeting.kind)
        if kind == MeetingKind.REPRESENTATIVES:
            raise Refused("代表者会議では個別ケースを検討・決定できません。")
        consented = self.session.cases.facts(case_id).has_consent
        if kind == MeetingKind.COORDINATION and not consented:
            raise Refused("本人同意のないケースは重層的支援会議では検討できません。支援会議で検討してください。")
        if kind == MeetingKind.SUPPORT:
            attendees = meeting.attendee_list()
            missing = [a.name for a in attendees if not a.acknowledged]
            if not attendees or missing:
                names = "、".join(missing) or "出席者"
                raise Refused(f"支援会議では出席者全員の守秘義務（社会福祉法第106条の6）の確認が必要です。未確認: {names}")

    def decision(self, decision_id: str) -> MeetingDecision:
        record = self.store.read().get("meeting_decision", decision_id)
        if record is None:
            raise NotFound(f"会議の決定が見つかりません（ID: {decision_id}）。")
        return MeetingDecision.from_record(record)

    def decisions_for_case(self, case_id: str) -> list[MeetingDecision]:
        rows = self.store.read().find("meeting_decision", case_id=case_id, order_by="decided_on")
        return [MeetingDecision.from_record(r) for r in rows]

    def decision_facts(self, case_id: str) -> tuple[DecisionFacts, ...]:
        out = []
        for decision in self.decisions_for_case(case_id):
            record = self.store.read().get("meeting", decision.meeting_id)
            if record is not None:
                out.append(facts_of(Meeting.from_record(record), decision))
        return tuple(out)

    def support_decision(self, case_id: str, *, decided_on: str, decided_by: str | None = None,
                         memo: str | None = None) -> SupportDecision:
        """The city's 支援決定 for the current plan (outreach / participation support)."""
        case = self.session.cases.get(case_id)
        plan_record = self.session.forms.current_plan(case_id)
        if plan_record is None:
            raise Refused("支援決定の対象となるプランがありません。")
        plan = PlanSummary.of(plan_record)
        if not (plan.uses_outreach or plan.uses_participation):
            raise Refused("このプランはアウトリーチ等事業・参加支援事業を含まないため、支援決定は不要です（市への報告のみ）。")
        household = self.session.households.get(case.household_id)
        values = {"household_id": case.household_id, "case_id": case_id, "plan_id": plan.id,
                  "kind": "decision", "decided_on": validate.date(decided_on, "決定日", "decided_on", required_=True),
                  "decided_by": validate.optional_text(decided_by), "outreach": int(plan.uses_outreach),
                  "participation": int(plan.uses_participation), "memo": validate.optional_text(memo)}
        with self.store.write() as records:
            sid = records.insert("support_decision", values, vault_id=household.vault_id)
            self.session.audit(records, "change", entity="support_decision", entity_id=sid,
                               household_id=case.household_id, detail="decision")
        self.session.changed({case.household_id})
        return SupportDecision.from_record({"id": sid, **values})

    def support_decisions(self, case_id: str) -> list[SupportDecision]:
        rows = self.store.read().find("support_decision", case_id=case_id, order_by="decided_on")
        return [SupportDecision.from_record(r) for r in rows]
