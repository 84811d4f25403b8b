"""The organisation's signatures of the store's certificate.

The office uploads a signature of a new certificate before the store starts presenting it; a
device whose pinned certificate no longer matches fetches the signature (without its token:
the new certificate is not trusted yet) and re-pins only if its organisation's key signed it.
The store checks the signature too, so it keeps nothing a device would refuse."""

from __future__ import annotations

from sqlalchemy import Engine, insert, select

from sync import protocol as p

from . import db, signatures
from .auth import Caller
from .errors import bad_request, conflict, not_found
from .ids import now_ms
from .schema import org, server_cert


def store_signature(engine: Engine, caller: Caller, cert_sha256: bytes, signature: bytes) -> bool:
    """True when stored now, False when the same signature was there already."""
    with db.write(engine) as conn:
        sign_public = conn.scalar(select(org.c.sign_public).where(org.c.id == caller.org_id))
        if sign_public is None:
            raise conflict("the organisation has no keys yet")
        signatures.require(sign_public, signature, p.server_cert_statement(caller.org_id, cert_sha256), "signature")
        kept = conn.scalar(select(server_cert.c.signature).where(server_cert.c.org_id == caller.org_id,
                                                                 server_cert.c.cert_sha256 == cert_sha256))
        if kept is not None:
            return False  # any valid signature says the same; the first stays
        conn.execute(insert(server_cert).values(org_id=caller.org_id, cert_sha256=cert_sha256, signature=signature,
                                                signed_by=caller.device_id, created_ms=now_ms()))
        return True


def signature_of(engine: Engine, org_id: str, cert_hex: str) -> bytes:
    if not p.ID_PATTERN.fullmatch(org_id):
        raise bad_request("org: an id")
    if len(cert_hex) != 64 or p.normalise_fingerprint(cert_hex) != cert_hex.lower():
        raise bad_request("cert: 64 hex digits")
    with db.read(engine) as conn:
        signature = conn.scalar(select(server_cert.c.signature).where(
            server_cert.c.org_id == org_id, server_cert.c.cert_sha256 == bytes.fromhex(cert_hex)))
    if signature is None:
        raise not_found("the organisation did not sign this certificate")
    return signature
