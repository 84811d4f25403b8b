"""Schema 3: what a device needs to sync with the central store.

The secrets (device keys, token, vault keys, the office's organisation keys) are kept here,
inside the encrypted database, and nowhere else. Change rows learn which outgoing envelope
carries them, so an envelope is built once and resent unchanged until the store acknowledges it.
"""

from __future__ import annotations

VERSION = 3


def apply(conn) -> None:
    conn.execute("ALTER TABLE change ADD COLUMN envelope_id TEXT")
    conn.execute("CREATE INDEX change_unsealed ON change(vault_id, seq) WHERE pushed = 0 AND envelope_id IS NULL")
    conn.execute("CREATE INDEX change_envelope ON change(envelope_id) WHERE envelope_id IS NOT NULL")
    # Vaults this device knows: registered on the store, their current key version, and the
    # history still to fetch for a membership granted after the vault had envelopes.
    conn.execute(
        "CREATE TABLE sync_vault (vault_id TEXT PRIMARY KEY, kind TEXT NOT NULL, "
        "registered INTEGER NOT NULL DEFAULT 0, key_version INTEGER NOT NULL DEFAULT 1, "
        "backfill_after INTEGER NOT NULL DEFAULT 0, backfill_before INTEGER) WITHOUT ROWID"
    )
    conn.execute(
        "CREATE TABLE sync_key (vault_id TEXT NOT NULL, key_version INTEGER NOT NULL, key BLOB NOT NULL, "
        "PRIMARY KEY (vault_id, key_version)) WITHOUT ROWID"
    )
    conn.execute(
        "CREATE TABLE sync_outbox (envelope_id TEXT PRIMARY KEY, vault_id TEXT NOT NULL, key_version INTEGER NOT NULL, "
        "nonce BLOB NOT NULL, body BLOB NOT NULL, sig BLOB NOT NULL, changes INTEGER NOT NULL, "
        "created_at TEXT NOT NULL)"
    )
    # Envelopes received but not applied yet (no key for them yet, or written by a newer
    # version): kept as received, tried again at every sync, never dropped.
    conn.execute(
        "CREATE TABLE sync_held (seq INTEGER PRIMARY KEY, vault_id TEXT NOT NULL, item BLOB NOT NULL, "
        "reason TEXT NOT NULL, held_at TEXT NOT NULL)"
    )
    # The organisation's devices as last fetched, and whether their key signature verified.
    conn.execute(
        "CREATE TABLE sync_device (device_id TEXT PRIMARY KEY, account_id TEXT NOT NULL, login TEXT NOT NULL, "
        "role TEXT NOT NULL, name TEXT NOT NULL, status TEXT NOT NULL, box_public BLOB NOT NULL, "
        "sign_public BLOB NOT NULL, signature BLOB, verified INTEGER NOT NULL DEFAULT 0, created_ms INTEGER) "
        "WITHOUT ROWID"
    )
    # Something a merge made impossible (a visit logged on a case another worker closed, two
    # stage changes made at once): kept, and shown to the user until they mark it seen.
    conn.execute(
        "CREATE TABLE sync_flag (id TEXT PRIMARY KEY, household_id TEXT, case_id TEXT, kind TEXT NOT NULL, "
        "record_id TEXT NOT NULL, detected_at TEXT NOT NULL, resolved_at TEXT, resolved_by TEXT, "
        "UNIQUE (kind, record_id))"
    )
    conn.execute("CREATE INDEX sync_flag_household ON sync_flag(household_id) WHERE resolved_at IS NULL")
