"""The record types of the JSON Lines format and their fields.

Every line is one JSON object with ``type`` and ``id``. Field kinds: text, date (ISO
``YYYY-MM-DD``), datetime (ISO 8601 with a UTC offset), bool, int, list, dict, a code from a
vocabulary, or a reference to another record's id (which must be in the same file or already
in the profile). Types are imported in the order listed here, so references resolve.
"""

from __future__ import annotations

from dataclasses import dataclass

from app.vocab import (
    ConsentMethod,
    ContactKind,
    DecisionKind,
    DecisionOutcome,
    Labelled,
    MeetingKind,
    Outcome,
    Route,
    StaffRole,
    Stage,
)


@dataclass(frozen=True)
class FieldSpec:
    name: str
    kind: str = "text"
    required: bool = False
    codes: type[Labelled] | tuple[str, ...] | None = None
    ref: str | None = None  # the type a reference (or a list of references) points to
    # The window's rule for the value, beyond its kind: "name" (not only spaces), "birth" (not
    # after today), "happened" (something that took place: not more than a day ahead of now).
    rule: str | None = None


@dataclass(frozen=True)
class TypeSpec:
    type: str
    entity: str
    fields: tuple[FieldSpec, ...]

    @property
    def household_bound(self) -> bool:
        return any(f.name == "household_id" for f in self.fields)

    def field(self, name: str) -> FieldSpec | None:
        return next((f for f in self.fields if f.name == name), None)


def F(name, kind="text", required=False, codes=None, ref=None, rule=None) -> FieldSpec:  # noqa: N802
    return FieldSpec(name, kind, required, codes, ref, rule)


def _name() -> FieldSpec:
    return F("name", required=True, rule="name")


def _hh() -> FieldSpec:
    return F("household_id", "ref", True, ref="household")


TYPES: tuple[TypeSpec, ...] = (
    TypeSpec("station", "station", (_name(), F("area"), F("sort_order", "int"), F("active", "bool"))),
    TypeSpec("agency", "agency", (
        _name(), F("kind"), F("phone"), F("address"), F("memo"), F("area"), F("station_id", "ref", ref="station"),
        F("contact_person"), F("active", "bool"))),
    TypeSpec("staff", "staff", (
        _name(), F("kana"), F("station_id", "ref", ref="station"),
        F("agency_id", "ref", ref="agency"), F("role", "code", codes=StaffRole), F("login"), F("active", "bool"))),
    TypeSpec("resource", "resource", (
        _name(), F("kind"), F("area"), F("address"), F("contact"), F("description"),
        F("station_id", "ref", ref="station"), F("active", "bool"))),
    TypeSpec("household", "household", (
        _name(), F("address", required=True), F("station", "station", True), F("kana"),
        F("phone"), F("lead_staff_id", "ref", ref="staff"), F("next_action"), F("next_action_on", "date"),
        F("memo"), F("created_on", "date", rule="happened"))),
    TypeSpec("person", "person", (
        _hh(), _name(), F("kana", required=True), F("birth_date", "date", True, rule="birth"),
        F("relation", required=True), F("sex"), F("is_elderly", "bool"), F("is_disabled", "bool"),
        F("is_child", "bool"), F("is_hardship", "bool"), F("is_welfare", "bool"), F("phone"), F("memo"))),
    TypeSpec("case", "case", (
        _hh(), F("stage", "code", True, codes=Stage), F("principal_id", "ref", ref="person"),
        F("route", "code", codes=Route), F("referring_agency_id", "ref", ref="agency"),
        F("lead_agency_id", "ref", ref="agency"), F("lead_staff_id", "ref", ref="staff"),
        F("opened_on", "date", rule="happened"), F("summary"), F("urgency"), F("follow_up_on", "date"),
        F("follow_up_note"), F("ended_on", "date", rule="happened"), F("end_reason"))),
    TypeSpec("form", "form_record", (
        _hh(), F("form_id", "code", True, codes=("1-1", "1-2", "2-1", "2-2", "contact", "shared-sheet")),
        F("case_id", "ref", ref="case"), F("form_version", "int"),
        F("status", "code", codes=("draft", "complete", "approved", "confirmed", "superseded")),
        F("answers", "dict"), F("created_at", "datetime", rule="happened"),
        F("completed_on", "date", rule="happened"), F("signed_by"), F("signed_on", "date", rule="happened"))),
    TypeSpec("meeting_kind", "meeting_kind", (
        F("name", required=True), F("rule", "code", True, codes=MeetingKind), F("members", "dict"),
        F("recurrence"), F("sort_order", "int"), F("active", "bool"), F("memo"))),
    TypeSpec("meeting", "meeting", (
        F("kind", "code", True, codes=MeetingKind), F("held_on", "date", True), F("title"), F("place"),
        F("chair"), F("attendees", "dict"), F("memo"), F("status"), F("kind_id"), F("parts", "list"),
        F("agenda", "dict"))),
    TypeSpec("meeting_decision", "meeting_decision", (
        _hh(), F("meeting_id", "ref", True, ref="meeting"), F("case_id", "ref", True, ref="case"),
        F("kind", "code", True, codes=DecisionKind), F("outcome", "code", True, codes=DecisionOutcome),
        F("plan_id", "ref", ref="form"), F("decided_on", "date", rule="happened"), F("memo"),
        F("part", "code", codes=MeetingKind), F("notes"), F("next_review_on", "date"),
        F("lead_agency_id", "ref", ref="agency"), F("roles", "list"), F("follow_up_on", "date"),
        F("applied_on", "date", rule="happened"), F("applied_by", "ref", ref="staff"), F("refusal"))),
    TypeSpec("support_decision", "support_decision", (
        _hh(), F("case_id", "ref", True, ref="case"), F("plan_id", "ref", ref="form"),
        F("kind", "code", codes=("decision", "report")), F("decided_on", "date", rule="happened"), F("decided_by"),
        F("outreach", "bool"), F("participation", "bool"), F("memo"), F("number"),
        F("meeting_decision_id", "ref", ref="meeting_decision"))),
    TypeSpec("consent", "consent", (
        _hh(), F("case_id", "ref", True, ref="case"), F("person_id", "ref", ref="person"),
        F("action", "code", True, codes=("given", "withdrawn")), F("on_date", "date", True, rule="happened"),
        F("method", "code", codes=ConsentMethod), F("paper_on_file", "bool"), F("scope", "list"),
        F("recorded_by", "ref", ref="staff"), F("memo"), F("amends", "ref", ref="consent"))),
    TypeSpec("contact", "contact", (
        _hh(), F("at", "datetime", True, rule="happened"), F("kind", "code", True, codes=ContactKind),
        F("outcome", "code", True, codes=Outcome), F("summary", required=True), F("case_id", "ref", ref="case"),
        F("present", "list", ref="person"), F("body"), F("next_action"), F("next_action_on", "date"),
        F("staff_id", "ref", ref="staff"), F("amends", "ref", ref="contact"))),
    TypeSpec("note", "note", (
        _hh(), F("at", "datetime", True, rule="happened"), F("text", required=True), F("case_id", "ref", ref="case"),
        F("staff_id", "ref", ref="staff"), F("amends", "ref", ref="note"))),
    TypeSpec("case_event", "case_event", (
        _hh(), F("case_id", "ref", True, ref="case"), F("at", "datetime", True, rule="happened"),
        F("action", required=True),
        F("from_stage", "code", codes=Stage), F("to_stage", "code", codes=Stage), F("reason"),
        F("decision_id", "ref", ref="meeting_decision"), F("staff_id", "ref", ref="staff"))),
    TypeSpec("watch_entry", "watch_entry", (
        _hh(), F("reason"), F("since", "date", rule="happened"), F("next_check_on", "date"),
        F("liaison_staff_id", "ref", ref="staff"), F("active", "bool"), F("memo"))),
)

BY_TYPE = {spec.type: spec for spec in TYPES}
BY_ENTITY = {spec.entity: spec for spec in TYPES}
ORDER = {spec.type: index for index, spec in enumerate(TYPES)}
