"""The change log as seen from outside the record layer: how much waits to be sent."""

from __future__ import annotations


def count_pending(conn) -> int:
    return conn.execute("SELECT count(*) FROM change WHERE pushed = 0").fetchone()[0]
