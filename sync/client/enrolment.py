"""Enrolling a device and, on the office's device, approving others.

The first device enrolled with an organisation's bootstrap code is the office's: it creates the
organisation's signing key and recovery key, and signs its own device key. Every other device
enrols with a one-time code, shows its fingerprint, and waits until the office compares that
fingerprint and signs its key (`approve`). The organisation's keys are pinned on every device at
enrolment, and the server's TLS certificate with them.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from sync import protocol
from sync.client import crypto, ticket
from sync.client.errors import CertificateMismatch, OrgKeyMismatch, SyncError, TicketRefused
from sync.client.identity import Identity
from sync.client.local import Local
from sync.client.remote import Remote, cert_fingerprint, cert_sha256, fetch_certificate, unb64


class AlreadyEnrolled(SyncError):
    pass


class NotOffice(SyncError):
    pass


class UnknownDevice(SyncError):
    def __init__(self, fingerprint: str) -> None:
        super().__init__(fingerprint)
        self.fingerprint = fingerprint


@dataclass(frozen=True)
class Enrolled:
    identity: Identity
    fingerprint: str
    org_fingerprint: str
    cert_fingerprint: str
    bootstrap: bool


def org_fingerprint(identity: Identity) -> str:
    if not identity.org_box_public or not identity.org_sign_public:
        return ""
    return protocol.fingerprint(identity.org_box_public, identity.org_sign_public)


def enrol(local: Local, server: str, code: str, device_name: str, *, server_fingerprint: str | None = None,
          expected_org: str | None = None, remote: Remote | None = None) -> Enrolled:
    """`code` is a ticket (yrs1:…) or a bare code with the fingerprints beside it. The store's
    certificate and organisation key are checked against them before the code is sent."""
    if local.state().get("device_id"):
        raise AlreadyEnrolled("this profile is already enrolled")
    wanted = ticket.expected(server, code, server_fingerprint, expected_org)
    if remote is not None:
        return _enrol(local, server, wanted, device_name, remote, None)
    cert_pem = fetch_certificate(server)
    if cert_pem and wanted.cert_sha256 and cert_sha256(cert_pem) != wanted.cert_sha256:
        raise CertificateMismatch(_colon_hex(wanted.cert_sha256), cert_fingerprint(cert_pem))
    remote = Remote(server, cert_pem=cert_pem)
    try:
        return _enrol(local, server, wanted, device_name, remote, cert_pem)
    finally:
        remote.close()


def _enrol(local: Local, server: str, wanted: ticket.Expected, device_name: str, remote: Remote,
           cert_pem: str | None) -> Enrolled:
    if wanted.org_fingerprint:
        presented = remote.enrol_org(wanted.org_fingerprint)
        _require_org(wanted.org_fingerprint, presented)
    keys = crypto.KeyPair.generate()
    doc = remote.enrol(wanted.code, device_name, keys.box_public, keys.sign_public)
    org = doc.get("org") or {}
    account = doc.get("account") or {}
    identity = Identity(
        server=server, cert_pem=cert_pem, device_id=str(doc["device_id"]), token=str(doc["token"]), keys=keys,
        org_id=str(org["id"]), org_name=str(org.get("name", "")), org_sign_public=unb64(org.get("sign_public")),
        org_box_public=unb64(org.get("box_public")), account_id=str(account["id"]), login=str(account["login"]),
        role=str(account["role"]), status=str(doc.get("status", "pending")))
    if wanted.org_fingerprint:
        _require_org(wanted.org_fingerprint, org)
    elif identity.org_sign_public and not wanted.loopback:
        # A founding ticket names no organisation key; a store that answers with one would have
        # it pinned on trust alone.
        raise TicketRefused("org_unverified")
    if identity.org_sign_public:
        verify_org_keys(identity.org_id, identity.org_sign_public, identity.org_box_public,
                        unb64(org.get("keys_signature")))
    # The token exists once: keep it before anything else can fail.
    local.save_state(identity.to_state())
    bootstrap = bool(doc.get("bootstrap"))
    if bootstrap:
        identity = _found_organisation(local, remote, identity)
    return Enrolled(identity, keys.fingerprint, org_fingerprint(identity),
                    cert_fingerprint(cert_pem) if cert_pem else "", bootstrap)


def _require_org(wanted: str, org: dict) -> None:
    """The organisation keys the store presents are the ticket's, and vouch for each other."""
    sign_public, box_public = unb64(org.get("sign_public")), unb64(org.get("box_public"))
    found = protocol.fingerprint(box_public, sign_public) if sign_public and box_public else ""
    if _hex(found) != _hex(wanted):
        raise OrgKeyMismatch(wanted, found)
    verify_org_keys(str(org.get("id", "")), sign_public, box_public, unb64(org.get("keys_signature")))


def _colon_hex(digest: bytes) -> str:
    return ":".join(f"{b:02X}" for b in digest)


def verify_org_keys(org_id: str, sign_public: bytes, box_public: bytes | None, signature: bytes | None) -> None:
    """The organisation's recovery key is the one its signing key vouches for."""
    crypto.require(sign_public, signature, protocol.org_keys_statement(org_id, sign_public, box_public or b""),
                   "organisation keys")


def _found_organisation(local: Local, remote: Remote, identity: Identity) -> Identity:
    org_keys = crypto.KeyPair.generate()
    keys_sig = org_keys.sign(protocol.org_keys_statement(identity.org_id, org_keys.sign_public, org_keys.box_public))
    device_sig = org_keys.sign(_statement(identity.org_id, identity.device_id, identity.account_id, identity.login,
                                          identity.role, identity.keys.box_public, identity.keys.sign_public))
    # Kept before the server learns the public half: losing them would orphan the organisation.
    founded = replace(identity, org_keys=org_keys, org_sign_public=org_keys.sign_public,
                      org_box_public=org_keys.box_public)
    local.save_state(founded.to_state())
    remote.token = identity.token
    remote.post_org_keys(org_keys.sign_public, org_keys.box_public, keys_sig, device_sig)
    founded = replace(founded, status="approved")
    local.save_state({"status": "approved"})
    return founded


def _statement(org_id, device_id, account_id, login, role, box_public, sign_public) -> bytes:
    return protocol.device_statement(org_id, device_id, account_id, login, role, box_public, sign_public)


def device_trusted(identity: Identity, device: dict) -> bool:
    """Whether the organisation's key signed this device's keys, login and role."""
    if not identity.org_sign_public or not device.get("signature"):
        return False
    return crypto.verify(identity.org_sign_public, device["signature"], _statement(
        identity.org_id, device["id"], device["account_id"], device["login"], device["role"],
        device["box_public"], device["sign_public"]))


def decode_device(doc: dict) -> dict:
    return {
        "id": str(doc["id"]), "account_id": str(doc["account_id"]), "login": str(doc["login"]),
        "role": str(doc["role"]), "name": str(doc.get("name", "")), "status": str(doc["status"]),
        "box_public": unb64(doc["box_public"]), "sign_public": unb64(doc["sign_public"]),
        "signature": unb64(doc.get("signature")), "created_ms": doc.get("created_ms"),
        "revocation": doc.get("revocation"), "unsent": doc.get("unsent"), "last_seen_ms": doc.get("last_seen_ms"),
    }


def approve(identity: Identity, remote: Remote, fingerprint: str) -> dict:
    """Sign the keys of the pending device with this fingerprint (the office only)."""
    if identity.org_keys is None:
        raise NotOffice("only the office device holds the organisation key")
    wanted = protocol.normalise_fingerprint(fingerprint)
    for device in map(decode_device, remote.devices()):
        if device["status"] != "pending":
            continue
        if protocol.normalise_fingerprint(protocol.fingerprint(device["box_public"], device["sign_public"])) != wanted:
            continue
        signature = identity.org_keys.sign(_statement(
            identity.org_id, device["id"], device["account_id"], device["login"], device["role"],
            device["box_public"], device["sign_public"]))
        remote.approve(device["id"], signature)
        return device
    raise UnknownDevice(fingerprint)


def _hex(text: str) -> str:
    return protocol.normalise_fingerprint(text)
