"""A device's view of itself (/me), the org's device list, the office's approval and
revocation, and each device's report of how much it has not sent.

Approval is where the org's signature enters: the store checks it against the org's signing
key, and every device checks it again before wrapping a key for another device, so neither a
mistaken office click nor the store itself can add a reader the org did not sign."""

from __future__ import annotations

import hashlib

from sqlalchemy import Connection, Engine, select, update

from sync import protocol as p

from . import db, key_store, log_store, membership, signatures, statements
from .answers import b64, org_json, revocation_json
from .auth import Caller
from .errors import ApiError, conflict, forbidden, not_found
from .ids import now_ms
from .schema import account, device, org, vault


def me(engine: Engine, caller: Caller, at: int | None = None) -> dict:
    with db.read(engine) as conn:
        dev = conn.execute(select(device.c.id, device.c.name, device.c.status)
                           .where(device.c.id == caller.device_id)).one()
        o = conn.execute(select(org).where(org.c.id == caller.org_id)).one()
        shared = {r.kind: r.id for r in conn.execute(select(vault.c.kind, vault.c.id).where(
            vault.c.org_id == caller.org_id, vault.c.kind.in_(p.SHARED_VAULT_KINDS)))}
        hints = {**_hints(conn, caller), "log": _log(conn, at)} if dev.status == "approved" else {}
    return {
        "device": {"id": dev.id, "name": dev.name, "status": dev.status},
        "account": {"id": caller.account_id, "login": caller.login, "role": caller.role},
        "org": org_json(o.id, o.name, o.sign_public, o.box_public, o.keys_signature),
        "shared_vaults": {kind: shared.get(kind) for kind in p.SHARED_VAULT_KINDS},
        "time_ms": now_ms(),
        **hints,
    }


def _hints(conn: Connection, caller: Caller) -> dict:
    """What lets a device skip requests that would answer nothing new: the version of the
    org's device list, the newest key copy addressed to it, and the org's key epoch, which moves
    whenever some device may newly lack a copy (docs/sync-protocol.md, GET /v1/me)."""
    return {"directory_version": _directory_version(conn, caller.org_id),
            "keys_after": key_store.newest_for(conn, caller),
            "keys_epoch": int(conn.scalar(select(org.c.keys_epoch).where(org.c.id == caller.org_id)) or 0),
            "statements_after": statements.newest_for(conn, caller)}


def _log(conn: Connection, at: int | None) -> dict:
    """The log's head, and its chain at the seq the device remembers: a device checks its
    memory of the log against the store before it pushes or pulls anything."""
    epoch, head, chain = log_store.head_state(conn)
    answer = {"epoch": epoch, "head": head, "chain": b64(chain)}
    if at is not None:
        answer["at"] = b64(log_store.chains_at(conn, [at], head).get(at))
    return answer


def _directory_version(conn: Connection, org_id: str) -> str:
    """A digest of every device's id and status: it changes exactly when the list a device
    verifies changes (a device enrolled, approved or revoked), whatever set the status. A device
    that misses such a change would never wrap keys for a newly approved colleague."""
    digest = hashlib.sha256()
    for row in conn.execute(select(device.c.id, device.c.status)
                            .join_from(device, account, account.c.id == device.c.account_id)
                            .where(account.c.org_id == org_id).order_by(device.c.id)):
        digest.update(f"{row.id}:{row.status}\n".encode("ascii"))
    return digest.hexdigest()[:32]


def of_org(engine: Engine, caller: Caller) -> list[dict]:
    query = (select(device, account.c.login, account.c.role)
             .join_from(device, account, account.c.id == device.c.account_id)
             .where(account.c.org_id == caller.org_id)
             .order_by(device.c.created_ms, device.c.id))
    if not caller.is_office:
        # Revoked ones too: what they sealed before must stay verifiable.
        query = query.where(device.c.status != "pending")
    with db.read(engine) as conn:
        rows = conn.execute(query).all()
    return [{"id": r.id, "account_id": r.account_id, "login": r.login, "role": r.role, "name": r.name,
             "status": r.status, "box_public": b64(r.box_public), "sign_public": b64(r.sign_public),
             "signature": b64(r.signature), "created_ms": r.created_ms, "approved_ms": r.approved_ms,
             "last_seen_ms": r.last_seen_ms, "revocation": revocation_json(r.revoked_ms, r.revocation),
             **({"unsent": _unsent_json(r)} if caller.is_office else {})} for r in rows]


def _unsent_json(r) -> dict | None:
    if r.unsent_reported_ms is None:
        return None
    return {"count": r.unsent_count, "oldest_ms": r.unsent_oldest_ms, "newest_ms": r.unsent_newest_ms,
            "reported_ms": r.unsent_reported_ms}


def _in_org(conn: Connection, caller: Caller, device_id: str):
    row = conn.execute(
        select(device.c.id, device.c.status, device.c.box_public, device.c.sign_public, device.c.revoked_ms,
               device.c.revocation, account.c.id.label("account_id"), account.c.login, account.c.role)
        .join_from(device, account, account.c.id == device.c.account_id)
        .where(device.c.id == device_id, account.c.org_id == caller.org_id)).first()
    if row is None:
        raise not_found(f"no device {device_id} in this organisation")
    return row


def revoke(engine: Engine, caller: Caller, device_id: str, revoked_ms: int, signature: bytes) -> dict:
    """Refuse the device's token from now on and keep the org's signed revocation, which every
    device is given with the device list. Revoking a revoked device again answers the first
    revocation; the office cannot revoke the device it is calling from."""
    with db.write(engine) as conn:
        row = _in_org(conn, caller, device_id)
        if row.status == "revoked" and row.revocation:
            return revocation_json(row.revoked_ms, row.revocation)
        if device_id == caller.device_id:
            raise conflict("a device cannot revoke itself")
        org_sign = conn.scalar(select(org.c.sign_public).where(org.c.id == caller.org_id))
        statement = p.revocation_statement(caller.org_id, row.id, revoked_ms, row.box_public, row.sign_public)
        signatures.require(org_sign or b"", signature, statement, "the organisation's signature")
        conn.execute(update(device).where(device.c.id == device_id)
                     .values(status="revoked", revoked_ms=revoked_ms, revocation=signature))
    return revocation_json(revoked_ms, signature)


def report_unsent(engine: Engine, caller: Caller, count: int, oldest_ms: int | None, newest_ms: int | None) -> None:
    with db.write(engine) as conn:
        conn.execute(update(device).where(device.c.id == caller.device_id).values(
            unsent_count=count, unsent_oldest_ms=oldest_ms if count else None,
            unsent_newest_ms=newest_ms if count else None, unsent_reported_ms=now_ms()))


def approve(engine: Engine, caller: Caller, device_id: str, signature: bytes) -> None:
    """The office approves a pending device. A pending office device may approve itself: only
    the holder of the org's signing key can make the signature, which is how an office device
    restored from the recovery sheet takes over when no approved office device is left."""
    if caller.status != "approved" and device_id != caller.device_id:
        raise ApiError(403, p.E_DEVICE_PENDING, "this device is waiting for the office's approval")
    if not caller.is_office:
        raise forbidden("only the office may do this")
    with db.write(engine) as conn:
        row = _in_org(conn, caller, device_id)
        if row.status != "pending":
            raise conflict(f"device {device_id} is {row.status}, not pending")
        org_sign = conn.scalar(select(org.c.sign_public).where(org.c.id == caller.org_id))
        statement = p.device_statement(caller.org_id, row.id, row.account_id, row.login, row.role,
                                       row.box_public, row.sign_public)
        signatures.require(org_sign or b"", signature, statement, "the organisation's signature")
        membership.bump_keys_epoch(conn, org_id=caller.org_id)  # the new device lacks every copy
        conn.execute(update(device).where(device.c.id == device_id, device.c.status == "pending")
                     .values(status="approved", signature=signature, approved_ms=now_ms()))
