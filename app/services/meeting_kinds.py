"""A city's kinds of meeting, their standing members and their monthly dates.

Every city has the three bodies of the law (支援会議, 重層的支援会議, 代表者会議); it may add its own
tiers (全体会議, 実務者会議, 個別事例検討会議, コアメンバー会議 …), each following one of the three
rule classes. The three built-in kinds exist without a record; a record with the fixed id
``kind-<rule>`` holds their standing members once someone sets them, so two offices setting them
offline merge into one kind instead of two.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re

from app import validate
from app.errors import InvalidInput
from app.model import MeetingKindDef
from app.session import Service
from app.vocab import AttendeeRole, MeetingKind
from storage.records import new_id

BUILT_IN = {rule.value: f"kind-{rule.value}" for rule in MeetingKind}
WEEKDAYS = "月火水木金土日"
_RECURRENCE = re.compile(r"^monthly:(?:(\d{1,2})|([1-5]):([0-6]))$")


def describe_recurrence(recurrence: str | None) -> str:
    """「毎月10日」「毎月第2火曜日」, or "" for none."""
    found = _RECURRENCE.match(recurrence or "")
    if not found:
        return ""
    day, nth, weekday = found.groups()
    return f"毎月{int(day)}日" if day else f"毎月第{nth}{WEEKDAYS[int(weekday)]}曜日"


def monthly_dates(recurrence: str, start: dt.date, count: int) -> list[dt.date]:
    """The next ``count`` dates on or after ``start`` of a monthly rule."""
    found = _RECURRENCE.match(recurrence or "")
    if not found:
        raise InvalidInput("開催の周期は「monthly:日」か「monthly:第n:曜日番号」で指定してください"
                           "（例: monthly:10、monthly:2:1 は毎月第2火曜日）。", "recurrence")
    day, nth, weekday = found.groups()
    out: list[dt.date] = []
    year, month = start.year, start.month
    while len(out) < count:
        last = calendar.monthrange(year, month)[1]
        if day:
            when = dt.date(year, month, min(int(day), last))
        else:
            first = dt.date(year, month, 1)
            offset = (int(weekday) - first.weekday()) % 7
            when = first + dt.timedelta(days=offset + 7 * (int(nth) - 1))
            if when.month != month:
                when = dt.date(year, month, last) - dt.timedelta(days=(dt.date(year, month, last).weekday()
                                                                      - int(weekday)) % 7)
        if when >= start:
            out.append(when)
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return out


def member(data: dict, who: str = "構成員") -> dict:
    """A person on a meeting's roll, checked; ``who`` names them in the messages (構成員, 出席者)."""
    return {
        "name": validate.required(data.get("name"), f"{who}の氏名", "name"),
        "role": validate.choice(data.get("role") or "agency", AttendeeRole, f"{who}の立場", "role"),
        "agency": validate.optional_text(data.get("agency")),
        "agency_id": data.get("agency_id"),
        "staff_id": data.get("staff_id"),
        "login": validate.optional_text(data.get("login")),
    }


class MeetingKindService(Service):
    def kinds(self) -> list[MeetingKindDef]:
        stored = {r["id"]: MeetingKindDef.from_record(r) for r in self.store.read().find("meeting_kind")}
        out = []
        for index, rule in enumerate(MeetingKind):
            kid = BUILT_IN[rule.value]
            out.append(stored.pop(kid, None) or MeetingKindDef(kid, rule.label, rule.value, sort_order=index))
        own = sorted((k for k in stored.values() if k.active != 0), key=lambda k: (k.sort_order or 99, k.name))
        return out + own

    def get(self, kind_id: str) -> MeetingKindDef:
        kind_id = BUILT_IN.get(kind_id, kind_id)  # "support" names the built-in 支援会議
        found = next((k for k in self.kinds() if k.id == kind_id), None)
        if found is None:
            raise InvalidInput(f"会議の種類が正しくありません（{kind_id}）。", "kind")
        return found

    def add(self, name: str, rule: str, *, recurrence: str | None = None,
            members: list[dict] | None = None, memo: str | None = None) -> MeetingKindDef:
        values = {"name": validate.required(name, "会議の名前", "name"),
                  "rule": validate.choice(rule, MeetingKind, "会議の決まり（種別）", "rule"),
                  "recurrence": self._recurrence(recurrence), "members": {new_id()[:12]: member(m) for m in members or []},
                  "sort_order": 10 + len(self.kinds()), "active": 1, "memo": validate.optional_text(memo)}
        with self.store.write() as records:
            kid = records.insert("meeting_kind", values, vault_id=self.session.vault("meetings"))
            self.session.audit(records, "change", entity="meeting_kind", entity_id=kid)
        return self.get(kid)

    def update(self, kind_id: str, *, name: str | None = None, recurrence: str | None = None,
               members: list[dict] | None = None) -> MeetingKindDef:
        """Rename a city's kind, set its recurrence, replace its standing members."""
        current = self.get(kind_id)
        values: dict = {}
        if name is not None:
            values["name"] = validate.required(name, "会議の名前", "name")
        if recurrence is not None:
            values["recurrence"] = self._recurrence(recurrence)
        if members is not None:
            values["members"] = {**{k: None for k in current.members}, **{new_id()[:12]: member(m) for m in members}}
        with self.store.write() as records:
            if records.get("meeting_kind", current.id) is None:  # a built-in kind's first record
                records.insert("meeting_kind", {"name": current.name, "rule": current.rule, "members": {},
                                                "sort_order": current.sort_order, "active": 1, **values},
                               vault_id=self.session.vault("meetings"), record_id=current.id)
            else:
                records.update("meeting_kind", current.id, values)
            self.session.audit(records, "change", entity="meeting_kind", entity_id=current.id)
        return self.get(current.id)

    @staticmethod
    def _recurrence(text: str | None) -> str | None:
        text = validate.optional_text(text)
        if text:
            monthly_dates(text, dt.date(2000, 1, 1), 1)  # refuses a malformed rule, in Japanese
        return text
