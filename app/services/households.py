"""Households and their members."""

from __future__ import annotations

from app import clock, validate
from app.errors import InvalidInput, NotFound
from app.model import Household, Person
from app.session import Service
from storage import household_list
from storage.household_list import HouseholdQuery, HouseholdRow
from storage.records import new_id

HOUSEHOLD_FIELDS = ("name", "kana", "address", "phone", "station_id", "lead_staff_id",
                    "next_action", "next_action_on", "memo")
PERSON_FIELDS = ("name", "kana", "birth_date", "relation", "sex", "is_elderly", "is_disabled",
                 "is_child", "is_hardship", "is_welfare", "phone", "memo")
FLAGS = ("is_elderly", "is_disabled", "is_child", "is_hardship", "is_welfare")


def _household_values(values: dict) -> dict:
    unknown = set(values) - set(HOUSEHOLD_FIELDS)
    if unknown:
        raise InvalidInput(f"世帯に「{'、'.join(sorted(unknown))}」という項目はありません。")
    out = dict(values)
    if "name" in out:
        out["name"] = validate.name(out["name"], "世帯名", "name")
    if "next_action_on" in out:
        out["next_action_on"] = validate.date(out["next_action_on"], "次回予定日", "next_action_on")
    return out


def _person_values(values: dict) -> dict:
    unknown = set(values) - set(PERSON_FIELDS)
    if unknown:
        raise InvalidInput(f"世帯員に「{'、'.join(sorted(unknown))}」という項目はありません。")
    out = dict(values)
    if "name" in out:
        out["name"] = validate.name(out["name"], "氏名", "name")
    if "birth_date" in out:
        out["birth_date"] = validate.not_after_today(validate.date(out["birth_date"], "生年月日", "birth_date"),
                                                     "生年月日", "birth_date")
    for flag in FLAGS:
        if flag in out:
            out[flag] = 1 if out[flag] else 0
    return out


class HouseholdService(Service):
    def create(self, name: str, address: str | None = None, station_id: str | None = None,
               **values) -> Household:
        fields = _household_values({"name": name, "address": address, "station_id": station_id, **values})
        fields.setdefault("lead_staff_id", self.session.me or None)
        fields["created_on"] = clock.today().isoformat()
        vault_id = new_id()
        with self.store.write() as records:
            hid = records.insert("household", fields, vault_id=vault_id)
            self.session.audit(records, "change", entity="household", entity_id=hid, household_id=hid,
                               detail="create")
        self.session.changed({hid})
        return self.get(hid)

    def update(self, household_id: str, **values) -> Household:
        fields = _household_values(values)
        self.get(household_id)
        with self.store.write() as records:
            if records.update("household", household_id, fields):
                self.session.audit(records, "change", entity="household", entity_id=household_id,
                                   household_id=household_id, detail=",".join(sorted(fields)))
        self.session.changed({household_id})
        return self.get(household_id)

    def resolve(self, ref: str) -> str:
        """A household's record id from its id or its 元の番号 (the id it had in an imported
        file): what a command's --household accepts."""
        records = self.store.read()
        if records.get("household", ref) is not None:
            return ref
        found = records.find("household", source_id=ref)
        if len(found) == 1:
            return found[0]["id"]
        if found:
            sources = "、".join(sorted({r["source"] or "" for r in found}))
            raise InvalidInput(f"元の番号「{ref}」の世帯が{len(found)}件あります（取り込み元: {sources}）。"
                               "世帯の ID で指定してください。", "household")
        raise NotFound(f"世帯が見つかりません（ID または元の番号: {ref}）。")

    def get(self, household_id: str) -> Household:
        record = self.store.read().get("household", household_id)
        if record is None:
            raise NotFound(f"世帯が見つかりません（ID: {household_id}）。")
        return Household.from_record(record)

    def persons(self, household_id: str) -> list[Person]:
        rows = self.store.read().find("person", household_id=household_id, order_by="birth_date")
        return [Person.from_record(r) for r in rows]

    def add_person(self, household_id: str, name: str, **values) -> Person:
        household = self.get(household_id)
        fields = _person_values({"name": name, **values})
        if fields.get("birth_date") and "is_elderly" not in values and "is_child" not in values:
            age = Person("", birth_date=fields["birth_date"]).age_on(clock.today())
            fields["is_elderly"] = int(age is not None and age >= 65)
            fields["is_child"] = int(age is not None and age < 18)
        fields["household_id"] = household_id
        with self.store.write() as records:
            pid = records.insert("person", fields, vault_id=household.vault_id)
            self.session.audit(records, "change", entity="person", entity_id=pid,
                               household_id=household_id, detail="create")
        self.session.changed({household_id})
        return self.person(pid)

    def person(self, person_id: str) -> Person:
        record = self.store.read().get("person", person_id)
        if record is None:
            raise NotFound(f"世帯員が見つかりません（ID: {person_id}）。")
        return Person.from_record(record)

    def update_person(self, person_id: str, **values) -> Person:
        person = self.person(person_id)
        fields = _person_values(values)
        with self.store.write() as records:
            if records.update("person", person_id, fields):
                self.session.audit(records, "change", entity="person", entity_id=person_id,
                                   household_id=person.household_id, detail=",".join(sorted(fields)))
        self.session.changed({person.household_id})
        return self.person(person_id)

    def remove_person(self, person_id: str) -> None:
        person = self.person(person_id)
        with self.store.write() as records:
            records.delete("person", person_id)
            self.session.audit(records, "change", entity="person", entity_id=person_id,
                               household_id=person.household_id, detail="delete")
        self.session.changed({person.household_id})

    def rows(self, query: HouseholdQuery | None = None) -> list[HouseholdRow]:
        query = query or HouseholdQuery(me=self.session.me or None)
        return household_list.list_rows(self.store.connection(), query)

    def first_rows(self, query: HouseholdQuery, size: int) -> list[HouseholdRow]:
        """The first screen of `rows(query)`, quickly (the rest follows with `rows`)."""
        return household_list.first_rows(self.store.connection(), query, size)

    def count(self, query: HouseholdQuery | None = None) -> int:
        return household_list.count(self.store.connection(), query or HouseholdQuery())
