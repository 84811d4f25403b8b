"""Signed statements about vaults: who created one (and of which kind), the organisation's
grants and removals, and the commitment of each key version.

The store verifies each statement before it acts on it and relays all of them, so membership
on the store follows signed statements only, and every device can check the same statements
itself before wrapping a key for anyone (docs/sync-protocol.md, "Membership")."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import Connection, Engine, and_, func, insert, or_, select, update

from sync import protocol as p

from . import access, db, membership, signatures
from .auth import Caller
from .errors import conflict, not_found
from .ids import now_ms
from .log_store import lock_head
from .models import MembershipStatement
from .schema import account, org, vault, vault_key_version, vault_member, vault_statement


def record_creation(conn: Connection, caller: Caller, vault_id: str, kind: str, signature: bytes, now: int) -> None:
    """The creator's signed word for a new vault's kind (inside the registering transaction)."""
    signatures.require(caller.sign_public, signature, p.vault_statement(caller.org_id, vault_id, kind, caller.device_id),
                       f"the creation statement of vault {vault_id}")
    conn.execute(insert(vault_statement).values(vault_id=vault_id, action="create", account_id=None, serial=0,
                                                device_id=caller.device_id, signature=signature, created_ms=now))


def record_key_version(conn: Connection, caller: Caller, vault_id: str, key_version: int, commitment: bytes,
                       signature: bytes, now: int) -> None:
    """A new key version's commitment, signed by the device that made the key."""
    statement = p.key_version_statement(caller.org_id, vault_id, key_version, commitment, caller.device_id)
    signatures.require(caller.sign_public, signature, statement, f"the commitment of key version {key_version}")
    conn.execute(insert(vault_key_version).values(vault_id=vault_id, key_version=key_version, commitment=commitment,
                                                  made_by=caller.device_id, signature=signature, created_ms=now))


def apply(engine: Engine, caller: Caller, statements: Sequence[MembershipStatement]) -> int:
    """Grants and removals signed by the organisation (the office), all or nothing; returns how
    many were new. A statement older than the one holding for its vault and account is refused."""
    applied = 0
    now = now_ms()
    with db.write(engine) as conn:
        lock_head(conn)  # a grant appends a marker to the log
        org_sign = conn.scalar(select(org.c.sign_public).where(org.c.id == caller.org_id)) or b""
        for st in statements:
            access.org_vault(conn, caller, st.vault_id)
            account_id = conn.scalar(select(account.c.id).where(account.c.login == st.login,
                                                                account.c.org_id == caller.org_id))
            if account_id is None:
                raise not_found(f"no account {st.login} in this organisation")
            statement = p.membership_statement(caller.org_id, st.vault_id, st.login, st.action, st.serial,
                                               caller.device_id)
            signatures.require(org_sign, st.signature, statement, "the organisation's signature")
            latest = holding(conn, st.vault_id, account_id)
            if latest is not None and (latest.serial, latest.action) == (st.serial, st.action):
                continue  # sent again
            if latest is not None and not _newer(st.serial, st.action, latest.serial, latest.action):
                raise conflict(f"a newer statement holds for {st.login} in vault {st.vault_id}")
            conn.execute(insert(vault_statement).values(
                vault_id=st.vault_id, action=st.action, account_id=account_id, serial=st.serial,
                device_id=caller.device_id, signature=st.signature, created_ms=now))
            if st.action == "grant":
                membership.grant(conn, st.vault_id, [account_id])
            else:
                conn.execute(update(vault_member).where(vault_member.c.vault_id == st.vault_id,
                                                        vault_member.c.account_id == account_id,
                                                        vault_member.c.removed_ms.is_(None)).values(removed_ms=now))
            applied += 1
    return applied


def _newer(serial: int, action: str, than_serial: int, than_action: str) -> bool:
    return serial > than_serial or (serial == than_serial and action == "remove" and than_action == "grant")


def holding(conn: Connection, vault_id: str, account_id: str):
    """The grant or removal that holds for an account in a vault (None: only the creation)."""
    return conn.execute(
        select(vault_statement.c.serial, vault_statement.c.action)
        .where(vault_statement.c.vault_id == vault_id, vault_statement.c.account_id == account_id)
        .order_by(vault_statement.c.serial.desc(), vault_statement.c.action.desc()).limit(1)).first()


def _visible(caller: Caller):
    """Statements of vaults the caller's account is a current member of, and those naming it
    (so a removed account learns of its removal)."""
    mine = select(vault_member.c.vault_id).where(vault_member.c.account_id == caller.account_id,
                                                 vault_member.c.removed_ms.is_(None))
    return and_(vault.c.org_id == caller.org_id,
                or_(vault_statement.c.account_id == caller.account_id, vault_statement.c.vault_id.in_(mine)))


def newest_for(conn: Connection, caller: Caller) -> int:
    return int(conn.scalar(select(func.max(vault_statement.c.id))
                           .join_from(vault_statement, vault, vault.c.id == vault_statement.c.vault_id)
                           .where(_visible(caller))) or 0)


def feed(engine: Engine, caller: Caller, after: int) -> dict:
    with db.read(engine) as conn:
        rows = conn.execute(
            select(vault_statement, vault.c.kind, account.c.login)
            .join_from(vault_statement, vault, vault.c.id == vault_statement.c.vault_id)
            .outerjoin(account, account.c.id == vault_statement.c.account_id)
            .where(vault_statement.c.id > after, _visible(caller))
            .order_by(vault_statement.c.id).limit(p.MAX_STATEMENTS_PER_REQUEST)).all()
    items = [{"id": r.id, "vault_id": r.vault_id, "kind": r.kind, "action": r.action, "account_id": r.account_id,
              "login": r.login, "serial": r.serial, "device_id": r.device_id, "signature": r.signature} for r in rows]
    return {"statements": items, "next": rows[-1].id if rows else after}
