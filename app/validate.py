"""Checks on values users type, each failing with a Japanese message naming the field.

The same rules hold whatever a value comes through — the window, the command line, an import
(app/interchange/importer.py reports them by line) — so that no view meets a value it cannot
show: dates from 明治 on (和暦 has no name for earlier ones), no birth date after today,
nothing that happened more than a day ahead of now, no name made only of spaces.
"""

from __future__ import annotations

import datetime as dt

from app.errors import InvalidInput
from app.vocab import Labelled
from forms.wareki import ERAS, WarekiError, format_wareki, parse_date

EARLIEST = ERAS[0].start  # 明治元年 (1868-01-25): an earlier date has no 和暦 to show it in
# A contact logged on a laptop whose clock is a few hours off, or across time zones, is still
# "now"; a day ahead is a mistake (2099 typed for 2019).
AHEAD = dt.timedelta(days=1)


def required(value: str | None, label: str, field: str) -> str:
    text = (value or "").strip()
    if not text:
        raise InvalidInput(f"{label}を入力してください。", field)
    return text


def optional_text(value: str | None) -> str | None:
    text = (value or "").strip()
    return text or None


def date(value: str | dt.date | None, label: str, field: str, *, required_: bool = False) -> str | None:
    """An ISO date string from a date or from what a user typed (和暦 accepted)."""
    if value is None or value == "":
        if required_:
            raise InvalidInput(f"{label}を入力してください。", field)
        return None
    if isinstance(value, dt.datetime):
        day = value.date()
    elif isinstance(value, dt.date):
        day = value
    else:
        try:
            day = parse_date(str(value))
        except WarekiError as exc:
            raise InvalidInput(f"{label}: {exc}", field) from None
    return in_range(day, label, field).isoformat()


def in_range(day: dt.date, label: str, field: str | None = None) -> dt.date:
    if day < EARLIEST:
        raise InvalidInput(f"{label}: {day.isoformat()} は明治より前の日付です（{format_wareki(EARLIEST)}以降にしてください）。",
                           field)
    return day


def not_after_today(day: str | None, label: str, field: str | None = None) -> str | None:
    """An ISO date that must not be in the future (a birth date)."""
    from app import clock

    if day and day > clock.today().isoformat():
        raise InvalidInput(f"{label}が今日より後の日付です（{day}）。", field)
    return day


def happened(moment: dt.datetime, label: str, field: str | None = None) -> dt.datetime:
    """A moment something happened: from 明治 on, and not more than a day ahead of now."""
    from app import clock

    in_range(moment.date(), label, field)
    if moment > clock.now() + AHEAD:
        raise InvalidInput(f"{label}が1日以上先の日時です（{moment.isoformat(timespec='minutes')}）。"
                           "起きたことは今日までの日時で記録してください。", field)
    return moment


def name(value: str | None, label: str, field: str) -> str:
    """A name: required, and not only spaces (full-width ones included)."""
    return required(value, label, field)


def choice(value, enum: type[Labelled], label: str, field: str) -> str:
    try:
        return enum.parse(str(value)).value
    except ValueError:
        options = "、".join(m.label for m in enum)
        raise InvalidInput(f"{label}「{value}」は選べません（{options}）。", field) from None
