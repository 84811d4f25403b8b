"""The organisation's directory (名簿): stations, staff, agencies and local resources.

Every entry is added, edited and retired here, whether from the window, the command line or a
CSV file (app/directory_csv.py writes a whole file through `save_in`, in one transaction). An
entry is never deleted: cases, plans and meetings keep naming it. Retiring it (``active`` 0)
only stops it being offered for new records; it can be brought back.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from app import validate
from app.errors import InvalidInput, NotFound
from app.model import Agency, Resource, Staff, Station
from app.session import Service
from app.vocab import StaffRole
from storage.records import Records


@dataclass(frozen=True)
class Kind:
    """One list of the directory: its name in commands and files, its record and its words."""

    code: str  # stations | staff | agencies | resources
    entity: str
    vault: str
    label: str  # 支援関係機関 …
    name_label: str  # what its name is called in messages
    fields: tuple[str, ...]  # what may be set
    model: type


KINDS: dict[str, Kind] = {k.code: k for k in (
    Kind("stations", "station", "directory", "ステーション", "ステーション名", ("name", "area", "sort_order", "active"),
         Station),
    Kind("staff", "staff", "directory", "職員", "職員の氏名",
         ("name", "kana", "login", "station_id", "agency_id", "role", "active"), Staff),
    Kind("agencies", "agency", "directory", "支援関係機関", "機関名",
         ("name", "kind", "area", "station_id", "contact_person", "phone", "address", "memo", "active"), Agency),
    Kind("resources", "resource", "resources", "社会資源", "社会資源の名称",
         ("name", "kind", "area", "station_id", "address", "contact", "description", "active"), Resource),
)}
BY_ENTITY = {k.entity: k for k in KINDS.values()}

_PHONE = re.compile(r"^[0-9０-９()（）\-－‐ー+＋ 　]*(?:内線[0-9０-９]+)?$")
_LOGIN = re.compile(r"^[A-Za-z0-9._@-]{1,64}$")
MAX_TEXT = 2000


def kind_of(code: str) -> Kind:
    try:
        return KINDS[code]
    except KeyError:
        raise InvalidInput(f"名簿の種類「{code}」はありません（{'、'.join(KINDS)}）。", "kind") from None


class DirectoryService(Service):
    # -- reading -------------------------------------------------------------------------

    def list(self, kind: str, *, active_only: bool = False) -> list:
        """Every entry of a kind (retired ones too unless ``active_only``), in the order lists use."""
        k = kind_of(kind)
        order = {"stations": "sort_order", "staff": "kana"}.get(kind, "name")
        rows = [k.model.from_record(r) for r in self.store.read().find(k.entity, order_by=order)]
        if kind == "stations":  # stations without an order after the numbered ones, then by name
            rows.sort(key=lambda s: (s.sort_order is None, s.sort_order or 0, s.name))
        return [r for r in rows if is_active(r)] if active_only else rows

    def stations(self, *, active_only: bool = False) -> list[Station]:
        return self.list("stations", active_only=active_only)

    def staff(self, *, active_only: bool = False) -> list[Staff]:
        return self.list("staff", active_only=active_only)

    def agencies(self, *, active_only: bool = False) -> list[Agency]:
        return self.list("agencies", active_only=active_only)

    def resources(self, *, active_only: bool = False) -> list[Resource]:
        return self.list("resources", active_only=active_only)

    def get(self, kind: str, record_id: str):
        k = kind_of(kind)
        record = self.store.read().get(k.entity, record_id)
        if record is None:
            raise NotFound(f"{k.label}が見つかりません（ID: {record_id}）。")
        return k.model.from_record(record)

    def find(self, kind: str, ref: str):
        """An entry by its id, its name, or (staff) its login: what a command names it by."""
        k = kind_of(kind)
        records = self.store.read()
        found = records.get(k.entity, ref)
        if found is not None:
            return k.model.from_record(found)
        matches = records.find(k.entity, name=ref) or (records.find(k.entity, login=ref) if kind == "staff" else [])
        if len(matches) == 1:
            return k.model.from_record(matches[0])
        if matches:
            raise InvalidInput(f"「{ref}」という{k.label}が{len(matches)}件あります。ID で指定してください"
                               f"（yorisoi directory list --kind {kind}）。", "ref")
        raise NotFound(f"{k.label}「{ref}」が見つかりません（ID または名前で指定してください）。")

    def names(self, entity: str) -> dict[str, str]:
        """id → name for stations, staff or agencies (retired ones too), for showing references."""
        return {r["id"]: r["name"] for r in self.store.read().find(entity)}

    def station_named(self, name: str, *, create: bool = False) -> Station | None:
        for station in self.stations():
            if station.name == name:
                return station
        return self.add_station(name) if create else None

    # -- writing -------------------------------------------------------------------------

    def save(self, kind: str, values: dict, record_id: str | None = None):
        """Add an entry (``record_id`` None) or change the fields given; returns the entry."""
        k = kind_of(kind)
        with self.store.write() as records:
            record_id, _ = self.save_in(records, k, values, record_id)
        self.session.changed(set())
        return self.get(kind, record_id)

    def save_in(self, records: Records, k: Kind, values: dict, record_id: str | None) -> tuple[str, str]:
        """Inside a caller's transaction: returns (id, "created" | "updated" | "unchanged")."""
        clean = self.clean(records, k, values, record_id)
        if record_id is None:
            clean.setdefault("active", 1)
            record_id = records.insert(k.entity, clean, vault_id=self.session.vault(k.vault))
            self.session.audit(records, "change", entity=k.entity, entity_id=record_id, detail="create")
            return record_id, "created"
        if records.get(k.entity, record_id) is None:
            raise NotFound(f"{k.label}が見つかりません（ID: {record_id}）。")
        if not records.update(k.entity, record_id, clean):
            return record_id, "unchanged"
        self.session.audit(records, "change", entity=k.entity, entity_id=record_id, detail=",".join(sorted(clean)))
        return record_id, "updated"

    def retire(self, kind: str, record_id: str) -> None:
        """No longer offered for new records; everything that names it keeps its name."""
        self.save(kind, {"active": 0}, record_id)

    def restore(self, kind: str, record_id: str) -> None:
        self.save(kind, {"active": 1}, record_id)

    def clean(self, records: Records, k: Kind, values: dict, record_id: str | None) -> dict:
        """The values as stored, or InvalidInput naming the field, in Japanese."""
        unknown = set(values) - set(k.fields)
        if unknown:
            raise InvalidInput(f"{k.label}に「{'、'.join(sorted(unknown))}」という項目はありません。")
        out: dict = {}
        for name, value in values.items():
            if isinstance(value, str):
                value = value.strip() or None
                if value and len(value) > MAX_TEXT:
                    raise InvalidInput(f"{name} が長すぎます（{MAX_TEXT}文字まで）。", name)
            out[name] = value
        if "name" in out or record_id is None:
            out["name"] = validate.name(out.get("name"), k.name_label, "name")
        if out.get("phone"):
            out["phone"] = phone(out["phone"])
        if "sort_order" in out and out["sort_order"] is not None:
            out["sort_order"] = integer(out["sort_order"], "表示順", "sort_order")
        if "active" in out:
            out["active"] = 0 if out["active"] in (0, "0", False) else 1
        if out.get("role"):
            out["role"] = validate.choice(out["role"], StaffRole, "役割", "role")
        for name, entity, label in (("station_id", "station", "ステーション"), ("agency_id", "agency", "所属機関")):
            if out.get(name) and records.get(entity, out[name]) is None:
                raise InvalidInput(f"{label}が見つかりません（ID: {out[name]}）。", name)
        if out.get("login"):
            out["login"] = login(out["login"])
            for other in records.find("staff", login=out["login"]):
                if other["id"] != record_id:
                    raise InvalidInput(f"ログイン名「{out['login']}」はすでに {other['name']} さんが使っています。", "login")
        return out

    # -- the shorthand the rest of the app uses ------------------------------------------

    def add_station(self, name: str, area: str | None = None, sort_order: int | None = None) -> Station:
        return self.save("stations", {"name": name, "area": area, "sort_order": sort_order})

    def add_staff(self, name: str, *, kana: str | None = None, station_id: str | None = None,
                  role: str | None = None, login: str | None = None, agency_id: str | None = None) -> Staff:
        return self.save("staff", {"name": name, "kana": kana, "station_id": station_id, "role": role,
                                   "login": login, "agency_id": agency_id})

    def add_agency(self, name: str, kind: str | None = None, phone: str | None = None,
                   address: str | None = None, **more) -> Agency:
        return self.save("agencies", {"name": name, "kind": kind, "phone": phone, "address": address, **more})

    def add_resource(self, name: str, kind: str | None = None, *, area: str | None = None,
                     address: str | None = None, contact: str | None = None,
                     description: str | None = None, station_id: str | None = None) -> Resource:
        return self.save("resources", {"name": name, "kind": kind, "area": area, "address": address,
                                       "contact": contact, "description": description, "station_id": station_id})


def is_active(entry) -> bool:
    return getattr(entry, "active", 1) not in (0, "0", False)


def phone(text: str) -> str:
    if not _PHONE.match(text):
        raise InvalidInput(f"電話番号「{text}」が読めません（数字とハイフンで。例: 0868-72-0000、内線は「内線123」）。", "phone")
    return text


def integer(value, label: str, field: str) -> int:
    try:
        return int(unicodedata.normalize("NFKC", str(value)).strip())
    except ValueError:
        raise InvalidInput(f"{label}「{value}」は整数で入力してください。", field) from None


def login(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).strip()
    if not _LOGIN.match(text):
        raise InvalidInput(f"ログイン名「{text}」は半角の英数字と . _ - @ で入力してください。", "login")
    return text
