"""和暦: Japanese era dates, parsed from what staff type and formatted as the forms print them.

Qt has no Japanese calendar and babel does not format eras, and the table is small, so it is
kept here and tested. Accepted input: ``R7.4.1``, ``令和7年4月1日``, ``令和元年5月1日``,
``S15.3.2``, ``H31/4/30``, ``2025-04-01``, ``2025/4/1``, ``2025年4月1日``, with full-width
digits too. A date outside its era (平成31年5月1日) is refused with the right name for it.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass


@dataclass(frozen=True)
class Era:
    name: str
    letter: str
    start: dt.date
    end: dt.date | None  # last day, None for the current era


ERAS = (
    Era("明治", "M", dt.date(1868, 1, 25), dt.date(1912, 7, 29)),
    Era("大正", "T", dt.date(1912, 7, 30), dt.date(1926, 12, 24)),
    Era("昭和", "S", dt.date(1926, 12, 25), dt.date(1989, 1, 7)),
    Era("平成", "H", dt.date(1989, 1, 8), dt.date(2019, 4, 30)),
    Era("令和", "R", dt.date(2019, 5, 1), None),
)
_BY_KEY = {e.name: e for e in ERAS} | {e.letter: e for e in ERAS}


class WarekiError(ValueError):
    """A date that cannot be read; the message is for the user, in Japanese."""


def era_of(day: dt.date) -> Era:
    for era in reversed(ERAS):
        if day >= era.start:
            return era
    raise WarekiError(f"{day.isoformat()} は明治より前の日付です。")


def era_year(day: dt.date) -> tuple[Era, int]:
    era = era_of(day)
    return era, day.year - era.start.year + 1


def format_wareki(day: dt.date | str | None, *, short: bool = False) -> str:
    """令和7年4月1日 (or R7.4.1 with ``short``); first years are written 元年."""
    if day is None or day == "":
        return ""
    if isinstance(day, str):
        day = dt.date.fromisoformat(day[:10])
    era, year = era_year(day)
    if short:
        return f"{era.letter}{year}.{day.month}.{day.day}"
    year_text = "元" if year == 1 else str(year)
    return f"{era.name}{year_text}年{day.month}月{day.day}日"


def format_both(day: dt.date | str | None) -> str:
    """令和7年4月1日（2025-04-01）: what the desktop shows where both are wanted."""
    if day is None or day == "":
        return ""
    if isinstance(day, str):
        day = dt.date.fromisoformat(day[:10])
    return f"{format_wareki(day)}（{day.isoformat()}）"


_ERA_PATTERN = re.compile(
    r"^(?P<era>明治|大正|昭和|平成|令和|[MTSHR])\s*(?P<year>元|\d{1,2})\s*(?:年|[./\-])\s*"
    r"(?P<month>\d{1,2})\s*(?:月|[./\-])\s*(?P<day>\d{1,2})\s*日?$"
)
_WESTERN_PATTERN = re.compile(
    r"^(?P<year>\d{4})\s*(?:年|[./\-])\s*(?P<month>\d{1,2})\s*(?:月|[./\-])\s*(?P<day>\d{1,2})\s*日?$"
)


def parse_date(text: str) -> dt.date:
    """A date from what a user typed, in 和暦 or 西暦; WarekiError with a reason otherwise."""
    raw = unicodedata.normalize("NFKC", text or "").strip().upper()
    if not raw:
        raise WarekiError("日付が入力されていません。")
    match = _ERA_PATTERN.match(raw)
    if match:
        era = _BY_KEY[match["era"]]
        year = 1 if match["year"] == "元" else int(match["year"])
        if year < 1:
            raise WarekiError(f"「{text}」: 年は1以上で入力してください。")
        western = era.start.year + year - 1
        day = _make(western, int(match["month"]), int(match["day"]), text)
        if day < era.start or (era.end is not None and day > era.end):
            actual = era_of(day) if day >= ERAS[0].start else None
            hint = f"（{format_wareki(day)}のことですか）" if actual else ""
            raise WarekiError(f"「{text}」は{era.name}の期間外です{hint}。")
        return day
    match = _WESTERN_PATTERN.match(raw)
    if match:
        return _make(int(match["year"]), int(match["month"]), int(match["day"]), text)
    raise WarekiError(f"「{text}」は日付として読めません。例: R7.4.1、令和7年4月1日、2025-04-01")


def _make(year: int, month: int, day: int, text: str) -> dt.date:
    try:
        return dt.date(year, month, day)
    except ValueError:
        raise WarekiError(f"「{text}」という日付はありません。") from None
