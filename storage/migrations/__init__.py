"""Numbered schema upgrades.

Each step is a module ``mNNNN_<what>.py`` with ``VERSION`` and ``apply(conn)``. The steps
run in order inside one transaction: a failed upgrade leaves the file exactly as it was, and
a database newer than this program is refused instead of guessed at. The schema version is
SQLite's ``user_version``. A step's SQL is frozen once released; later changes are new steps.
"""

from __future__ import annotations

from storage.errors import MigrationFailed, ProfileTooNew
from storage.migrations import (
    m0001_initial,
    m0002_drafts,
    m0003_sync,
    m0004_search_merge,
    m0005_import_source,
    m0006_directory,
    m0007_sent,
    m0008_due_index,
    m0009_meetings,
    m0010_search_file,
    m0011_gate,
    m0012_membership,
)

STEPS = (m0001_initial, m0002_drafts, m0003_sync, m0004_search_merge, m0005_import_source,
         m0006_directory, m0007_sent, m0008_due_index, m0009_meetings, m0010_search_file, m0011_gate,
         m0012_membership)
LATEST = STEPS[-1].VERSION

assert [s.VERSION for s in STEPS] == list(range(1, len(STEPS) + 1)), "steps must be numbered 1..N"


def current_version(conn) -> int:
    return int(conn.execute("PRAGMA user_version").fetchone()[0])


def upgrade(conn, target: int | None = None) -> tuple[int, int]:
    """Bring the database to ``target`` (default: the latest); returns (from, to)."""
    latest = STEPS[-1].VERSION
    target = latest if target is None else target
    found = current_version(conn)
    if found > latest:
        raise ProfileTooNew(found, latest)
    if found >= target:
        return found, found
    conn.execute("BEGIN IMMEDIATE")
    step_version = found
    try:
        for step in STEPS[found:target]:
            step_version = step.VERSION
            step.apply(conn)
            conn.execute(f"PRAGMA user_version = {int(step.VERSION)}")
        conn.execute("COMMIT")
    except BaseException as exc:
        conn.execute("ROLLBACK")
        if isinstance(exc, Exception):
            raise MigrationFailed(step_version, exc) from exc
        raise
    return found, target
