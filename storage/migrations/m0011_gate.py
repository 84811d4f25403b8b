"""Schema 11 (sync protocol 2): envelopes declare the time of their latest stamp, and what the
gate refuses is kept aside.

* ``sync_outbox.stamp_ms``: the declared time of an envelope waiting to be sent. Envelopes
  sealed under protocol 1 cannot be sent any more (their signature covers other bytes): their
  changes go back to the queue and are sealed again at the next sync.
* ``sync_quarantine``: envelopes the gate refused (bad frame, oversize, bad signature or tag,
  bad stamp, an operation outside the envelope's vault, a forged author), as received, with
  who sent them and why, until the office releases (re-checks) or drops them. Inside the
  encrypted database like everything else.
* an index of households by vault: the gate asks, for every page, which household each vault
  holds.
"""

from __future__ import annotations

VERSION = 11


def apply(conn) -> None:
    conn.execute("UPDATE change SET envelope_id = NULL WHERE pushed = 0 AND envelope_id IS NOT NULL")
    conn.execute("DELETE FROM sync_outbox")
    conn.execute("ALTER TABLE sync_outbox ADD COLUMN stamp_ms INTEGER NOT NULL DEFAULT 0")
    conn.execute("CREATE INDEX household_vault ON household(vault_id)")
    conn.execute(
        "CREATE TABLE sync_quarantine (seq INTEGER PRIMARY KEY, vault_id TEXT NOT NULL, item BLOB NOT NULL, "
        "author TEXT NOT NULL, login TEXT NOT NULL, reason TEXT NOT NULL, detail TEXT NOT NULL, "
        "quarantined_at TEXT NOT NULL)"
    )
