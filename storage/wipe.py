"""Emptying a profile of everything synced, for a device the organisation revoked.

Every record table, the change log, the search index, drafts, flags and every sync table go;
only the profile's own staff entry (the owner's name) and the audit log stay (the audit chain
holds ids and actions, no text). Deleted pages are overwritten (secure_delete), the file is
vacuumed and the WAL truncated, so nothing of a household is left in free pages either.
"""

from __future__ import annotations

from storage.schema import ENTITIES

OTHER_TABLES = ("change", "draft")  # the search index is a file of its own (rebuilt below)


def wipe_synced(store, keep_staff_id: str | None) -> int:
    """Delete it all in one transaction, then compact the file; returns how many records went."""
    conn = store.connection()
    conn.execute("PRAGMA secure_delete = ON")
    gone = 0
    with store.write() as records:
        for ent in ENTITIES.values():
            if ent.table == "staff" and keep_staff_id:
                gone += records.conn.execute("DELETE FROM staff WHERE id <> ?", (keep_staff_id,)).rowcount
            else:
                gone += records.conn.execute(f"DELETE FROM {ent.table}").rowcount
        sync_tables = [r[0] for r in records.conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name LIKE 'sync\\_%' ESCAPE '\\'")]
        for table in (*OTHER_TABLES, *sync_tables):  # every sync_ table, those added later included
            records.conn.execute(f"DELETE FROM {table}")
        records.conn.execute("DELETE FROM meta WHERE key LIKE 'vault.%'")
    conn.execute("VACUUM")
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    store.index.rebuild(secure=True)  # the index file, emptied of all but the owner's name, the same way
    store.index.flush()
    return gone
