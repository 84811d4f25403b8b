"""Domain records as plain dataclasses. Services return these; the UI shows them.

Each is built from a stored record (a dict) by `from_record`, which ignores storage
bookkeeping and fills what a partially synced record may lack.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, fields
from typing import Any, TypeVar

from app.vocab import ContactKind, MeetingKind, Outcome, Stage

T = TypeVar("T")


def _build(cls: type[T], record: dict) -> T:
    names = {f.name for f in fields(cls)}  # type: ignore[arg-type]
    return cls(**{k: v for k, v in record.items() if k in names})


class FromRecord:
    @classmethod
    def from_record(cls, record: dict):
        return _build(cls, record)


@dataclass
class Station(FromRecord):
    id: str
    name: str = ""
    area: str | None = None
    sort_order: int | None = None
    active: int | None = 1


@dataclass
class Staff(FromRecord):
    id: str
    name: str = ""
    kana: str | None = None
    station_id: str | None = None
    agency_id: str | None = None
    role: str | None = None
    login: str | None = None
    active: int | None = 1


@dataclass
class Agency(FromRecord):
    id: str
    name: str = ""
    kind: str | None = None
    phone: str | None = None
    address: str | None = None
    memo: str | None = None
    area: str | None = None  # the area it serves, or the station (社協地域ステーション) it sits in
    station_id: str | None = None
    contact_person: str | None = None
    active: int | None = 1


@dataclass
class Resource(FromRecord):
    id: str
    name: str = ""
    kind: str | None = None
    area: str | None = None
    address: str | None = None
    contact: str | None = None
    description: str | None = None
    station_id: str | None = None
    active: int | None = 1


@dataclass
class Household(FromRecord):
    id: str
    vault_id: str = ""
    name: str = ""
    kana: str | None = None
    address: str | None = None
    phone: str | None = None
    station_id: str | None = None
    lead_staff_id: str | None = None
    next_action: str | None = None
    next_action_on: str | None = None
    memo: str | None = None
    created_on: str | None = None
    source: str | None = None  # an import's source, and the household's id there (元の番号)
    source_id: str | None = None


@dataclass
class Person(FromRecord):
    id: str
    household_id: str = ""
    name: str = ""
    kana: str | None = None
    birth_date: str | None = None
    relation: str | None = None
    sex: str | None = None
    is_elderly: int | None = 0
    is_disabled: int | None = 0
    is_child: int | None = 0
    is_hardship: int | None = 0
    is_welfare: int | None = 0
    phone: str | None = None
    memo: str | None = None

    def age_on(self, day: dt.date) -> int | None:
        """None when the birth date is missing, unreadable or after ``day``."""
        from app.display import age

        return age(self.birth_date, day)


@dataclass
class Case(FromRecord):
    id: str
    household_id: str = ""
    principal_id: str | None = None
    stage: str = Stage.INTAKE.value
    route: str | None = None
    referring_agency_id: str | None = None
    lead_agency_id: str | None = None
    lead_staff_id: str | None = None
    opened_on: str | None = None
    summary: str | None = None
    urgency: str | None = None
    follow_up_on: str | None = None
    follow_up_note: str | None = None
    ended_on: str | None = None
    end_reason: str | None = None

    @property
    def stage_enum(self) -> Stage:
        return Stage(self.stage)


@dataclass
class Consent(FromRecord):
    id: str
    stamp: str = ""
    household_id: str = ""
    case_id: str | None = None
    person_id: str | None = None
    action: str = "given"  # given | withdrawn
    on_date: str | None = None
    method: str | None = None
    paper_on_file: int | None = 0
    scope: list | None = None
    recorded_by: str | None = None
    memo: str | None = None
    amends: str | None = None


@dataclass
class Contact(FromRecord):
    id: str
    stamp: str = ""
    household_id: str = ""
    case_id: str | None = None
    at: str = ""
    kind: str = ContactKind.HOME_VISIT.value
    outcome: str = Outcome.MET.value
    present: list | None = None
    summary: str | None = None
    body: str | None = None
    next_action: str | None = None
    next_action_on: str | None = None
    staff_id: str | None = None
    amends: str | None = None


@dataclass
class Note(FromRecord):
    id: str
    stamp: str = ""
    household_id: str = ""
    case_id: str | None = None
    at: str = ""
    text: str = ""
    staff_id: str | None = None
    amends: str | None = None


@dataclass
class CaseEvent(FromRecord):
    id: str
    stamp: str = ""
    household_id: str = ""
    case_id: str = ""
    at: str = ""
    action: str = ""
    from_stage: str | None = None
    to_stage: str | None = None
    reason: str | None = None
    decision_id: str | None = None
    staff_id: str | None = None


@dataclass
class FormRecord(FromRecord):
    """A filled form (様式). Its answers are keyed by the form definition's field ids."""

    id: str
    household_id: str = ""
    case_id: str | None = None
    form_id: str = ""
    form_version: int | None = None
    status: str = "draft"  # draft | complete | approved | confirmed | superseded
    answers: dict[str, Any] = field(default_factory=dict)
    created_at: str | None = None
    completed_on: str | None = None
    signed_by: str | None = None
    signed_on: str | None = None


@dataclass
class Attendee:
    key: str
    name: str
    role: str
    agency_id: str | None = None
    staff_id: str | None = None
    acknowledged: bool = False
    acknowledged_at: str | None = None  # when they acknowledged the duty of 法106条の6
    agency: str | None = None  # the agency's name as said at the meeting
    login: str | None = None  # their account, for the grants a 支援会議 gives its attendees


@dataclass
class MeetingKindDef(FromRecord):
    """A city's kind of meeting (支援会議, 実務者会議, 個別事例検討会議 …) and the rule class it
    follows: ``support`` (法106条の6, may discuss households without consent), ``coordination``
    (needs consent) or ``representatives`` (no individual cases)."""

    id: str
    name: str = ""
    rule: str = MeetingKind.SUPPORT.value
    members: dict[str, Any] = field(default_factory=dict)  # standing members, key → attendee
    recurrence: str | None = None  # "monthly:<day>" or "monthly:<n>:<weekday>" or None
    sort_order: int | None = None
    active: int | None = 1
    memo: str | None = None

    def member_list(self) -> list[dict]:
        return [dict(m) for _, m in sorted(self.members.items()) if m]


@dataclass
class AgendaItem:
    key: str
    household_id: str
    case_id: str | None = None
    reason: str = "added"
    position: int = 0
    part: str | None = None  # the rule class of the part that discusses it
    plan_id: str | None = None


@dataclass
class Meeting(FromRecord):
    id: str
    kind: str = MeetingKind.SUPPORT.value  # the rule class of the first part
    held_on: str | None = None
    title: str | None = None
    place: str | None = None
    chair: str | None = None
    attendees: dict[str, Any] = field(default_factory=dict)
    memo: str | None = None
    status: str | None = None  # planned | held
    kind_id: str | None = None
    parts: list | None = None  # [{"rule": …, "name": …, "kind_id": …}], one or two
    agenda: dict[str, Any] = field(default_factory=dict)

    def attendee_list(self) -> list[Attendee]:
        return [
            Attendee(key=k, **{n: v for n, v in a.items() if n in Attendee.__dataclass_fields__})
            for k, a in sorted(self.attendees.items())
            if a
        ]

    def part_list(self) -> list[dict]:
        if self.parts:
            return [dict(p) for p in self.parts if isinstance(p, dict) and p.get("rule")]
        return [{"rule": self.kind, "name": None, "kind_id": self.kind_id}]

    def rules(self) -> set[str]:
        return {p["rule"] for p in self.part_list()}

    def agenda_list(self) -> list[AgendaItem]:
        names = AgendaItem.__dataclass_fields__
        items = [AgendaItem(key=k, **{n: v for n, v in a.items() if n in names and n != "key"})
                 for k, a in self.agenda.items() if a and a.get("household_id")]
        return sorted(items, key=lambda i: (i.position, i.key))


@dataclass
class MeetingDecision(FromRecord):
    id: str
    household_id: str = ""
    meeting_id: str = ""
    case_id: str = ""
    kind: str = ""
    plan_id: str | None = None
    outcome: str = ""
    decided_on: str | None = None
    memo: str | None = None
    part: str | None = None  # the rule class of the part that decided (a sitting may hold two)
    notes: str | None = None  # the discussion, in the household's own records
    next_review_on: str | None = None
    lead_agency_id: str | None = None
    roles: list | None = None  # [{"agency_id", "task", "lead"}] for a change of roles
    follow_up_on: str | None = None
    applied_on: str | None = None  # when it flowed into the case
    applied_by: str | None = None
    refusal: str | None = None  # the rule's message when applying was refused


@dataclass
class SupportDecision(FromRecord):
    """The city's 支援決定 for a plan using outreach or participation support, or (kind
    "report") the report to the city of a plan that uses neither."""

    id: str
    household_id: str = ""
    case_id: str = ""
    plan_id: str = ""
    kind: str = "decision"
    decided_on: str | None = None
    decided_by: str | None = None
    outreach: int | None = 0
    participation: int | None = 0
    memo: str | None = None
    number: str | None = None  # 支援決定番号
    meeting_decision_id: str | None = None  # the approval it follows


@dataclass
class WatchEntry(FromRecord):
    id: str
    household_id: str = ""
    reason: str | None = None
    since: str | None = None
    next_check_on: str | None = None
    liaison_staff_id: str | None = None
    active: int | None = 1
    memo: str | None = None
