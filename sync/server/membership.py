"""Vault membership and its grant markers.

Joining a vault appends a grant marker to the log (under the head lock, like a push), which
splits the vault's history for the new member: envelopes after the marker reach it through
pull, those before it (`count` of them) through backfill. So nothing is sent twice, and a new
member of a large vault is not flooded in the middle of its stream."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import Connection, insert, select, update

from sync import protocol as p

from .ids import now_ms
from .log_store import append, count_envelopes, lock_head
from .schema import account, vault_member


def grant(conn: Connection, vault_id: str, account_ids: Iterable[str],
          new_vault: bool = False) -> dict[str, tuple[int, bool]]:
    """Make the accounts current members (inside a write transaction). Returns, per account,
    its grant marker's seq and whether it was added now (False: it was a member already).
    `new_vault`: created in this transaction, so it has no members and no envelopes yet."""
    wanted = list(dict.fromkeys(account_ids))
    lock_head(conn)
    rows = {} if new_vault else {r.account_id: r for r in conn.execute(select(vault_member).where(
        vault_member.c.vault_id == vault_id, vault_member.c.account_id.in_(wanted)))}
    result = {a: (rows[a].granted_seq, False) for a in wanted if a in rows and rows[a].removed_ms is None}
    joining = [a for a in wanted if a not in result]
    if not joining:
        return result
    count = 0 if new_vault else count_envelopes(conn, vault_id)  # exact: the lock keeps pushes out
    bump_keys_epoch(conn, vault_id=vault_id)  # the newcomers' devices lack copies now
    now = now_ms()
    markers = [{"vault_id": vault_id, "kind": "grant", "account_id": a, "count": count, "size": 0, "created_ms": now}
               for a in joining]
    append(conn, markers, [p.grant_entry(vault_id, a, count) for a in joining])
    for account_id, marker in zip(joining, markers, strict=True):
        result[account_id] = (marker["seq"], True)
    for account_id in [a for a in joining if a in rows]:  # former members, re-granted
        conn.execute(update(vault_member).where(vault_member.c.vault_id == vault_id,
                                                vault_member.c.account_id == account_id)
                     .values(granted_seq=result[account_id][0], removed_ms=None))
    newcomers = [a for a in joining if a not in rows]
    if newcomers:
        conn.execute(insert(vault_member), [{"vault_id": vault_id, "account_id": a, "granted_seq": result[a][0]}
                                            for a in newcomers])
    return result


def members(conn: Connection, vault_id: str) -> list[dict]:
    rows = conn.execute(
        select(account.c.login, account.c.role, vault_member.c.granted_seq)
        .join_from(vault_member, account, account.c.id == vault_member.c.account_id)
        .where(vault_member.c.vault_id == vault_id, vault_member.c.removed_ms.is_(None))
        .order_by(vault_member.c.granted_seq))
    return [{"login": r.login, "role": r.role, "granted_seq": r.granted_seq} for r in rows]


def org_account_ids(conn: Connection, org_id: str, role: str | None = None) -> list[str]:
    query = select(account.c.id).where(account.c.org_id == org_id)
    if role is not None:
        query = query.where(account.c.role == role)
    return list(conn.scalars(query.order_by(account.c.created_ms, account.c.id)))


def bump_keys_epoch(conn: Connection, *, vault_id: str | None = None, org_id: str | None = None) -> None:
    """Something may now lack a key copy in this org: devices will ask /v1/keys/needed again."""
    from .schema import org, vault

    if org_id is None:
        org_id = select(vault.c.org_id).where(vault.c.id == vault_id).scalar_subquery()
    conn.execute(update(org).where(org.c.id == org_id).values(keys_epoch=org.c.keys_epoch + 1))
