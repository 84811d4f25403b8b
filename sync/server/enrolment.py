"""Enrolment: a one-time code becomes a device with a bearer token; the org's bootstrap device
then posts the org's keys and so approves itself.

Failed attempts are counted in the database (shared by all API nodes) per client address, per
code (its first group) and per device name; past any limit the try gets 429 before its code
is even looked at, so guessing does not pay (and a code has 100 bits anyway)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Engine, delete, func, insert, select, update

from sync import protocol as p

from . import db, signatures
from .answers import org_json
from .auth import Caller
from .errors import ApiError, bad_request, conflict, forbidden, not_found
from .ids import code_hash, new_id, new_token, normalise_code, now_ms, sha256_hex
from .models import EnrolRequest, OrgKeysRequest
from .schema import account, device, enrol_code, enrol_failure, org

# Failed tries within the last hour, counted three ways. A city's laptops all behind one NAT
# enrol with good codes (never counted) and the odd typo, far below the address ceiling; a
# code whose first group is known (read over a shoulder) gets 5 guesses an hour at its other
# 75 bits; one device name tried from many addresses is slowed as well.
FAILURE_WINDOW_MS = 60 * 60 * 1000
MAX_PER_ADDRESS = 200
MAX_PER_CODE = 5
MAX_PER_NAME = 50


@dataclass(frozen=True)
class Enrolled:
    device_id: str
    token: str
    bootstrap: bool
    account: dict
    org: dict


def enrol(engine: Engine, address: str, req: EnrolRequest) -> Enrolled:
    now = now_ms()
    keys = {"address": address, "code_key": _code_key(req.code),
            "name_key": sha256_hex("yorisoi/enrol-name/v1\x00" + req.device_name)}
    limits = {"address": MAX_PER_ADDRESS, "code_key": MAX_PER_CODE, "name_key": MAX_PER_NAME}
    with db.read(engine) as conn:
        for column, value in keys.items():
            if value is None:
                continue
            recent = conn.scalar(select(func.count()).select_from(enrol_failure).where(
                enrol_failure.c[column] == value, enrol_failure.c.at_ms > now - FAILURE_WINDOW_MS))
            if recent >= limits[column]:
                raise ApiError(429, p.E_RATE_LIMITED, f"too many failed enrolment attempts ({column.split('_')[0]});"
                                                      " try again later")
    try:
        return _use_code(engine, req, now)
    except ApiError as e:
        if e.code in (p.E_CODE_INVALID, p.E_CODE_EXPIRED):
            _record_failure(engine, keys, now)
        raise


def _code_key(text: str) -> str | None:
    """The code's first group (25 of its 100 bits), which names "one code" for the throttle;
    None for text that cannot be a code at all (counted per address and name only)."""
    code = normalise_code(text)
    return None if code is None else sha256_hex("yorisoi/enrol-code-group/v1\x00" + code[:5])


def org_by_fingerprint(engine: Engine, fingerprint: str) -> dict:
    """The organisation whose keys have this fingerprint, so a device checks them against its
    ticket before it sends its code. Orgs per store are few (a city's), so they are scanned."""
    wanted = p.normalise_fingerprint(fingerprint)
    if len(wanted) != 32 or len(fingerprint) > 64:
        raise bad_request("fingerprint: 32 hex digits")
    with db.read(engine) as conn:
        rows = conn.execute(select(org.c.id, org.c.name, org.c.sign_public, org.c.box_public, org.c.keys_signature)
                            .where(org.c.sign_public.is_not(None))).all()
    for r in rows:
        if p.normalise_fingerprint(p.fingerprint(r.box_public, r.sign_public)) == wanted:
            return org_json(r.id, r.name, r.sign_public, r.box_public, r.keys_signature)
    raise not_found("no organisation with this key fingerprint")


def _use_code(engine: Engine, req: EnrolRequest, now: int) -> Enrolled:
    code = normalise_code(req.code)
    with db.write(engine) as conn:
        row = None if code is None else conn.execute(
            select(enrol_code.c.id, enrol_code.c.kind, enrol_code.c.expires_ms, enrol_code.c.used_ms,
                   account.c.id.label("account_id"), account.c.login, account.c.role, org.c.id.label("org_id"),
                   org.c.name, org.c.sign_public, org.c.box_public, org.c.keys_signature)
            .join_from(enrol_code, account, account.c.id == enrol_code.c.account_id)
            .join(org, org.c.id == account.c.org_id)
            .where(enrol_code.c.code_hash == code_hash(code))).first()
        if row is None or row.used_ms is not None:
            raise ApiError(403, p.E_CODE_INVALID, "unknown or used enrolment code")
        if row.expires_ms <= now:
            raise ApiError(403, p.E_CODE_EXPIRED, "the enrolment code has expired")
        device_id, token = new_id(), new_token()
        claimed = conn.execute(update(enrol_code).where(enrol_code.c.id == row.id, enrol_code.c.used_ms.is_(None))
                               .values(used_ms=now, device_id=device_id)).rowcount
        if claimed != 1:  # another request used it a moment ago
            raise ApiError(403, p.E_CODE_INVALID, "unknown or used enrolment code")
        bootstrap = row.kind == "bootstrap"
        conn.execute(insert(device).values(
            id=device_id, account_id=row.account_id, name=req.device_name, box_public=req.box_public,
            sign_public=req.sign_public, token_hash=sha256_hex(token), status="pending", bootstrap=bootstrap,
            created_ms=now))
    return Enrolled(device_id=device_id, token=token, bootstrap=bootstrap,
                    account={"id": row.account_id, "login": row.login, "role": row.role},
                    org=org_json(row.org_id, row.name, row.sign_public, row.box_public, row.keys_signature))


def _record_failure(engine: Engine, keys: dict, now: int) -> None:
    with db.write(engine) as conn:
        conn.execute(delete(enrol_failure).where(enrol_failure.c.at_ms <= now - FAILURE_WINDOW_MS))
        conn.execute(insert(enrol_failure).values(at_ms=now, **keys))


def post_org_keys(engine: Engine, caller: Caller, req: OrgKeysRequest) -> None:
    if not caller.bootstrap:
        raise forbidden("only the device enrolled with the bootstrap code posts the organisation's keys")
    with db.write(engine) as conn:
        if conn.scalar(select(org.c.sign_public).where(org.c.id == caller.org_id)) is not None:
            raise conflict("the organisation has its keys already")
        signatures.require(req.sign_public, req.keys_signature,
                           p.org_keys_statement(caller.org_id, req.sign_public, req.box_public),
                           "keys_signature")
        signatures.require(req.sign_public, req.device_signature,
                           p.device_statement(caller.org_id, caller.device_id, caller.account_id, caller.login,
                                              caller.role, caller.box_public, caller.sign_public),
                           "device_signature")
        set_keys = conn.execute(update(org).where(org.c.id == caller.org_id, org.c.sign_public.is_(None)).values(
            sign_public=req.sign_public, box_public=req.box_public, keys_signature=req.keys_signature)).rowcount
        if set_keys != 1:
            raise conflict("the organisation has its keys already")
        conn.execute(update(device).where(device.c.id == caller.device_id).values(
            status="approved", signature=req.device_signature, approved_ms=now_ms()))
