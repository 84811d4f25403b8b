"""Vault key copies: who may upload one for whom, and who receives which.

A copy is sealed by a static key agreement between its sender and its recipient
(docs/sync-protocol.md, "Vault key copies"), so the store can neither open nor forge one. What
it does check: the uploader may hand out that key, the copy goes to an approved device of a
current member (or to the org's recovery key), and it is handed only to its recipient.

One copy is kept per sender (a fresh copy from the same sender replaces its earlier one), so a
copy planted by one member never keeps a recipient from another member's good copy. A recipient
checks every copy against the key version's signed commitment and reports a bad one
(POST /v1/keys/refused): it is deleted and the key epoch moves, so members supply a fresh one.
Nothing here is "first wins"."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import Connection, Engine, and_, delete, func, insert, select

from sync import protocol as p

from . import access, db, membership
from .auth import Caller
from .errors import bad_request, forbidden
from .ids import now_ms
from .models import KeyUpload, RefusedKey
from .schema import device, vault, vault_key, vault_key_version, vault_member

RECOVERY = "recovery"


def store(conn: Connection, rows: Sequence[dict]) -> int:
    """Insert copies; a copy from the same sender to the same recipient replaces the earlier one
    (with a new id, so its recipient fetches it again). Returns how many were stored."""
    for row in rows:
        conn.execute(delete(vault_key).where(
            vault_key.c.vault_id == row["vault_id"], vault_key.c.key_version == row["key_version"],
            vault_key.c.recipient == row["recipient"], vault_key.c.wrapped_by == row["wrapped_by"]))
    if rows:
        conn.execute(insert(vault_key), list(rows))
    return len(rows)


def refuse(engine: Engine, caller: Caller, keys: Sequence[RefusedKey]) -> int:
    """Copies addressed to the caller that it found bad: deleted, so a member supplies a fresh
    one (the key epoch moves). Only the caller's own copies can be named."""
    removed = 0
    with db.write(engine) as conn:
        for k in keys:
            removed += conn.execute(delete(vault_key).where(
                vault_key.c.vault_id == k.vault_id, vault_key.c.key_version == k.key_version,
                vault_key.c.recipient == caller.device_id, vault_key.c.wrapped_by == k.wrapped_by)).rowcount or 0
        if removed:
            membership.bump_keys_epoch(conn, org_id=caller.org_id)
    return removed


def key_row(vault_id: str, key_version: int, recipient: str, wrapped: bytes, wrapped_by: str, now: int) -> dict:
    return {"vault_id": vault_id, "key_version": key_version, "recipient": recipient, "wrapped": wrapped,
            "wrapped_by": wrapped_by, "created_ms": now}


def require_recipients(conn: Connection, vault_id: str, member_ids: set[str], recipients: set[str]) -> None:
    """Every recipient is "recovery" or an approved device of one of `member_ids`."""
    devices = recipients - {RECOVERY}
    if not devices:
        return
    found = {r.id: r for r in conn.execute(select(device.c.id, device.c.account_id, device.c.status)
                                           .where(device.c.id.in_(devices)))}
    for device_id in sorted(devices):
        row = found.get(device_id)
        if row is None or row.status != "approved" or row.account_id not in member_ids:
            raise bad_request(f"{device_id} is not an approved device of a member of vault {vault_id}")


def current_member_ids(conn: Connection, vault_id: str) -> set[str]:
    return set(conn.scalars(select(vault_member.c.account_id).where(
        vault_member.c.vault_id == vault_id, vault_member.c.removed_ms.is_(None))))


def upload(engine: Engine, caller: Caller, keys: Sequence[KeyUpload]) -> int:
    if not keys:
        return 0
    now = now_ms()
    with db.write(engine) as conn:
        vault_ids = list(dict.fromkeys(k.vault_id for k in keys))
        if caller.is_office:
            # The office re-grants from the recovery copy, also for vaults it is no member of.
            vaults = {vid: access.org_vault(conn, caller, vid) for vid in vault_ids}
        else:
            vaults = access.member_vaults(conn, caller, vault_ids)
            held = {(r.vault_id, r.key_version) for r in conn.execute(
                select(vault_key.c.vault_id, vault_key.c.key_version).where(
                    vault_key.c.recipient == caller.device_id, vault_key.c.vault_id.in_(vault_ids)))}
            for k in keys:
                if (k.vault_id, k.key_version) not in held:
                    raise forbidden(f"this device holds no key version {k.key_version} of vault {k.vault_id}")
        for vid in vault_ids:
            mine = [k for k in keys if k.vault_id == vid]
            for k in mine:
                if k.key_version > vaults[vid].key_version:
                    raise bad_request(f"vault {vid} has no key version {k.key_version}")
            require_recipients(conn, vid, current_member_ids(conn, vid), {k.recipient for k in mine})
        return store(conn, [key_row(k.vault_id, k.key_version, k.recipient, k.wrapped, caller.device_id, now)
                            for k in keys])


def _addressed_to(caller: Caller, *columns):
    """Copies for this device, of vaults its account is a current member of."""
    return (select(*columns)
            .join_from(vault_key, vault_member, access.current_member(caller.account_id, vault_key.c.vault_id))
            .where(vault_key.c.recipient == caller.device_id))


def newest_for(conn: Connection, caller: Caller) -> int:
    """The id of the newest copy GET /v1/keys would hand this device (0 for none)."""
    return int(conn.scalar(_addressed_to(caller, func.max(vault_key.c.id))) or 0)


def for_device(engine: Engine, caller: Caller, after: int) -> dict:
    with db.read(engine) as conn:
        kv = vault_key_version
        rows = conn.execute(
            _addressed_to(caller, vault_key, vault.c.kind, kv.c.commitment, kv.c.made_by,
                          kv.c.signature.label("commitment_signature"))
            .join(vault, vault.c.id == vault_key.c.vault_id)
            .outerjoin(kv, and_(kv.c.vault_id == vault_key.c.vault_id, kv.c.key_version == vault_key.c.key_version))
            .where(vault_key.c.id > after)
            .order_by(vault_key.c.id).limit(p.MAX_KEYS_PER_REQUEST)).all()
    keys = [{"id": r.id, "vault_id": r.vault_id, "kind": r.kind, "key_version": r.key_version, "wrapped": r.wrapped,
             "wrapped_by": r.wrapped_by, "commitment": r.commitment, "committed_by": r.made_by,
             "commitment_signature": r.commitment_signature} for r in rows]
    return {"keys": keys, "next": rows[-1].id if rows else after}


def recovery_copies(engine: Engine, caller: Caller, vault_id: str) -> list[dict]:
    with db.read(engine) as conn:
        access.org_vault(conn, caller, vault_id)
        rows = conn.execute(select(vault_key).where(vault_key.c.vault_id == vault_id,
                                                     vault_key.c.recipient == RECOVERY)
                            .order_by(vault_key.c.key_version)).all()
    return [{"vault_id": r.vault_id, "key_version": r.key_version, "wrapped": r.wrapped,
             "wrapped_by": r.wrapped_by} for r in rows]


def recovery_page(engine: Engine, caller: Caller, after: int) -> dict:
    """Every recovery copy of the org's vaults after the cursor: an office device restored from
    the recovery sheet reads the whole organisation through these."""
    with db.read(engine) as conn:
        rows = conn.execute(
            select(vault_key, vault.c.kind).join(vault, vault.c.id == vault_key.c.vault_id)
            .where(vault.c.org_id == caller.org_id, vault_key.c.recipient == RECOVERY, vault_key.c.id > after)
            .order_by(vault_key.c.id).limit(p.MAX_KEYS_PER_REQUEST)).all()
    keys = [{"id": r.id, "vault_id": r.vault_id, "kind": r.kind, "key_version": r.key_version,
             "wrapped": r.wrapped, "wrapped_by": r.wrapped_by} for r in rows]
    return {"keys": keys, "next": rows[-1].id if rows else after}


def needed(engine: Engine, caller: Caller) -> list[dict]:
    """Copies this device can supply: approved devices of current members lacking a key version
    of a vault that this device holds (every version: a new member reads the whole history)."""
    with db.read(engine) as conn:
        rows = needed_rows(conn, caller)
    return [{"vault_id": r.id, "key_version": r.key_version, "device_id": r.device_id} for r in rows]


def needed_rows(conn: Connection, caller: Caller, limit: int = p.MAX_KEYS_PER_REQUEST) -> list:
    mine, have = vault_key.alias("mine"), vault_key.alias("have")
    others = vault_member.alias("others")
    query = (
        select(vault.c.id, mine.c.key_version, device.c.id.label("device_id"))
        .join_from(vault, mine, and_(mine.c.vault_id == vault.c.id, mine.c.recipient == caller.device_id))
        .join(vault_member, access.current_member(caller.account_id, vault.c.id))
        .join(others, and_(others.c.vault_id == vault.c.id, others.c.removed_ms.is_(None)))
        .join(device, and_(device.c.account_id == others.c.account_id, device.c.status == "approved"))
        .outerjoin(have, and_(have.c.vault_id == vault.c.id, have.c.key_version == mine.c.key_version,
                              have.c.recipient == device.c.id))
        .where(have.c.id.is_(None), vault.c.org_id == caller.org_id)
        .distinct().order_by(vault.c.id, mine.c.key_version, device.c.id).limit(limit))
    return conn.execute(query).all()
