"""What a printed form needs besides its answers, and how each answer reads on paper.

The app gathers names (people, agencies, staff, other forms) into a `RenderContext`; the PDF
and the screen's review use `answer_text` so a date reads 令和7年4月1日 (a birth date
「昭和47年5月1日（53歳）」, the age at the form's date), a person reads their name, a choice
reads its label. The age is printed once, beside the birth date, as on the paper forms.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from forms.schema import FieldDef, FormDefinition
from forms.wareki import WarekiError, format_wareki, parse_date


@dataclass
class RenderContext:
    city_name: str = ""
    persons: dict[str, tuple[str, str | None]] = field(default_factory=dict)  # id → (name, birth date)
    agencies: dict[str, str] = field(default_factory=dict)
    staff: dict[str, str] = field(default_factory=dict)
    records: dict[str, str] = field(default_factory=dict)  # form record id → how it is named
    household_name: str = ""
    status_label: str = ""  # 下書き, 完成, 会議了承 … printed beside the title
    signed: str = ""  # 「確認: 佐藤 花子（令和7年4月3日）」
    handling: str = "取扱注意"

    def name_of(self, f: FieldDef, value: Any) -> str:
        table = {"person": None, "agency": self.agencies, "staff": self.staff, "record": self.records}[f.type]
        if f.type == "person":
            found = self.persons.get(str(value))
            return found[0] if found else str(value)
        return table.get(str(value), str(value)) if table is not None else str(value)


def age_on(birth: dt.date, day: dt.date) -> int:
    """Completed years at ``day`` (a person born on 29 February turns a year older on 1 March)."""
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


def form_date(definition: FormDefinition, answers: dict[str, Any]) -> dt.date | None:
    """The form's own date (受付日, 作成日 …): ages are computed at it."""
    raw = answers.get(definition.date_field) if definition.date_field else None
    return _date(raw)


def _date(raw: Any) -> dt.date | None:
    if not raw:
        return None
    try:
        return parse_date(str(raw))
    except WarekiError:
        return None


def answer_text(f: FieldDef, value: Any, ctx: RenderContext, on: dt.date | None) -> str:
    """One answer as text (tables and check boxes are drawn by the PDF itself)."""
    if value is None or value == "" or value == []:
        return ""
    if f.type == "date":
        day = _date(value)
        if day is None:
            return str(value)  # kept as typed: never hide what was written
        text = format_wareki(day)
        if f.show_age and on is not None and day <= on:
            text += f"（{age_on(day, on)}歳）"
        return text
    if f.type == "person":
        found = ctx.persons.get(str(value))
        return found[0] if found else str(value)
    if f.type in ("agency", "staff", "record"):
        return ctx.name_of(f, value)
    if f.type == "choice":
        return f.option_label(value)
    if f.type == "multichoice":
        return "、".join(f.option_label(v) for v in (value if isinstance(value, list) else [value]))
    if f.type == "check":
        return "はい" if value is True else str(value) if value is not False else ""
    if f.type == "number":
        return f"{value}{f.unit}"
    return str(value)
