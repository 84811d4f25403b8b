"""Vault-scoped authorisation, asked on every call that names a vault: the vault exists (404),
it belongs to the caller's organisation and the caller's account is a current member (403)."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import Connection, Row, and_, select

from .auth import Caller
from .errors import forbidden, not_found
from .schema import vault, vault_member


def org_vault(conn: Connection, caller: Caller, vault_id: str) -> Row:
    """The vault, which must belong to the caller's organisation (membership not asked)."""
    return _of_org(conn.execute(select(vault).where(vault.c.id == vault_id)).first(), caller, vault_id)


def _of_org(row: Row | None, caller: Caller, vault_id: str) -> Row:
    if row is None:
        raise not_found(f"no vault {vault_id}")
    if row.org_id != caller.org_id:
        raise forbidden(f"vault {vault_id} belongs to another organisation")
    return row


def member_vault(conn: Connection, caller: Caller, vault_id: str) -> Row:
    return member_vaults(conn, caller, [vault_id])[vault_id]


def member_vaults(conn: Connection, caller: Caller, vault_ids: Iterable[str]) -> dict[str, Row]:
    """member_vault for many ids in two queries; raises for the first refused id in order."""
    wanted = list(dict.fromkeys(vault_ids))
    rows = {r.id: r for r in conn.execute(select(vault).where(vault.c.id.in_(wanted)))} if wanted else {}
    member = member_vault_ids(conn, caller.account_id, wanted)
    for vid in wanted:
        _of_org(rows.get(vid), caller, vid)
        if vid not in member:
            raise forbidden(f"not a member of vault {vid}")
    return rows


def member_vault_ids(conn: Connection, account_id: str, vault_ids: list[str]) -> set[str]:
    if not vault_ids:
        return set()
    return set(conn.scalars(select(vault_member.c.vault_id).where(and_(
        vault_member.c.account_id == account_id, vault_member.c.vault_id.in_(vault_ids),
        vault_member.c.removed_ms.is_(None)))))


def current_member(account_id_col, vault_id_col):
    """A join condition: the account is a current member of the vault."""
    return and_(vault_member.c.vault_id == vault_id_col, vault_member.c.account_id == account_id_col,
                vault_member.c.removed_ms.is_(None))
