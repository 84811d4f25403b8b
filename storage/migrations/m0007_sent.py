"""Schema 7: the envelopes this device sent, by the seq the central store gave them.

A store restored from an older backup loses what came after; the device notices (the log's
chain, docs/sync-protocol.md) and must send again what the store lost. The change rows are
kept anyway, so only which envelope got which seq is new: the changes of every envelope past
the point the store still holds are sealed again.
"""

from __future__ import annotations

VERSION = 7


def apply(conn) -> None:
    conn.execute(
        "CREATE TABLE sync_sent (envelope_id TEXT PRIMARY KEY, vault_id TEXT NOT NULL, seq INTEGER NOT NULL) "
        "WITHOUT ROWID"
    )
    conn.execute("CREATE INDEX sync_sent_seq ON sync_sent(seq)")
