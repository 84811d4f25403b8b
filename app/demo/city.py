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
