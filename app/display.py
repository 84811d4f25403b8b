"""Stored values as a view shows them, for any value the store may hold.

What a sync or an old import brings is not always what the window would have let a user type:
a date before 明治 (no 和暦 names it), a date that is not one, a birth date in the future, a
number where text belongs. A view must still show the record, with the odd value as it is
(marked ⚠), never fail or drop the item. Every view formats stored dates through here.
"""

from __future__ import annotations

import datetime as dt

from forms.wareki import WarekiError, format_wareki

ODD = "⚠"  # marks a value shown as stored because it cannot be shown as a date


def text(value) -> str:
    """Any stored value as text ("" for nothing)."""
    return "" if value is None else str(value)


def day(value) -> dt.date | None:
    """The date in a stored date or datetime, or None when there is none to read."""
    raw = text(value)[:10]
    try:
        return dt.date.fromisoformat(raw) if raw else None
    except ValueError:
        return None


def wareki(value, *, short: bool = False) -> str:
    """令和7年4月1日 (R7.4.1 with ``short``) for a stored date or datetime; what cannot be shown
    in 和暦 is shown as stored, marked."""
    raw = text(value)
    if not raw:
        return ""
    found = day(raw)
    try:
        return format_wareki(found, short=short) if found else f"{ODD}{raw}"
    except WarekiError:  # before 明治
        return f"{ODD}{raw[:10]}"


def both(value) -> str:
    """令和7年4月1日（2025-04-01）, or the stored value marked."""
    shown = wareki(value)
    return shown if shown.startswith(ODD) or not shown else f"{shown}（{day(value).isoformat()}）"


def moment(value) -> str:
    """R7.4.1 10:30 for a stored datetime (the time only when there is one)."""
    raw = text(value)
    shown = wareki(raw, short=True)
    if shown.startswith(ODD) or len(raw) <= 16 or raw[10] != "T":
        return shown
    return f"{shown} {raw[11:16]}"


def age(birth_date, today: dt.date) -> int | None:
    """Age in whole years; None when the birth date cannot be read or lies ahead."""
    born = day(birth_date)
    if born is None or born > today:
        return None
    return today.year - born.year - ((today.month, today.day) < (born.month, born.day))


def order_key(value) -> str:
    """A sort key for stored dates of any type (newest-first lists never fail on one)."""
    return text(value)
