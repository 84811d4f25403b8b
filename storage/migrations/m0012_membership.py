"""Schema 12: what a device needs to decide, by itself, who may receive a vault key.

The creation of each vault (its kind and creator, signed by the creator device) and, per vault
and account, the organisation's grant or removal that holds — each kept only once its signature
verified. Together with the organisation-signed device entries they say who is a member.
"""

from __future__ import annotations

VERSION = 12


def apply(conn) -> None:
    conn.execute(
        "CREATE TABLE sync_vault_origin (vault_id TEXT PRIMARY KEY, kind TEXT NOT NULL, device_id TEXT NOT NULL, "
        "login TEXT NOT NULL, signature BLOB NOT NULL) WITHOUT ROWID"
    )
    conn.execute(
        "CREATE TABLE sync_membership (vault_id TEXT NOT NULL, login TEXT NOT NULL, action TEXT NOT NULL, "
        "serial INTEGER NOT NULL, device_id TEXT NOT NULL, signature BLOB NOT NULL, "
        "PRIMARY KEY (vault_id, login)) WITHOUT ROWID"
    )
    conn.execute("CREATE INDEX sync_membership_login ON sync_membership(login, action)")
