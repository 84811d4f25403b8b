"""What completing a form does beyond storing it.

* 様式1-1 (本人同意あり): the consent it captures — who, when, how, the scope, whether the
  signed paper is on file — is recorded through `CaseService.record_consent` (append-only).
  Completing it again with different consent details records a correction; a withdrawal
  date records the withdrawal through `withdraw_consent`. A 1-1 filled for a household with
  no open case opens the case (the 相談受付 is the intake).
* 訪問・接触記録: the contact is logged through `ContactService` (a second completion amends it).

What was recorded is remembered in the answers under ``_consent``, ``_withdrawal`` and
``_contact_id`` (keys starting with "_" are bookkeeping, never printed), so saving twice never
records twice.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata

from app.errors import InvalidInput
from app.services import form_records as records
from app.session import Session

CONTACT_FIELDS = {"at": "contact_on", "kind": "kind", "outcome": "outcome", "summary": "summary",
                  "next_action_on": "next_action_on"}


def case_for(session: Session, opened, answers: dict) -> str | None:
    """The case the form belongs to; a 様式1-1 opens one when the household has none running."""
    record = opened.record
    if record.case_id or record.form_id != records.INTAKE:
        return record.case_id
    current = session.cases.current_case(record.household_id)
    if current is not None and current.ended_on is None:
        return current.id
    case = session.cases.open_case(record.household_id, principal_id=answers.get("principal_id"),
                                   route=answers.get("route"), opened_on=answers.get("received_on"),
                                   referring_agency_id=answers.get("referring_agency_id"),
                                   lead_agency_id=answers.get("lead_agency_id"), summary=answers.get("consultation"))
    return case.id


def apply(session: Session, opened) -> dict:
    """Record the form's effects; returns bookkeeping answers to store."""
    record, answers = opened.record, opened.answers
    if record.form_id == records.INTAKE and answers.get("variant") == "consent" and record.case_id:
        return _consent(session, record.case_id, answers)
    if record.form_id == records.CONTACT_RECORD:
        return _contact(session, record, answers)
    return {}


def _consent(session: Session, case_id: str, a: dict) -> dict:
    out = {}
    given = [a.get("consent_on"), a.get("consent_method"), bool(a.get("paper_on_file")),
             sorted(a.get("consent_scope") or []), a.get("consenter_id")]
    if a.get("consent_on") and a.get("_consent") != given:
        session.cases.record_consent(case_id, on_date=a["consent_on"], method=a.get("consent_method") or "signed_paper",
                                     paper_on_file=bool(a.get("paper_on_file")), person_id=a.get("consenter_id"),
                                     scope=list(a.get("consent_scope") or []), memo=a.get("consent_exclusions"))
        out["_consent"] = given
    withdrawn = a.get("withdrawn_on")
    if withdrawn and a.get("_withdrawal") != withdrawn:
        session.cases.withdraw_consent(case_id, on_date=withdrawn, memo=a.get("withdrawal_memo"))
        out["_withdrawal"] = withdrawn
    return out


def _contact(session: Session, record, a: dict) -> dict:
    values = {
        "kind": a.get("kind"), "outcome": a.get("outcome"), "summary": a.get("summary"),
        "at": _moment(a.get("contact_on"), a.get("time_from")), "body": a.get("body"),
        "present": [a["met_person_id"]] if a.get("met_person_id") else [],
        "next_action": a.get("next_action"), "next_action_on": a.get("next_action_on"),
    }
    try:
        if a.get("_contact_id"):
            contact = session.contacts.amend_contact(a["_contact_id"], **values)
        else:
            contact = session.contacts.log_contact(record.household_id, case_id=record.case_id, **values)
    except InvalidInput as exc:  # worded for the contact; point at the form's field
        raise InvalidInput(exc.message, CONTACT_FIELDS.get(exc.field or "", exc.field)) from None
    return {"_contact_id": contact.id}


def _moment(day: str | None, time_text: str | None) -> dt.datetime | None:
    if not day:
        return None
    hour, minute = 12, 0
    if time_text:
        match = re.match(r"^\s*(\d{1,2})\s*[:時]\s*(\d{1,2})?", unicodedata.normalize("NFKC", time_text))
        if not match or int(match.group(1)) > 23 or int(match.group(2) or 0) > 59:
            raise InvalidInput(f"開始時刻「{time_text}」が読めません（例: 10:30）。", "time_from")
        hour, minute = int(match.group(1)), int(match.group(2) or 0)
    return dt.datetime.combine(dt.date.fromisoformat(day), dt.time(hour, minute)).astimezone()
