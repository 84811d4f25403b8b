"""Meetings: the sitting, its parts, attendance, the agenda, and what it decided per household.

* A support meeting (支援会議, 法106条の6) may discuss a case without consent; every attendee
  must have acknowledged the confidentiality duty before any case is discussed.
* A coordination meeting (重層的支援会議) discusses only cases with consent, with the city and
  the multi-agency coordinator present.
* A representatives' meeting (代表者会議) does not decide individual cases.

One sitting may hold two parts (美作市 holds the 支援会議 and the 重層的支援会議 together): a
household without consent is discussed in the support part, one with consent in the
coordination part. The meeting record (the shared meetings vault) keeps the schedule, the
attendance and the agenda's references; what the meeting says about a household — notes,
decision, review date — is a `meeting_decision` in that household's own vault.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from app import clock, validate
from app.errors import InvalidInput, NotFound, Refused
from app.lifecycle import DecisionFacts
from app.model import AgendaItem, Attendee, Meeting, MeetingDecision, SupportDecision
from app.services.meeting_kinds import MeetingKindService, member, monthly_dates
from app.session import Service
from app.vocab import AgendaReason, AttendeeRole, DecisionKind, DecisionOutcome, MeetingKind
from storage.records import new_id

# The text shown to each attendee of a 支援会議 before any case is: the duty and its penalty as
# seed 001 §6-6(1)③ states them.
CONFIDENTIALITY_TEXT = (
    "社会福祉法第106条の6（支援会議）\n"
    "支援会議の出席者は、正当な理由なく、支援会議において知り得た全ての事項（地域住民に関する情報"
    "だけでなく、広く事務の実施に関するものを含む）を漏らしてはなりません。\n"
    "守秘義務に違反した場合には、1年以下の懲役又は100万円以下の罰金に処されます。"
)
PLANNED, HELD = "planned", "held"
CASE_KINDS = tuple(k for k in DecisionKind)


@dataclass(frozen=True)
class MeetingRow:
    meeting: Meeting
    attendees: int
    agenda: int
    outcomes: dict[str, int]  # approved / rejected / deferred / refused → count
    coming: bool

    def outcome_text(self) -> str:
        if not self.outcomes:
            return "予定" if self.coming else "決定なし"
        names = {"approved": "了承", "rejected": "不承認", "deferred": "継続協議", "refused": "反映できず"}
        return "、".join(f"{names.get(k, k)} {n}" for k, n in sorted(self.outcomes.items()))


def facts_of(meeting: Meeting, decision: MeetingDecision) -> DecisionFacts:
    attendees = meeting.attendee_list()
    roles = {a.role for a in attendees}
    return DecisionFacts(
        id=decision.id,
        meeting_kind=MeetingKind(decision.part or meeting.kind),
        kind=DecisionKind(decision.kind),
        outcome=DecisionOutcome(decision.outcome),
        plan_id=decision.plan_id,
        all_acknowledged=bool(attendees) and all(a.acknowledged for a in attendees),
        has_city=AttendeeRole.CITY.value in roles,
        has_coordinator=AttendeeRole.COORDINATOR.value in roles,
    )


def attendee(data: dict) -> dict:
    return {
        **member(data, "出席者"),
        "acknowledged": bool(data.get("acknowledged", False)),
        "acknowledged_at": data.get("acknowledged_at") or (clock.now().isoformat(timespec="seconds")
                                                           if data.get("acknowledged") else None),
    }


class MeetingService(Service):
    def __init__(self, session) -> None:
        super().__init__(session)
        self.kinds = MeetingKindService(session)

    # -- the sitting -----------------------------------------------------------------------

    def create(self, kind: str, held_on: str | dt.date, title: str | None = None, *,
               attendees: list[dict] | None = None, place: str | None = None,
               chair: str | None = None, parts: list[str] | None = None,
               with_members: bool = False) -> Meeting:
        """``kind`` is a rule class (support, coordination, representatives) or a city kind's id;
        ``parts`` adds a second part to the sitting (e.g. ["coordination"] after a 支援会議)."""
        kinds = [self.kinds.get(k) for k in [kind, *(parts or [])]]
        rules = [k.rule for k in kinds]
        if len(set(rules)) != len(rules):
            raise InvalidInput("同じ決まりの会議を1回の開催に2つ入れることはできません。", "parts")
        if MeetingKind.REPRESENTATIVES.value in rules and len(rules) > 1:
            raise InvalidInput("代表者会議は個別ケースを扱う会議と同時に開けません。", "parts")
        people = list(attendees or [])
        if with_members:
            named = {p.get("name") for p in people}
            people += [m for k in kinds for m in k.member_list() if m.get("name") not in named]
        held = validate.date(held_on, "開催日", "held_on", required_=True)
        values = {
            "kind": rules[0],
            "kind_id": kinds[0].id,
            "parts": [{"rule": k.rule, "name": k.name, "kind_id": k.id} for k in kinds],
            "held_on": held,
            "title": validate.optional_text(title) or "・".join(k.name for k in kinds),
            "place": validate.optional_text(place),
            "chair": validate.optional_text(chair),
            "attendees": {new_id()[:12]: attendee(a) for a in _unique(people)},
            "agenda": {},
            "status": PLANNED,
        }
        with self.store.write() as records:
            mid = records.insert("meeting", values, vault_id=self.session.vault("meetings"))
            self.session.audit(records, "change", entity="meeting", entity_id=mid)
        return self.get(mid)

    def schedule(self, kind: str, start: str | dt.date, count: int = 12, *, parts: list[str] | None = None,
                 place: str | None = None) -> list[Meeting]:
        """The next ``count`` sittings of a kind with a monthly rule, its standing members invited."""
        definition = self.kinds.get(kind)
        if not definition.recurrence:
            raise InvalidInput(f"「{definition.name}」には開催の周期が設定されていません。", "recurrence")
        if not 1 <= count <= 24:
            raise InvalidInput("予定を作る回数は1〜24回にしてください。", "count")
        first = dt.date.fromisoformat(validate.date(start, "開始日", "start", required_=True) or "")
        return [self.create(definition.id, day, parts=parts, place=place, with_members=True)
                for day in monthly_dates(definition.recurrence, first, count)]

    def get(self, meeting_id: str) -> Meeting:
        record = self.store.read().get("meeting", meeting_id)
        if record is None:
            raise NotFound(f"会議が見つかりません（ID: {meeting_id}）。")
        return Meeting.from_record(record)

    def list(self) -> list[Meeting]:
        return [Meeting.from_record(r) for r in self.store.read().find("meeting", order_by="held_on", descending=True)]

    def resolve(self, ref: str) -> str:
        """A meeting's id from its id or a unique beginning of it (at least 4 characters)."""
        ref = (ref or "").strip()
        if self.store.read().get("meeting", ref) is not None:
            return ref
        found = [m.id for m in self.list() if len(ref) >= 4 and m.id.startswith(ref)]
        if len(found) == 1:
            return found[0]
        if found:
            raise InvalidInput(f"「{ref}」で始まる会議が{len(found)}件あります。もっと長く指定してください。", "meeting")
        raise NotFound(f"会議が見つかりません（ID: {ref}）。")

    def overview(self) -> list[MeetingRow]:
        """Every meeting, coming ones first then past ones newest first, with their outcome."""
        counts: dict[str, dict[str, int]] = {}
        for row in self.store.read().find("meeting_decision"):
            tally = counts.setdefault(row["meeting_id"], {})
            key = "refused" if row.get("refusal") else row["outcome"]
            tally[key] = tally.get(key, 0) + 1
        today = clock.today().isoformat()
        rows = [MeetingRow(m, len(m.attendee_list()), len(m.agenda_list()), counts.get(m.id, {}),
                           (m.held_on or "") >= today and m.status != HELD) for m in self.list()]
        coming = sorted((r for r in rows if r.coming), key=lambda r: r.meeting.held_on or "")
        return coming + [r for r in rows if not r.coming]

    def set_held(self, meeting_id: str) -> None:
        self.get(meeting_id)
        with self.store.write() as records:
            records.update("meeting", meeting_id, {"status": HELD})
            self.session.audit(records, "change", entity="meeting", entity_id=meeting_id, detail="held")

    # -- attendance ------------------------------------------------------------------------

    def add_attendee(self, meeting_id: str, **data) -> Attendee:
        self.get(meeting_id)
        key = new_id()[:12]
        with self.store.write() as records:
            records.update("meeting", meeting_id, {"attendees": {key: attendee(data)}})
            self.session.audit(records, "change", entity="meeting", entity_id=meeting_id, detail="attendee")
        return next(a for a in self.get(meeting_id).attendee_list() if a.key == key)

    def remove_attendee(self, meeting_id: str, attendee_key: str) -> None:
        if attendee_key not in self.get(meeting_id).attendees:
            raise NotFound("その出席者はこの会議にいません。")
        with self.store.write() as records:
            records.update("meeting", meeting_id, {"attendees": {attendee_key: None}})
            self.session.audit(records, "change", entity="meeting", entity_id=meeting_id, detail="absent")

    def acknowledge(self, meeting_id: str, attendee_key: str) -> Attendee:
        """Record that an attendee acknowledged the confidentiality duty (法106条の6), and when."""
        meeting = self.get(meeting_id)
        current = meeting.attendees.get(attendee_key)
        if not current:
            raise NotFound("その出席者はこの会議にいません。")
        at = clock.now().isoformat(timespec="seconds")
        with self.store.write() as records:
            records.update("meeting", meeting_id, {"attendees": {
                attendee_key: {**current, "acknowledged": True, "acknowledged_at": at}}})
            self.session.audit(records, "change", entity="meeting", entity_id=meeting_id,
                               detail=f"acknowledged:{attendee_key}")
        return next(a for a in self.get(meeting_id).attendee_list() if a.key == attendee_key)

    def may_show_cases(self, meeting: Meeting) -> str | None:
        """None when case details may be shown; otherwise why not (who has not acknowledged)."""
        if MeetingKind.SUPPORT.value not in meeting.rules():
            return None
        attendees = meeting.attendee_list()
        missing = [a.name for a in attendees if not a.acknowledged]
        if attendees and not missing:
            return None
        names = "、".join(missing) or "出席者"
        return f"支援会議では出席者全員の守秘義務（社会福祉法第106条の6）の確認が必要です。未確認: {names}"

    # -- the agenda ------------------------------------------------------------------------

    def set_agenda(self, meeting_id: str, items: list[dict]) -> list[AgendaItem]:
        """Replace the agenda with ``items`` in this order (each: household_id, case_id, reason,
        plan_id): what the coordinator kept, reordered and added from the proposal."""
        meeting = self.get(meeting_id)
        if MeetingKind.REPRESENTATIVES.value in meeting.rules():
            raise Refused("代表者会議では個別ケースを検討しないため、世帯を議題にできません。")
        agenda: dict = {key: None for key in meeting.agenda}
        seen: set[str] = set()
        for position, item in enumerate(items):
            household_id = item.get("household_id") or ""
            if household_id in seen:
                continue
            seen.add(household_id)
            self.session.households.get(household_id)
            case_id = item.get("case_id") or self.session.cases.current_case_id(household_id)
            reason = validate.choice(item.get("reason") or "added", AgendaReason, "議題の理由", "reason")
            agenda[item.get("key") or new_id()[:12]] = {
                "household_id": household_id, "case_id": case_id, "reason": reason, "position": position,
                "plan_id": item.get("plan_id"), "part": self._part_for(meeting, case_id)}
        with self.store.write() as records:
            records.update("meeting", meeting_id, {"agenda": agenda})
            self.session.audit(records, "change", entity="meeting", entity_id=meeting_id, detail="agenda")
        return self.get(meeting_id).agenda_list()

    def add_to_agenda(self, meeting_id: str, household_id: str, reason: str = "added", *,
                      case_id: str | None = None, plan_id: str | None = None) -> list[AgendaItem]:
        current = [vars(i) for i in self.get(meeting_id).agenda_list()]
        return self.set_agenda(meeting_id, [*current, {"household_id": household_id, "reason": reason,
                                                       "case_id": case_id, "plan_id": plan_id}])

    def remove_from_agenda(self, meeting_id: str, household_id: str) -> list[AgendaItem]:
        current = [vars(i) for i in self.get(meeting_id).agenda_list() if i.household_id != household_id]
        return self.set_agenda(meeting_id, current)

    def move_on_agenda(self, meeting_id: str, household_id: str, step: int) -> list[AgendaItem]:
        items = [vars(i) for i in self.get(meeting_id).agenda_list()]
        index = next((n for n, i in enumerate(items) if i["household_id"] == household_id), None)
        if index is None:
            raise NotFound("その世帯はこの会議の議題にありません。")
        target = max(0, min(len(items) - 1, index + step))
        items.insert(target, items.pop(index))
        return self.set_agenda(meeting_id, items)

    def _part_for(self, meeting: Meeting, case_id: str | None) -> str:
        rules = meeting.rules()
        if len(rules) == 1 or case_id is None:
            return meeting.kind
        consented = self.session.cases.facts(case_id).has_consent
        wanted = MeetingKind.COORDINATION.value if consented else MeetingKind.SUPPORT.value
        return wanted if wanted in rules else meeting.kind

    # -- decisions (in the household's vault) ----------------------------------------------

    def decide(self, meeting_id: str, case_id: str, kind: str, outcome: str = "approved", *,
               plan_id: str | None = None, memo: str | None = None, notes: str | None = None,
               next_review_on: str | dt.date | None = None, lead_agency_id: str | None = None,
               roles: list[dict] | None = None, follow_up_on: str | dt.date | None = None) -> MeetingDecision:
        meeting = self.get(meeting_id)
        case = self.session.cases.get(case_id)
        kind = validate.choice(kind, DecisionKind, "決定の種類", "kind")
        outcome = validate.choice(outcome, DecisionOutcome, "結論", "outcome")
        part = self._part_for(meeting, case_id)
        self._check_may_discuss(meeting, part, case_id)
        if kind in (DecisionKind.PLAN, DecisionKind.REPLAN) and not plan_id:
            plan = self.session.forms.current_plan(case_id)
            if plan is None:
                raise InvalidInput("了承するプラン（様式2-1）がありません。", "plan_id")
            plan_id = plan.id
        household = self.session.households.get(case.household_id)
        values = {"household_id": case.household_id, "meeting_id": meeting_id, "case_id": case_id,
                  "kind": kind, "plan_id": plan_id, "outcome": outcome, "decided_on": meeting.held_on,
                  "memo": validate.optional_text(memo), "notes": validate.optional_text(notes), "part": part,
                  "next_review_on": validate.date(next_review_on, "次回の検討日", "next_review_on"),
                  "lead_agency_id": lead_agency_id or None, "roles": list(roles) if roles else None,
                  "follow_up_on": validate.date(follow_up_on, "フォローアップ日", "follow_up_on")}
        with self.store.write() as records:
            did = records.insert("meeting_decision", values, vault_id=household.vault_id)
            self.session.audit(records, "change", entity="meeting_decision", entity_id=did,
                               household_id=case.household_id, detail=f"{part}:{kind}:{outcome}")
        self.session.changed({case.household_id})
        return self.decision(did)

    def _check_may_discuss(self, meeting: Meeting, part: str, case_id: str) -> None:
        kind = MeetingKind(part)
        if kind == MeetingKind.REPRESENTATIVES:
            raise Refused("代表者会議では個別ケースを検討・決定できません。")
        consented = self.session.cases.facts(case_id).has_consent
        if kind == MeetingKind.COORDINATION and not consented:
            raise Refused("本人同意のないケースは重層的支援会議では検討できません。支援会議で検討してください。")
        if kind == MeetingKind.SUPPORT:
            refusal = self.may_show_cases(meeting)
            if refusal:
                raise Refused(refusal)

    def decision(self, decision_id: str) -> MeetingDecision:
        record = self.store.read().get("meeting_decision", decision_id)
        if record is None:
            raise NotFound(f"会議の決定が見つかりません（ID: {decision_id}）。")
        return MeetingDecision.from_record(record)

    def decisions_for_case(self, case_id: str) -> list[MeetingDecision]:
        rows = self.store.read().find("meeting_decision", case_id=case_id, order_by="decided_on")
        return [MeetingDecision.from_record(r) for r in rows]

    def decisions_of(self, meeting_id: str) -> list[MeetingDecision]:
        """This device's view of what a meeting decided: only households it holds."""
        rows = self.store.read().find("meeting_decision", meeting_id=meeting_id, order_by="decided_on")
        return [MeetingDecision.from_record(r) for r in rows]

    def decision_facts(self, case_id: str) -> tuple[DecisionFacts, ...]:
        out = []
        for decision in self.decisions_for_case(case_id):
            record = self.store.read().get("meeting", decision.meeting_id)
            if record is not None:
                try:
                    out.append(facts_of(Meeting.from_record(record), decision))
                except ValueError:  # a kind this version does not know: not a decision it can use
                    continue
        return tuple(out)

    def support_meeting_grants(self, meeting_id: str) -> tuple[list[str], list[str]]:
        """For a held 支援会議: the households on its agenda without consent, and the logins of the
        attendees who acknowledged the duty of confidentiality — who may receive those households
        (the organisation-signed grants of sync). Empty when the meeting has no support part or
        was not held."""
        meeting = self.get(meeting_id)
        if meeting.status != HELD or MeetingKind.SUPPORT.value not in meeting.rules():
            return [], []
        households = []
        for item in meeting.agenda_list():
            case_id = item.case_id or self.session.cases.current_case_id(item.household_id)
            if case_id is None or not self.session.cases.facts(case_id).has_consent:
                households.append(item.household_id)
        logins = sorted({a.login for a in meeting.attendee_list() if a.acknowledged and a.login})
        return households, logins

    # -- the city's 支援決定 (kept here for callers of the first version) ---------------------

    def support_decision(self, case_id: str, *, decided_on: str, decided_by: str | None = None,
                         number: str | None = None, memo: str | None = None) -> SupportDecision:
        from app.services.support_decisions import SupportDecisionService

        return SupportDecisionService(self.session).record(case_id, decided_on=decided_on, decided_by=decided_by,
                                                           number=number, memo=memo)

    def support_decisions(self, case_id: str) -> list[SupportDecision]:
        rows = self.store.read().find("support_decision", case_id=case_id, order_by="decided_on")
        return [SupportDecision.from_record(r) for r in rows]


def _unique(people: list[dict]) -> list[dict]:
    seen, out = set(), []
    for person in people:
        key = (person.get("name"), person.get("agency"))
        if key not in seen:
            seen.add(key)
            out.append(person)
    return out
