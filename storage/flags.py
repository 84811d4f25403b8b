"""Flags raised after a merge: something another device did made a step here impossible.

Flags are this device's own view (derived from synced records, never synced themselves); a flag
is raised once per record and stays until a user marks it seen.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from storage.records import new_id


@dataclass(frozen=True)
class Flag:
    id: str
    household_id: str | None
    case_id: str | None
    kind: str
    record_id: str
    detected_at: str
    resolved_at: str | None


_COLS = "id, household_id, case_id, kind, record_id, detected_at, resolved_at"


def raise_flag(conn, *, household_id: str | None, case_id: str | None, kind: str, record_id: str) -> bool:
    """True when the flag is new."""
    cur = conn.execute(
        "INSERT OR IGNORE INTO sync_flag (id, household_id, case_id, kind, record_id, detected_at) "
        "VALUES (?, ?, ?, ?, ?, ?)",
        (new_id(), household_id, case_id, kind, record_id, dt.datetime.now(dt.UTC).isoformat(timespec="seconds")))
    return cur.rowcount > 0


def open_flags(conn, household_id: str | None = None) -> list[Flag]:
    sql = f"SELECT {_COLS} FROM sync_flag WHERE resolved_at IS NULL"
    params: tuple = ()
    if household_id is not None:
        sql += " AND household_id = ?"
        params = (household_id,)
    return [Flag(*row) for row in conn.execute(sql + " ORDER BY detected_at, id", params)]


def count_open(conn) -> int:
    return conn.execute("SELECT count(*) FROM sync_flag WHERE resolved_at IS NULL").fetchone()[0]


def resolve(conn, flag_id: str, by: str) -> bool:
    cur = conn.execute("UPDATE sync_flag SET resolved_at = ?, resolved_by = ? WHERE id = ? AND resolved_at IS NULL",
                       (dt.datetime.now(dt.UTC).isoformat(timespec="seconds"), by, flag_id))
    return cur.rowcount > 0
