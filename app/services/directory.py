"""The organisation's directory: stations, staff, agencies and local resources."""

from __future__ import annotations

from app import validate
from app.model import Agency, Resource, Staff, Station
from app.session import Service


class DirectoryService(Service):
    def stations(self) -> list[Station]:
        rows = self.store.read().find("station", order_by="sort_order")
        return [Station.from_record(r) for r in rows]

    def add_station(self, name: str, area: str | None = None, sort_order: int | None = None) -> Station:
        name = validate.required(name, "ステーション名", "name")
        with self.store.write() as records:
            sid = records.insert(
                "station", {"name": name, "area": area, "sort_order": sort_order},
                vault_id=self.session.vault("directory"),
            )
            self.session.audit(records, "change", entity="station", entity_id=sid)
        return Station(sid, name, area, sort_order)

    def station_named(self, name: str, *, create: bool = False) -> Station | None:
        for station in self.stations():
            if station.name == name:
                return station
        return self.add_station(name) if create else None

    def staff(self) -> list[Staff]:
        return [Staff.from_record(r) for r in self.store.read().find("staff", order_by="kana")]

    def add_staff(self, name: str, *, kana: str | None = None, station_id: str | None = None,
                  role: str | None = None, login: str | None = None, agency_id: str | None = None) -> Staff:
        name = validate.required(name, "職員の氏名", "name")
        values = {"name": name, "kana": kana, "station_id": station_id, "role": role,
                  "login": login, "agency_id": agency_id, "active": 1}
        with self.store.write() as records:
            sid = records.insert("staff", values, vault_id=self.session.vault("directory"))
            self.session.audit(records, "change", entity="staff", entity_id=sid)
        return Staff(sid, **values)

    def agencies(self) -> list[Agency]:
        return [Agency.from_record(r) for r in self.store.read().find("agency", order_by="name")]

    def add_agency(self, name: str, kind: str | None = None, phone: str | None = None,
                   address: str | None = None) -> Agency:
        name = validate.required(name, "機関名", "name")
        values = {"name": name, "kind": kind, "phone": phone, "address": address}
        with self.store.write() as records:
            aid = records.insert("agency", values, vault_id=self.session.vault("directory"))
            self.session.audit(records, "change", entity="agency", entity_id=aid)
        return Agency(aid, **values)

    def resources(self) -> list[Resource]:
        return [Resource.from_record(r) for r in self.store.read().find("resource", order_by="name")]

    def add_resource(self, name: str, kind: str | None = None, *, area: str | None = None,
                     address: str | None = None, contact: str | None = None,
                     description: str | None = None, station_id: str | None = None) -> Resource:
        name = validate.required(name, "社会資源の名称", "name")
        values = {"name": name, "kind": kind, "area": area, "address": address, "contact": contact,
                  "description": description, "station_id": station_id, "active": 1}
        with self.store.write() as records:
            rid = records.insert("resource", values, vault_id=self.session.vault("resources"))
            self.session.audit(records, "change", entity="resource", entity_id=rid)
        return Resource(rid, **values)

    def names(self, entity: str) -> dict[str, str]:
        """id → name for stations, staff or agencies, for showing references."""
        return {r["id"]: r["name"] for r in self.store.read().find(entity)}
