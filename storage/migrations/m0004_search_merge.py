"""Schema 4: the search index merges its segments less eagerly.

FTS5 merges index segments as documents arrive (`automerge`, 4 by default). A station's first
pull adds a hundred thousand documents in a few transactions, and at 4 the same segments are
rewritten again and again: measured on 100,000 notes in 20 transactions, 1.65 s at 4 and 1.14 s
at 8. Queries read a few more segments (still about a millisecond, bench.store's fts_p95_ms).
"""

from __future__ import annotations

VERSION = 4


def apply(conn) -> None:
    conn.execute("INSERT INTO search_fts (search_fts, rank) VALUES ('automerge', 8)")
