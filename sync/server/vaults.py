"""Registering vaults and rotating their keys (POST /v1/vaults[/batch], POST …/keys).

A household vault starts with its creator's account and the office accounts; a shared vault
(directory, resources, meetings) with every account of the org, and exists once per org. The
creating device signs the vault's kind and the commitment of its first key, and supplies the
first key copies in the same request, so a vault never exists without a key its members can
receive and verify, and without the recovery copy. Later members come only from the
organisation's signed grants (statements.py)."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import Connection, Engine, select
from sqlalchemy.exc import IntegrityError

from sync import protocol as p

from . import access, db, key_store, membership, statements
from .auth import Caller
from .errors import bad_request, conflict, forbidden
from .ids import now_ms
from .log_store import lock_head
from .models import RotateRequest, VaultRequest
from .schema import vault, vault_key, vault_member


def register(engine: Engine, caller: Caller, requests: Sequence[VaultRequest]) -> list[dict]:
    """Register vaults in one transaction, all or nothing; answers in request order."""
    for req in requests:
        _check_shape(caller, req)
    now = now_ms()
    try:
        with db.write(engine) as conn:
            # The head lock first, as every writer of the log takes it: registrations then queue
            # before inserting anything, and cannot deadlock on each other's new vault rows.
            lock_head(conn)
            accounts = {role: membership.org_account_ids(conn, caller.org_id, role) for role in (None, "office")}
            return [_register_one(conn, caller, req, accounts, now) for req in requests]
    except IntegrityError as e:  # a racing registration of the same id or shared kind
        raise conflict("a vault of this request was registered meanwhile") from e


def _check_shape(caller: Caller, req: VaultRequest) -> None:
    recipients = [k.recipient for k in req.wrapped_keys]
    if len(set(recipients)) != len(recipients):
        raise bad_request(f"vault {req.id}: one key copy per recipient")
    if caller.device_id not in recipients or key_store.RECOVERY not in recipients:
        raise bad_request(f"vault {req.id}: the creator's own copy and the recovery copy are required")
    if any(k.key_version != 1 for k in req.wrapped_keys):
        raise bad_request(f"vault {req.id}: a new vault starts at key version 1")


def _register_one(conn: Connection, caller: Caller, req: VaultRequest, accounts: dict, now: int) -> dict:
    existing = conn.execute(select(vault).where(vault.c.id == req.id)).first()
    if existing is not None:
        if (existing.org_id == caller.org_id and existing.kind == req.kind
                and access.member_vault_ids(conn, caller.account_id, [req.id])):
            return _answer(existing.id, existing.kind, existing.key_version, created=False)
        raise conflict(f"vault {req.id} exists already")
    if req.kind in p.SHARED_VAULT_KINDS:
        if not caller.is_office:
            raise forbidden("only the office creates the shared vaults")
        if conn.execute(select(vault.c.id).where(vault.c.org_id == caller.org_id, vault.c.kind == req.kind)).first():
            raise conflict(f"the organisation has its {req.kind} vault already")
        members = accounts[None]
    else:
        members = [caller.account_id, *accounts["office"]]
    key_store.require_recipients(conn, req.id, set(members), {k.recipient for k in req.wrapped_keys})
    conn.execute(vault.insert().values(id=req.id, org_id=caller.org_id, kind=req.kind, key_version=1,
                                       created_by=caller.device_id, created_ms=now))
    statements.record_creation(conn, caller, req.id, req.kind, req.statement, now)
    statements.record_key_version(conn, caller, req.id, 1, req.commitment, req.commitment_signature, now)
    conn.execute(vault_key.insert(), [key_store.key_row(req.id, 1, k.recipient, k.wrapped, caller.device_id, now)
                                      for k in req.wrapped_keys])  # a new vault: no copy to keep
    membership.grant(conn, req.id, members, new_vault=True)
    return _answer(req.id, req.kind, 1, created=True)


def _answer(vault_id: str, kind: str, key_version: int, created: bool) -> dict:
    return {"id": vault_id, "kind": kind, "key_version": key_version, "created": created}


def of_account(engine: Engine, caller: Caller) -> list[dict]:
    with db.read(engine) as conn:
        rows = conn.execute(
            select(vault.c.id, vault.c.kind, vault.c.key_version, vault_member.c.granted_seq)
            .join_from(vault, vault_member, access.current_member(caller.account_id, vault.c.id))
            .where(vault.c.org_id == caller.org_id)
            .order_by(vault_member.c.granted_seq)).all()
    return [{"id": r.id, "kind": r.kind, "key_version": r.key_version, "granted_seq": r.granted_seq} for r in rows]


def rotate(engine: Engine, caller: Caller, vault_id: str, req: RotateRequest) -> dict:
    """A new key version made by an office device that is a member: its signed commitment and
    its copies for current members' devices and the recovery key. Later envelopes use it."""
    recipients = [k.recipient for k in req.wrapped_keys]
    if len(set(recipients)) != len(recipients):
        raise bad_request("one key copy per recipient")
    if caller.device_id not in recipients or key_store.RECOVERY not in recipients:
        raise bad_request("the rotating device's own copy and the recovery copy are required")
    if any(k.key_version != req.key_version for k in req.wrapped_keys):
        raise bad_request("every copy must be of the new key version")
    now = now_ms()
    with db.write(engine) as conn:
        lock_head(conn)
        row = access.member_vault(conn, caller, vault_id)
        if req.key_version != row.key_version + 1:
            raise conflict(f"vault {vault_id} is at key version {row.key_version}")
        key_store.require_recipients(conn, vault_id, key_store.current_member_ids(conn, vault_id), set(recipients))
        statements.record_key_version(conn, caller, vault_id, req.key_version, req.commitment,
                                      req.commitment_signature, now)
        conn.execute(vault.update().where(vault.c.id == vault_id).values(key_version=req.key_version))
        key_store.store(conn, [key_store.key_row(vault_id, k.key_version, k.recipient, k.wrapped, caller.device_id, now)
                               for k in req.wrapped_keys])
        membership.bump_keys_epoch(conn, org_id=caller.org_id)
    return {"id": vault_id, "key_version": req.key_version}


def list_members(engine: Engine, caller: Caller, vault_id: str) -> list[dict]:
    with db.read(engine) as conn:
        access.member_vault(conn, caller, vault_id)
        return membership.members(conn, vault_id)
