"""Who is calling: bearer token → device → account and org, then the status and role rules.

A token is looked up by its SHA-256, so the comparison is an index lookup on a hash rather
than a string comparison on a secret. The device id is put on the request for the request
log; the token never is."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy import Engine, select, update

from sync import protocol as p

from . import db
from .answers import revocation_json
from .errors import ApiError, forbidden
from .ids import now_ms, sha256_hex
from .schema import account, device

_BEARER = re.compile(r"[Bb]earer ([A-Za-z0-9_\-]{16,128}={0,2})")
LAST_SEEN_EVERY_MS = 60_000  # a write per minute per device, not per request


@dataclass(frozen=True)
class Caller:
    device_id: str
    account_id: str
    org_id: str
    login: str
    role: str
    status: str
    bootstrap: bool
    sign_public: bytes
    box_public: bytes

    @property
    def is_office(self) -> bool:
        return self.role == "office"


def engine_of(request: Request) -> Engine:
    return request.app.state.engine


def authenticate(request: Request) -> Caller:
    """Any enrolled device that is not revoked (pending included)."""
    match = _BEARER.fullmatch(request.headers.get("authorization", ""))
    if not match:
        raise ApiError(401, p.E_UNAUTHORIZED, "missing or malformed bearer token")
    engine = engine_of(request)
    with db.read(engine) as conn:
        row = conn.execute(
            select(device.c.id, device.c.account_id, device.c.status, device.c.bootstrap, device.c.sign_public,
                   device.c.box_public, device.c.last_seen_ms, device.c.revoked_ms, device.c.revocation,
                   account.c.org_id, account.c.login, account.c.role)
            .join(account, account.c.id == device.c.account_id)
            .where(device.c.token_hash == sha256_hex(match.group(1)))
        ).first()
    if row is None:
        raise ApiError(401, p.E_UNAUTHORIZED, "unknown token")
    request.state.device_id = row.id
    if row.status == "revoked":
        # The org's signed revocation goes with the refusal: the device believes it (and seals
        # and wipes what it holds) only if the signature verifies against the org key it pinned.
        raise ApiError(403, p.E_DEVICE_REVOKED, "this device was revoked",
                       {"revocation": revocation_json(row.revoked_ms, row.revocation)})
    now = now_ms()
    if row.last_seen_ms is None or now - row.last_seen_ms >= LAST_SEEN_EVERY_MS:
        with db.write(engine) as conn:
            conn.execute(update(device).where(device.c.id == row.id).values(last_seen_ms=now))
    return Caller(device_id=row.id, account_id=row.account_id, org_id=row.org_id, login=row.login, role=row.role,
                  status=row.status, bootstrap=row.bootstrap, sign_public=row.sign_public, box_public=row.box_public)


def approved(caller: Annotated[Caller, Depends(authenticate)]) -> Caller:
    if caller.status != "approved":
        raise ApiError(403, p.E_DEVICE_PENDING, "this device is waiting for the office's approval")
    return caller


def office(caller: Annotated[Caller, Depends(approved)]) -> Caller:
    if not caller.is_office:
        raise forbidden("only the office may do this")
    return caller


AnyDevice = Annotated[Caller, Depends(authenticate)]
Device = Annotated[Caller, Depends(approved)]
Office = Annotated[Caller, Depends(office)]
EngineDep = Annotated[Engine, Depends(engine_of)]
