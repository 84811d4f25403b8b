"""The demo city's directory: six stations and their staff, agencies, local resources, and two
years of monthly support and coordination meetings that case histories can cite."""

from __future__ import annotations

import datetime as dt
import random

from app.demo.names import AGENCIES, GIVEN, RESOURCES, STATIONS, SURNAMES
from app.session import Session
from storage.records import Records, new_id


class City:
    """The directory the households refer to."""

    def __init__(self, session: Session, records: Records, rng: random.Random, today: dt.date) -> None:
        self.session = session
        self.versions: dict[str, int] = {}  # form id → the current definition version
        self.form_set = None  # the shipped definitions: the household's known fields pre-fill them
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
        self.agenda_sizes: dict[str, int] = {}
        self.decisions_made = 0

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
                # Past sittings: every attendee acknowledged 法106条の6 as the sitting opened.
                past = held <= today
                ack = {"acknowledged": past, "acknowledged_at": f"{held.isoformat()}T13:30:00+09:00" if past else None}
                attendees = {
                    new_id()[:12]: {"name": names.get(self.office[0], "市職員"), "role": "city",
                                    "staff_id": self.office[0], "agency": "みその市 社会福祉課", **ack},
                    new_id()[:12]: {"name": names.get(self.office[1], "多機関協働"), "role": "coordinator",
                                    "staff_id": self.office[1], "agency": "多機関協働事業", **ack},
                }
                for kind_name in rng.sample(sorted(self.agencies), 3):
                    attendees[new_id()[:12]] = {"name": f"{kind_name} 担当者", "role": "agency", "agency": kind_name,
                                                "agency_id": self.agencies[kind_name], **ack}
                mid = records.insert("meeting", {
                    "kind": kind, "held_on": held.isoformat(), "title": f"{held.year}年{held.month}月 {title}",
                    "place": "みその市役所 第2会議室", "chair": "社会福祉課長", "attendees": attendees,
                    "kind_id": f"kind-{kind}", "parts": [{"rule": kind, "name": title, "kind_id": f"kind-{kind}"}],
                    "agenda": {}, "status": "held" if past else "planned"}, vault_id=vault)
                out[kind].append((held.isoformat(), mid))
        return out

    def put_on_agenda(self, records, meeting_id: str, household_id: str, case_id: str, reason: str, part: str) -> None:
        """The household on that meeting's agenda (by id only: what was said is the household's)."""
        position = self.agenda_sizes.get(meeting_id, 0)
        self.agenda_sizes[meeting_id] = position + 1
        records.update("meeting", meeting_id, {"agenda": {new_id()[:12]: {
            "household_id": household_id, "case_id": case_id, "reason": reason, "position": position, "part": part}}})

    def decision_number(self, day: dt.date) -> str:
        """The city's 支援決定番号, numbered through the demo."""
        self.decisions_made += 1
        return f"{day.year}-{self.decisions_made:04d}"

    def meeting_after(self, kind: str, day: dt.date) -> tuple[str, str] | None:
        for held, mid in self.meetings[kind]:
            if held >= day.isoformat():
                return held, mid
        return None
