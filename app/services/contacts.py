"""Contacts (visits, calls, letters left, …) and notes: append-only, amended not edited."""

from __future__ import annotations

import datetime as dt

from app import clock, validate
from app.errors import InvalidInput, NotFound
from app.model import Contact, Note
from app.session import Service
from app.vocab import ContactKind, Outcome

# A contact may be logged a little ahead (a laptop clock a few minutes fast), not days ahead.


def _when(value: dt.datetime | str | None) -> str:
    if value is None or value == "":
        return clock.now().isoformat()
    if isinstance(value, str):
        try:
            value = clock.parse_datetime(value)
        except ValueError:
            raise InvalidInput(f"日時「{value}」が読めません。", "at") from None
    if value.tzinfo is None:
        value = value.astimezone()
    validate.happened(value, "日時", "at")
    return value.replace(microsecond=0).isoformat()


class ContactService(Service):
    def log_contact(self, household_id: str, *, kind: str, outcome: str, summary: str,
                    at: dt.datetime | str | None = None, present: list | None = None,
                    body: str | None = None, next_action: str | None = None,
                    next_action_on: str | dt.date | None = None, case_id: str | None = None,
                    amends: str | None = None) -> Contact:
        household = self.session.households.get(household_id)
        values = {
            "household_id": household_id,
            "case_id": case_id or self.session.cases.current_case_id(household_id),
            "at": _when(at),
            "kind": validate.choice(kind, ContactKind, "接触の種類", "kind"),
            "outcome": validate.choice(outcome, Outcome, "結果", "outcome"),
            "present": list(present or []),
            "summary": validate.required(summary, "要約", "summary"),
            "body": validate.optional_text(body),
            "next_action": validate.optional_text(next_action),
            "next_action_on": validate.date(next_action_on, "次回予定日", "next_action_on"),
            "staff_id": self.session.me or None,
            "amends": amends,
        }
        with self.store.write() as records:
            cid = records.append("contact", values, vault_id=household.vault_id)
            if values["next_action"] or values["next_action_on"]:
                records.update("household", household_id, {
                    "next_action": values["next_action"], "next_action_on": values["next_action_on"]})
            self.session.audit(records, "change", entity="contact", entity_id=cid,
                               household_id=household_id, detail="amend" if amends else "create")
        self.session.changed({household_id})
        return self.contact(cid)

    def contact(self, contact_id: str) -> Contact:
        record = self.store.read().get("contact", contact_id)
        if record is None:
            raise NotFound(f"接触記録が見つかりません（ID: {contact_id}）。")
        return Contact.from_record(record)

    def amend_contact(self, contact_id: str, **changes) -> Contact:
        """A correction: a new contact that names the one it corrects (which stays)."""
        original = self.contact(contact_id)
        fields = {k: getattr(original, k) for k in (
            "kind", "outcome", "summary", "at", "present", "body", "next_action", "next_action_on", "case_id")}
        fields.update(changes)
        return self.log_contact(original.household_id, amends=original.amends or original.id, **fields)

    def add_note(self, household_id: str, text: str, *, at: dt.datetime | str | None = None,
                 case_id: str | None = None, amends: str | None = None) -> Note:
        household = self.session.households.get(household_id)
        values = {
            "household_id": household_id,
            "case_id": case_id or self.session.cases.current_case_id(household_id),
            "at": _when(at),
            "text": validate.required(text, "記録の本文", "text"),
            "staff_id": self.session.me or None,
            "amends": amends,
        }
        with self.store.write() as records:
            nid = records.append("note", values, vault_id=household.vault_id)
            self.session.audit(records, "change", entity="note", entity_id=nid,
                               household_id=household_id, detail="amend" if amends else "create")
        self.session.changed({household_id})
        return self.note(nid)

    def note(self, note_id: str) -> Note:
        record = self.store.read().get("note", note_id)
        if record is None:
            raise NotFound(f"記録が見つかりません（ID: {note_id}）。")
        return Note.from_record(record)

    def amend_note(self, note_id: str, text: str) -> Note:
        original = self.note(note_id)
        return self.add_note(original.household_id, text, case_id=original.case_id,
                             amends=original.amends or original.id)

    def contacts(self, household_id: str) -> list[Contact]:
        rows = self.store.read().find("contact", household_id=household_id, order_by="at", descending=True)
        return [Contact.from_record(r) for r in rows]

    def notes(self, household_id: str) -> list[Note]:
        rows = self.store.read().find("note", household_id=household_id, order_by="at", descending=True)
        return [Note.from_record(r) for r in rows]
