"""Forgetting a household this device may no longer hold (its account was removed from the
household's vault by the organisation): every record of the vault, their search documents,
drafts, flags, unsent changes and the vault's keys, in one transaction.

The audit log keeps its entries (they hold ids and actions, no content), so the hash chain
stays whole and says what was there."""

from __future__ import annotations

from storage.schema import ENTITIES

HOUSEHOLD_ENTITIES = tuple(e for e in ENTITIES.values() if e.household_key is not None)
# The vault's signed creation (sync_vault_origin: ids, kind, the creator's signature, no content)
# stays: it is what the key commitment of version 1 is checked against if the household is
# granted to this account again.
SYNC_TABLES = ("sync_outbox", "sync_sent", "sync_held", "sync_key", "sync_vault", "change")


def purge_vault(records, vault_id: str) -> set[str]:
    """Delete everything of a household vault (inside the caller's transaction: `records` of
    Store.write, whose search index changes are handed to the index file when it commits);
    returns the household ids that were there."""
    conn = records.conn
    households = {r[0] for r in conn.execute("SELECT id FROM household WHERE vault_id = ?", (vault_id,))}
    for household_id in households:
        conn.execute("DELETE FROM draft WHERE household_id = ?", (household_id,))
        conn.execute("DELETE FROM sync_flag WHERE household_id = ?", (household_id,))
    for ent in HOUSEHOLD_ENTITIES:
        for (record_id,) in conn.execute(f"SELECT id FROM {ent.table} WHERE vault_id = ?", (vault_id,)).fetchall():
            records.index.remove(ent, record_id)  # its search document goes with it
        conn.execute(f"DELETE FROM {ent.table} WHERE vault_id = ?", (vault_id,))
    for table in SYNC_TABLES:
        conn.execute(f"DELETE FROM {table} WHERE vault_id = ?", (vault_id,))
    return households
