"""Local time for what users see and type: contacts happen at a wall-clock time in Japan.

Sync ordering never uses this; it uses the hybrid logical clock in `storage.hlc`.
"""

from __future__ import annotations

import datetime as dt


def now() -> dt.datetime:
    return dt.datetime.now().astimezone().replace(microsecond=0)


def today() -> dt.date:
    return now().date()


def parse_datetime(text: str) -> dt.datetime:
    """An ISO 8601 datetime; one without an offset is taken as local time."""
    value = dt.datetime.fromisoformat(text)
    return value if value.tzinfo else value.astimezone()
