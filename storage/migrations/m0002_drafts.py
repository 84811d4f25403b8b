"""Schema 2: drafts of forms being filled, kept locally so that a crash or a forced lock never
loses what was typed. Drafts are this device's own and are never synced."""

from __future__ import annotations

VERSION = 2


def apply(conn) -> None:
    conn.execute(
        "CREATE TABLE draft (key TEXT PRIMARY KEY, kind TEXT NOT NULL, household_id TEXT, "
        "payload TEXT NOT NULL, updated_at TEXT NOT NULL)"
    )
