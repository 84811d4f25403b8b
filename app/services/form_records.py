"""Filled forms (様式) as records: assessment, plan, evaluation, intake and others.

The lifecycle reads a few well-known answers (whether a plan uses outreach or participation
support, what an evaluation decided); the form definitions in `forms/` use the same keys.
"""

from __future__ import annotations

from dataclasses import dataclass

from app import clock, validate
from app.errors import InvalidInput, NotFound, Refused
from app.model import FormRecord
from app.session import Service

INTAKE = "1-1"
ASSESSMENT = "1-2"
PLAN = "2-1"
EVALUATION = "2-2"
CONTACT_RECORD = "contact"
SHARED_SHEET = "shared-sheet"
FORM_IDS = (INTAKE, ASSESSMENT, PLAN, EVALUATION, CONTACT_RECORD, SHARED_SHEET)

STATUSES = ("draft", "complete", "approved", "confirmed", "superseded")
# Once a meeting has approved a plan its content is what was approved: no more edits.
FROZEN = ("approved", "confirmed", "superseded")


@dataclass(frozen=True)
class PlanSummary:
    """The parts of a 支援計画書 (様式2-1) the programme's rules depend on."""

    id: str
    status: str
    uses_outreach: bool
    uses_participation: bool
    lead_agency_id: str | None
    monitoring_on: str | None

    @classmethod
    def of(cls, record: FormRecord) -> PlanSummary:
        a = record.answers
        return cls(record.id, record.status, bool(a.get("uses_outreach")), bool(a.get("uses_participation")),
                   a.get("lead_agency_id"), a.get("monitoring_on"))


class FormRecordService(Service):
    def create(self, household_id: str, form_id: str, answers: dict | None = None, *,
               case_id: str | None = None, form_version: int = 1, record_id: str | None = None) -> FormRecord:
        if form_id not in FORM_IDS:
            raise InvalidInput(f"様式「{form_id}」はありません。", "form_id")
        household = self.session.households.get(household_id)
        values = {
            "household_id": household_id,
            "case_id": case_id or self.session.cases.current_case_id(household_id),
            "form_id": form_id,
            "form_version": form_version,
            "status": "draft",
            "answers": dict(answers or {}),
            "created_at": clock.now().isoformat(),
        }
        with self.store.write() as records:
            rid = records.insert("form_record", values, vault_id=household.vault_id, record_id=record_id)
            self.session.audit(records, "change", entity="form_record", entity_id=rid,
                               household_id=household_id, detail=f"create {form_id}")
        self.session.changed({household_id})
        return self.get(rid)

    def get(self, record_id: str) -> FormRecord:
        record = self.store.read().get("form_record", record_id)
        if record is None:
            raise NotFound(f"様式の記録が見つかりません（ID: {record_id}）。")
        return FormRecord.from_record(record)

    def update_answers(self, record_id: str, answers: dict, *, form_version: int | None = None,
                       case_id: str | None = None) -> FormRecord:
        """New answers; ``form_version`` when they were migrated to a newer definition,
        ``case_id`` when saving the form opened the case (a 様式1-1 filled before one existed)."""
        current = self.get(record_id)
        if current.status in FROZEN:
            raise Refused("会議で了承された様式は変更できません。変更するには再プランを作成してください。")
        values: dict = {"answers": answers}
        if form_version is not None and form_version != current.form_version:
            values["form_version"] = form_version
        if case_id is not None and case_id != current.case_id:
            values["case_id"] = case_id
        with self.store.write() as records:
            if records.update("form_record", record_id, values):
                self.session.audit(records, "change", entity="form_record", entity_id=record_id,
                                   household_id=current.household_id, detail="answers")
        self.session.changed({current.household_id})
        return self.get(record_id)

    def complete(self, record_id: str, *, signed_by: str | None = None,
                 signed_on: str | None = None) -> FormRecord:
        current = self.get(record_id)
        if current.status in FROZEN:
            return current
        values = {"status": "complete", "completed_on": clock.today().isoformat()}
        if signed_by is not None:
            values["signed_by"] = validate.optional_text(signed_by)
            values["signed_on"] = validate.date(signed_on or clock.today(), "署名日", "signed_on")
        with self.store.write() as records:
            records.update("form_record", record_id, values)
            self.session.audit(records, "change", entity="form_record", entity_id=record_id,
                               household_id=current.household_id, detail="complete")
        self.session.changed({current.household_id})
        return self.get(record_id)

    def discard(self, record_id: str) -> None:
        """Throw a draft away: a tombstone, synced like any deletion. A finished form stays (it
        may have been printed, recorded a consent or gone to a meeting)."""
        current = self.get(record_id)
        if current.status != "draft":
            raise Refused("完成した様式は破棄できません（下書きだけが破棄できます）。")
        with self.store.write() as records:
            records.delete("form_record", record_id)
            self.session.audit(records, "change", entity="form_record", entity_id=record_id,
                               household_id=current.household_id, detail="discard")
        self.session.changed({current.household_id})

    def set_status(self, records, record_id: str, status: str) -> None:
        """Used inside a lifecycle transaction (approval, confirmation, supersession)."""
        if status not in STATUSES:
            raise ValueError(status)
        records.update("form_record", record_id, {"status": status})

    def for_case(self, case_id: str, form_id: str | None = None) -> list[FormRecord]:
        equals = {"case_id": case_id}
        if form_id:
            equals["form_id"] = form_id
        rows = self.store.read().find("form_record", order_by="created_at", **equals)
        return [FormRecord.from_record(r) for r in rows]

    def for_household(self, household_id: str, form_id: str | None = None) -> list[FormRecord]:
        equals = {"household_id": household_id}
        if form_id:
            equals["form_id"] = form_id
        rows = self.store.read().find("form_record", order_by="created_at", **equals)
        return [FormRecord.from_record(r) for r in rows]

    def current_plan(self, case_id: str) -> FormRecord | None:
        """The latest finished plan. A draft never counts: an empty 2-1 opened and closed must not
        replace the 役割分担 the case shows, nor be what a meeting approves."""
        plans = [p for p in self.for_case(case_id, PLAN) if p.status not in ("superseded", "draft")]
        # created_at has whole seconds: a successor written in the same second as the plan in
        # force still comes after it (a finished plan never precedes an approved one).
        plans.sort(key=lambda p: (p.created_at or "", p.status == "complete"))
        return plans[-1] if plans else None

    def evaluation_of(self, case_id: str, plan_id: str) -> FormRecord | None:
        done = [e for e in self.for_case(case_id, EVALUATION)
                if e.answers.get("plan_id") == plan_id and e.status != "draft"]
        return done[-1] if done else None
