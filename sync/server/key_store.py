"""Vault key copies: who may upload one for whom, and who receives which.

A copy is sealed by a static key agreement between its sender and its recipient
(docs/sync-protocol.md, "Vault key copies"), so the store can neither open nor forge one. What
it does check: the uploader may hand out that key, the copy goes to an approved device of a
current member (or to the org's recovery key), it is handed only to its recipient, and the
first copy stored for (vault, key version, recipient) wins, so a later upload cannot replace a
key a device already relies on."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import Connection, Engine, and_, func, select
from sqlalchemy.dialects import postgresql, sqlite

from sync import protocol as p

from . import access, db
from .auth import Caller
from .errors import bad_request, forbidden
from .ids import now_ms
from .models import KeyUpload
from .schema import device, vault, vault_key, vault_member

RECOVERY = "recovery"


def store(conn: Connection, rows: Sequence[dict]) -> int:
    """Insert copies, keeping any already present; returns how many were new."""
    dialect = postgresql if db.is_postgresql(conn) else sqlite
    stored = 0
    for row in rows:
        stmt = dialect.insert(vault_key).values(**row).on_conflict_do_nothing(
            index_elements=["vault_id", "key_version", "recipient"]).returning(vault_key.c.id)
        stored += len(conn.execute(stmt).all())  # rowcount is -1 here on psycopg
    return stored


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
        rows = conn.execute(
            _addressed_to(caller, vault_key, vault.c.kind)
            .join(vault, vault.c.id == vault_key.c.vault_id)
            .where(vault_key.c.id > after)
            .order_by(vault_key.c.id).limit(p.MAX_KEYS_PER_REQUEST)).all()
    keys = [{"id": r.id, "vault_id": r.vault_id, "kind": r.kind, "key_version": r.key_version, "wrapped": r.wrapped,
             "wrapped_by": r.wrapped_by} for r in rows]
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
    """Copies this device can supply: approved devices of current members lacking the current
    key version of a vault whose current key version this device holds."""
    with db.read(engine) as conn:
        rows = needed_rows(conn, caller)
    return [{"vault_id": r.id, "key_version": r.key_version, "device_id": r.device_id} for r in rows]


def needed_rows(conn: Connection, caller: Caller, limit: int = p.MAX_KEYS_PER_REQUEST) -> list:
    mine, have = vault_key.alias("mine"), vault_key.alias("have")
    others = vault_member.alias("others")
    query = (
        select(vault.c.id, vault.c.key_version, device.c.id.label("device_id"))
        .join_from(vault, mine, and_(mine.c.vault_id == vault.c.id, mine.c.key_version == vault.c.key_version,
                                     mine.c.recipient == caller.device_id))
        .join(vault_member, access.current_member(caller.account_id, vault.c.id))
        .join(others, and_(others.c.vault_id == vault.c.id, others.c.removed_ms.is_(None)))
        .join(device, and_(device.c.account_id == others.c.account_id, device.c.status == "approved"))
        .outerjoin(have, and_(have.c.vault_id == vault.c.id, have.c.key_version == vault.c.key_version,
                              have.c.recipient == device.c.id))
        .where(have.c.id.is_(None), vault.c.org_id == caller.org_id)
        .order_by(vault.c.id, device.c.id).limit(limit))
    return conn.execute(query).all()
