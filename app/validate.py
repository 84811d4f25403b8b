"""Checks on values users type, each failing with a Japanese message naming the field."""

from __future__ import annotations

import datetime as dt

from app.errors import InvalidInput
from app.vocab import Labelled
from forms.wareki import WarekiError, parse_date


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
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    try:
        return parse_date(str(value)).isoformat()
    except WarekiError as exc:
        raise InvalidInput(f"{label}: {exc}", field) from None


def choice(value, enum: type[Labelled], label: str, field: str) -> str:
    try:
        return enum.parse(str(value)).value
    except ValueError:
        options = "、".join(m.label for m in enum)
        raise InvalidInput(f"{label}「{value}」は選べません（{options}）。", field) from None
