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
from app.demo.city import City
from app.demo.history import CaseHistory
from app.demo.names import CITY, GIVEN, SURNAMES
from app.demo.scenarios import SCENARIOS, Scenario
from app.session import Session
from app.vocab import Stage
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


def fill(session: Session, households: int = 300, seed: int = 1) -> DemoReport:
    rng = random.Random(seed)
    today = clock.today()
    report = DemoReport()
    started = time.perf_counter()
    form_set = load_form_set()
    versions = {key.split(":")[0]: form_set.current(key).version for key in form_set.ordered_keys()}
    with session.store.write() as records:
        city = City(session, records, rng, today)
        city.versions = versions
        city.form_set = form_set
        report.meetings = sum(len(v) for v in city.meetings.values())
        session.audit(records, "demo", detail=f"seed={seed}")
    for start in range(0, households, CHUNK):
        with session.store.write() as records:
            for index in range(start, min(households, start + CHUNK)):
                DemoHousehold(records, city, rng, today, index, report).build()
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


class DemoHousehold:
    def __init__(self, records: Records, city: City, rng: random.Random, today: dt.date, index: int,
                 report: DemoReport) -> None:
        self.records, self.city, self.rng, self.today, self.report = records, city, rng, today, report
        self.scenario: Scenario = _weighted(rng, [(s, s.weight) for s in SCENARIOS])
        self.station_id, self.area, self.towns = city.stations[index % len(city.stations)]
        self.vault = new_id()
        self.hid = new_id()
        self.persons: list[tuple[str, str]] = []  # (id, given name)
        self.person_rows: list[dict] = []  # what the forms print about each member
        self.address = self.phone = ""

    def build(self) -> None:
        rng, s = self.rng, self.scenario
        surname, s_kana = rng.choice(SURNAMES)
        lead = self.city.me if self.station_id == self.city.stations[0][0] and rng.random() < 0.4 \
            else rng.choice(self.city.workers[self.station_id])
        town = rng.choice(self.towns)
        self.address = f"{CITY}{self.area.replace('地区', '')}{town}{rng.randint(1, 2999)}-{rng.randint(1, 9)}"
        self.phone = f"0868-{rng.randint(10, 99)}-{rng.randint(1000, 9999)}"
        self.records.insert("household", {
            "name": f"{surname}家", "kana": f"{s_kana}ケ", "address": self.address,
            "phone": self.phone, "station_id": self.station_id,
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
        CaseHistory(self, stage).build()

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


