"""Drafts: what a user has typed but not yet saved, kept in the encrypted database.

Written on every pause in typing, so a crash or a forced lock loses nothing; removed when the
form is saved or discarded. Drafts never leave the device (they are not captured for sync).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime


@dataclass(frozen=True)
class Draft:
    key: str
    kind: str
    household_id: str | None
    payload: dict
    updated_at: str


def save(conn, key: str, kind: str, payload: dict, household_id: str | None = None) -> None:
    conn.execute(
        "INSERT INTO draft (key, kind, household_id, payload, updated_at) VALUES (?, ?, ?, ?, ?) "
        "ON CONFLICT (key) DO UPDATE SET payload = excluded.payload, updated_at = excluded.updated_at, "
        "household_id = excluded.household_id, kind = excluded.kind",
        (key, kind, household_id, json.dumps(payload, ensure_ascii=False),
         datetime.now(UTC).isoformat(timespec="seconds")),
    )


def load(conn, key: str) -> Draft | None:
    row = conn.execute("SELECT key, kind, household_id, payload, updated_at FROM draft WHERE key = ?", (key,)).fetchone()
    return Draft(row[0], row[1], row[2], json.loads(row[3]), row[4]) if row else None


def discard(conn, key: str) -> None:
    conn.execute("DELETE FROM draft WHERE key = ?", (key,))


def all_drafts(conn) -> list[Draft]:
    rows = conn.execute("SELECT key, kind, household_id, payload, updated_at FROM draft ORDER BY updated_at DESC")
    return [Draft(r[0], r[1], r[2], json.loads(r[3]), r[4]) for r in rows]
