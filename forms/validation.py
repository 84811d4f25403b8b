"""Checking answers against a definition: one clear Japanese message per field.

Nothing a user typed is ever dropped or rewritten here. `check` returns the problems and a
normalised copy of the answers in which only values that could be read are converted (a
date typed as ``R7.4.1`` becomes ``2025-04-01``, ``１２`` becomes ``12``); a value that could
not be read stays exactly as typed, beside its message, so the user can correct it.
Hidden fields (whose condition does not hold) are not required and not checked, but their
answers are kept.
"""

from __future__ import annotations

import math
import unicodedata
from dataclasses import dataclass, field
from typing import Any

from forms.schema import FieldDef, FormDefinition, has_value
from forms.wareki import WarekiError, parse_date


@dataclass(frozen=True)
class Problem:
    field: str
    message: str
    row: int | None = None  # a table's row (0-based)
    column: str | None = None


@dataclass
class Checked:
    answers: dict[str, Any]
    problems: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    def for_field(self, field_id: str) -> list[Problem]:
        return [p for p in self.problems if p.field == field_id]


def check(definition: FormDefinition, answers: dict[str, Any], *, complete: bool = True) -> Checked:
    """Problems with ``answers``; with ``complete`` False (a draft) required fields may be empty."""
    out = dict(answers)
    problems: list[Problem] = []
    for f in definition.fields():
        if not definition.visible(f, answers):
            continue
        value = answers.get(f.id)
        if f.is_table:
            out[f.id], found = _table(f, value, complete)
            problems += found
            continue
        if not has_value(value):
            if f.required and complete:
                problems.append(Problem(f.id, required_message(f)))
            continue
        converted, message = convert(f, value)
        if message:
            problems.append(Problem(f.id, message))
        else:
            out[f.id] = converted
    return Checked(out, problems)


def required_message(f: FieldDef, row: int | None = None, table: FieldDef | None = None) -> str:
    verb = "選んで" if f.type in ("choice", "multichoice", "person", "agency", "staff", "record", "check") else "入力して"
    where = f"{table.label}の{row + 1}行目の" if table is not None and row is not None else ""
    return f"{where}「{f.label}」を{verb}ください。"


def _table(f: FieldDef, value: Any, complete: bool) -> tuple[Any, list[Problem]]:
    rows = rows_of(f, value)
    problems: list[Problem] = []
    out_rows = []
    for index, row in enumerate(rows):
        out_row = dict(row)
        if not any(has_value(v) for v in row.values()):
            out_rows.append(out_row)
            continue  # an empty row is ignored, not an error
        for col in f.columns:
            cell = row.get(col.id)
            if not has_value(cell):
                if col.required and complete:
                    problems.append(Problem(f.id, required_message(col, index, f), index, col.id))
                continue
            converted, message = convert(col, cell)
            if message:
                problems.append(Problem(f.id, f"{f.label}の{index + 1}行目: {message}", index, col.id))
            else:
                out_row[col.id] = converted
        out_rows.append(out_row)
    if f.required and complete and not any(any(has_value(v) for v in r.values()) for r in rows):
        problems.append(Problem(f.id, f"「{f.label}」を1行以上入力してください。"))
    return out_rows, problems


def rows_of(f: FieldDef, value: Any) -> list[dict[str, Any]]:
    """A table's rows as dicts. Older data may hold plain strings: they become the first column."""
    if value is None or value == "":
        return []
    if not isinstance(value, list):
        value = [value]
    first = f.columns[0].id if f.columns else "value"
    return [dict(r) if isinstance(r, dict) else {first: r} for r in value]


def convert(f: FieldDef, value: Any) -> tuple[Any, str | None]:
    """(the value as stored, None) or (the value untouched, a message for the user)."""
    if f.type == "date":
        try:
            return parse_date(str(value)).isoformat(), None
        except WarekiError as exc:
            return value, f"「{f.label}」: {exc}"
    if f.type == "number":
        return _number(f, value)
    if f.type == "check":
        if isinstance(value, bool):
            return value, None
        return value, f"「{f.label}」はチェックの有無で答えてください。"
    if f.type == "choice":
        codes = {o.value for o in f.options}
        if str(value) not in codes:
            return value, f"「{f.label}」の「{value}」は選択肢にありません。"
        return str(value), None
    if f.type == "multichoice":
        picked = value if isinstance(value, list) else [value]
        codes = {o.value for o in f.options}
        unknown = [str(v) for v in picked if str(v) not in codes]
        if unknown:
            return value, f"「{f.label}」の「{'、'.join(unknown)}」は選択肢にありません。"
        return [str(v) for v in picked], None
    text = value if isinstance(value, str) else str(value)
    if f.max_length and len(text) > f.max_length:  # code points, as Python counts (𠮷 is one)
        return value, f"「{f.label}」は{f.max_length}文字以内で入力してください（いま{len(text)}文字）。"
    return value, None


def _number(f: FieldDef, value: Any) -> tuple[Any, str | None]:
    if isinstance(value, bool):
        return value, f"「{f.label}」は数字で入力してください。"
    if isinstance(value, (int, float)):
        number = value
    else:
        text = unicodedata.normalize("NFKC", str(value)).replace(",", "").strip()
        try:
            number = int(text) if text.lstrip("-").isdigit() else float(text)
            if not math.isfinite(number):
                raise ValueError(text)
        except ValueError:
            return value, f"「{f.label}」は数字で入力してください（「{value}」は読めません）。"
    if f.minimum is not None and number < f.minimum:
        return value, f"「{f.label}」は{_plain(f.minimum)}{f.unit}以上で入力してください。"
    if f.maximum is not None and number > f.maximum:
        return value, f"「{f.label}」は{_plain(f.maximum)}{f.unit}以下で入力してください。"
    return number, None


def _plain(number: float) -> str:
    return str(int(number)) if float(number).is_integer() else str(number)
