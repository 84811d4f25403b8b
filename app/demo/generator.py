"""Fill a profile with a fictional rural city: six stations, their staff and agencies, and
households in every situation and lifecycle stage, with two years of contacts and notes.

Histories are built to obey the programme's rules (consent before assessment, a meeting
decision before a plan is confirmed, the city's support decision for outreach plans, …), so
the demo shows the lifecycle as it really runs. Writes go straight through the record layer in
large transactions: a 10,000-household city takes seconds, not minutes.
"""

from __future__ import annotations

import datetime as dt
import random
import time
from dataclasses import dataclass

from app import clock, form_settings
from app.demo import form_answers
from app.demo.names import AGENCIES, CITY, GIVEN, RESOURCES, STATIONS, SURNAMES
from app.demo.scenarios import SCENARIOS, VISIT_COMMON, Scenario
from app.session import Session
from app.vocab import ContactKind, Outcome, Stage
from forms.formset import load_form_set
from storage.records import Records, new_id

STAGE_WEIGHTS = (
    (None, 8), (Stage.INTAKE, 7), (Stage.OUTREACH, 14), (Stage.CONSENTED, 4), (Stage.ASSESSMENT, 7),
    (Stage.PLAN_DRAFTED, 6), (Stage.PLAN_APPROVED, 4), (Stage.IN_SUPPORT, 28), (Stage.REPLANNING, 4),
    (Stage.CLOSED, 10), (Stage.SUSPENDED, 3), (Stage.HANDED_BACK, 5),
)
ORDER = (Stage.INTAKE, Stage.OUTREACH, Stage.CONSENTED, Stage.ASSESSMENT, Stage.PLAN_DRAFTED,
         Stage.PLAN_APPROVED, Stage.IN_SUPPORT, Stage.REPLANNING)
CHUNK = 500


@dataclass
class DemoReport:
    households: int = 0
    persons: int = 0
    cases: int = 0
    contacts: int = 0
    notes: int = 0
    meetings: int = 0
    seconds: float = 0.0


class _City:
    """The directory the households refer to."""

    def __init__(self, session: Session, records: Records, rng: random.Random, today: dt.date) -> None:
        self.session = session
        self.versions: dict[str, int] = {}  # form id → the current definition version
        directory = session.vault("directory")
        self.stations: list[tuple[str, str, tuple[str, ...]]] = []
        for order, (name, area, towns) in enumerate(STATIONS):
            sid = records.insert("station", {"name": name, "area": area, "sort_order": order}, vault_id=directory)
            self.stations.append((sid, area, towns))
        self.agencies: dict[str, str] = {}
        for name, kind in AGENCIES:
            self.agencies.setdefault(kind, records.insert("agency", {"name": name, "kind": kind}, vault_id=directory))
        self.resources = []
        resources = session.vault("resources")
        station_ids = {name: sid for (sid, _, _), (name, _, _) in zip(self.stations, STATIONS, strict=True)}
        for name, kind, station, description in RESOURCES:
            records.insert("resource", {"name": name, "kind": kind, "description": description,
                                        "station_id": station_ids[station], "active": 1, "area": station},
                           vault_id=resources)
            self.resources.append(name)
        self.workers: dict[str, list[str]] = {}
        for sid, _, _ in self.stations:
            self.workers[sid] = [self._staff(records, rng, directory, sid, role) for role in ("csw", "outreach", "csw")]
        self.office = [self._staff(records, rng, directory, None, "office") for _ in range(2)]
        self.me = session.me
        records.update("staff", self.me, {"name": "デモ 利用者", "kana": "デモ リヨウシャ", "role": "csw",
                                          "station_id": self.stations[0][0], "login": "demo"})
        self.meetings = self._meetings(records, rng, today)

    def _staff(self, records, rng, vault, station_id, role) -> str:
        sex = rng.choice("mf")
        surname, s_kana = rng.choice(SURNAMES)
        given, g_kana = rng.choice(GIVEN[(sex, rng.choice(("mid", "young")))])
        return records.insert("staff", {"name": f"{surname} {given}", "kana": f"{s_kana} {g_kana}",
                                        "station_id": station_id, "role": role, "active": 1}, vault_id=vault)

    def _meetings(self, records, rng, today) -> dict[str, list[tuple[str, str]]]:
        vault = self.session.vault("meetings")
        out: dict[str, list[tuple[str, str]]] = {"support": [], "coordination": []}
        names = self.session.directory.names("staff")
        for months_ago in range(26, -1, -1):
            first = (today.replace(day=1) - dt.timedelta(days=30 * months_ago)).replace(day=1)
            held = first + dt.timedelta(days=rng.randint(8, 20))
            for kind, title in (("support", "支援会議"), ("coordination", "重層的支援会議")):
                attendees = {
                    new_id()[:12]: {"name": names.get(self.office[0], "市職員"), "role": "city", "acknowledged": True,
                                    "staff_id": self.office[0]},
                    new_id()[:12]: {"name": names.get(self.office[1], "多機関協働"), "role": "coordinator",
                                    "acknowledged": True, "staff_id": self.office[1]},
                }
                for kind_name in rng.sample(sorted(self.agencies), 3):
                    attendees[new_id()[:12]] = {"name": f"{kind_name} 担当者", "role": "agency",
                                                "agency_id": self.agencies[kind_name], "acknowledged": True}
                mid = records.insert("meeting", {
                    "kind": kind, "held_on": held.isoformat(), "title": f"{held.year}年{held.month}月 {title}",
                    "place": "みその市役所 第2会議室", "chair": "社会福祉課長", "attendees": attendees,
                    "status": "held" if held <= today else "planned"}, vault_id=vault)
                out[kind].append((held.isoformat(), mid))
        return out

    def meeting_after(self, kind: str, day: dt.date) -> tuple[str, str] | None:
        for held, mid in self.meetings[kind]:
            if held >= day.isoformat():
                return held, mid
        return None


def fill(session: Session, households: int = 300, seed: int = 1) -> DemoReport:
    rng = random.Random(seed)
    today = clock.today()
    report = DemoReport()
    started = time.perf_counter()
    form_set = load_form_set()
    versions = {key.split(":")[0]: form_set.current(key).version for key in form_set.ordered_keys()}
    with session.store.write() as records:
        city = _City(session, records, rng, today)
        city.versions = versions
        report.meetings = sum(len(v) for v in city.meetings.values())
        session.audit(records, "demo", detail=f"seed={seed}")
    for start in range(0, households, CHUNK):
        with session.store.write() as records:
            for index in range(start, min(households, start + CHUNK)):
                _Household(records, city, rng, today, index, report).build()
    form_settings.put(session, "city_name", CITY)  # printed on every form
    report.seconds = time.perf_counter() - started
    session.changed(set())
    return report


def _weighted(rng: random.Random, pairs):
    total = sum(w for _, w in pairs)
    pick = rng.uniform(0, total)
    for value, weight in pairs:
        pick -= weight
        if pick <= 0:
            return value
    return pairs[-1][0]


class _Household:
    def __init__(self, records: Records, city: _City, rng: random.Random, today: dt.date, index: int,
                 report: DemoReport) -> None:
        self.records, self.city, self.rng, self.today, self.report = records, city, rng, today, report
        self.scenario: Scenario = _weighted(rng, [(s, s.weight) for s in SCENARIOS])
        self.station_id, self.area, self.towns = city.stations[index % len(city.stations)]
        self.vault = new_id()
        self.hid = new_id()
        self.persons: list[tuple[str, str]] = []  # (id, given name)
        self.person_rows: list[dict] = []  # what the forms print about each member

    def build(self) -> None:
        rng, s = self.rng, self.scenario
        surname, s_kana = rng.choice(SURNAMES)
        lead = self.city.me if self.station_id == self.city.stations[0][0] and rng.random() < 0.4 \
            else rng.choice(self.city.workers[self.station_id])
        town = rng.choice(self.towns)
        self.records.insert("household", {
            "name": f"{surname}家", "kana": f"{s_kana}ケ",
            "address": f"{CITY}{self.area.replace('地区', '')}{town}{rng.randint(1, 2999)}-{rng.randint(1, 9)}",
            "phone": f"0868-{rng.randint(10, 99)}-{rng.randint(1000, 9999)}", "station_id": self.station_id,
            "lead_staff_id": lead, "created_on": (self.today - dt.timedelta(days=rng.randint(60, 900))).isoformat(),
        }, record_id=self.hid, vault_id=self.vault)
        self.report.households += 1
        for member in s.members:
            self._person(member, surname, s_kana)
        stage = _weighted(rng, STAGE_WEIGHTS)
        if stage is None:
            if rng.random() < 0.6:
                self._watch()
            return
        _Case(self, stage).build()

    def _person(self, member, surname: str, s_kana: str) -> None:
        rng = self.rng
        age = rng.randint(*member.ages)
        generation = "child" if age < 18 else "young" if age < 40 else "mid" if age < 65 else "old"
        given, g_kana = rng.choice(GIVEN[(member.sex, generation)])
        born = self.today - dt.timedelta(days=age * 365 + rng.randint(0, 364))
        flags = {flag: 1 for flag in member.flags}
        flags.setdefault("is_elderly", int(age >= 65))
        flags.setdefault("is_child", int(age < 18))
        row = {"name": f"{surname} {given}", "kana": f"{s_kana} {g_kana}", "birth_date": born.isoformat(),
               "relation": member.relation, "sex": "男" if member.sex == "m" else "女"}
        pid = self.records.insert("person", {"household_id": self.hid, **row, **flags}, vault_id=self.vault)
        self.persons.append((pid, given))
        self.person_rows.append(row)
        self.report.persons += 1

    def _watch(self) -> None:
        self.records.insert("watch_entry", {
            "household_id": self.hid, "reason": "近所の方から心配の声。しばらく様子を見る。",
            "since": (self.today - dt.timedelta(days=self.rng.randint(10, 300))).isoformat(),
            "next_check_on": (self.today + dt.timedelta(days=self.rng.randint(-20, 60))).isoformat(),
            "liaison_staff_id": self.rng.choice(self.city.workers[self.station_id]), "active": 1,
        }, vault_id=self.vault)

    def text(self, template: str) -> str:
        principal = self.persons[0][1]
        family = self.persons[1][1] if len(self.persons) > 1 else principal
        return template.format(p=principal, f=family, r=self.rng.choice(self.city.resources))


class _Case:
    """One case's history up to its stage, every step backed by what the rules require."""

    def __init__(self, household: _Household, stage: Stage) -> None:
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
        return self.records.insert("meeting_decision", {
            "household_id": self.h.hid, "meeting_id": mid, "case_id": self.cid, "kind": decision_kind,
            "plan_id": self.plan_id if decision_kind in ("plan", "replan") else None, "outcome": "approved",
            "decided_on": held}, vault_id=self.h.vault)

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
