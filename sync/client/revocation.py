"""Revoking a device, and believing a revocation only when the organisation signed it.

The office signs `protocol.revocation_statement` with the organisation's key; the store refuses
the device's token from then on and relays the signature with the device list and with the
revoked device's own refusal. Every device checks the signature against the organisation key
it pinned at enrolment: a store cannot make a device stop (seal, wipe) by saying so, nor keep a
revoked device in by listing it as approved.
"""

from __future__ import annotations

import time

from sync import protocol
from sync.client import crypto
from sync.client.enrolment import NotOffice, UnknownDevice, decode_device
from sync.client.errors import ProtocolError, SyncError
from sync.client.identity import Identity
from sync.client.remote import Remote, b64, unb64


class CannotRevokeSelf(SyncError):
    """The office asked to revoke the very device it is using (it would lock itself out)."""


def decode(revocation: object) -> tuple[int, bytes] | None:
    """(revoked_ms, signature) from the store's JSON, or None when absent or malformed."""
    if not isinstance(revocation, dict):
        return None
    revoked_ms, signature = revocation.get("revoked_ms"), revocation.get("signature")
    if not isinstance(revoked_ms, int) or isinstance(revoked_ms, bool) or not isinstance(signature, str):
        return None
    try:
        return revoked_ms, unb64(signature) or b""
    except ProtocolError:
        return None


def signed_revocation(identity: Identity, device_id: str, box_public: bytes, sign_public: bytes,
                      revocation: object) -> int | None:
    """When the organisation revoked this device (ms), or None when no valid signature says so."""
    found = decode(revocation)
    if found is None or not identity.org_sign_public:
        return None
    revoked_ms, signature = found
    statement = protocol.revocation_statement(identity.org_id, device_id, revoked_ms, box_public, sign_public)
    return revoked_ms if crypto.verify(identity.org_sign_public, signature, statement) else None


def of_device(identity: Identity, device: dict) -> int | None:
    """`signed_revocation` of a decoded device entry (`enrolment.decode_device`)."""
    return signed_revocation(identity, device["id"], device["box_public"], device["sign_public"],
                             device.get("revocation"))


def of_this_device(identity: Identity, revocation: object) -> int | None:
    """The revocation the store sent with this device's refusal, if the organisation signed it."""
    return signed_revocation(identity, identity.device_id, identity.keys.box_public, identity.keys.sign_public,
                             revocation)


STATE_PREFIX = "revocation."


def remembered(state: dict[str, str]) -> dict[str, dict]:
    """Revocations this device has verified before, by device id, as the store relays them.
    They are kept for good: a store that later lists the device as approved, or drops the
    signature, does not bring it back."""
    found = {}
    for key, value in state.items():
        if key.startswith(STATE_PREFIX):
            revoked_ms, _, signature = value.partition(":")
            if revoked_ms.isdigit():
                found[key[len(STATE_PREFIX):]] = {"revoked_ms": int(revoked_ms), "signature": signature}
    return found


def to_remember(device_id: str, revocation: dict) -> dict[str, str]:
    return {STATE_PREFIX + device_id: f"{revocation['revoked_ms']}:{revocation['signature']}"}


def revoke(identity: Identity, remote: Remote, fingerprint: str) -> dict:
    """Sign the revocation of the device with this fingerprint (the office only); returns it."""
    if identity.org_keys is None:
        raise NotOffice("only the office device holds the organisation key")
    wanted = protocol.normalise_fingerprint(fingerprint)
    for device in map(decode_device, remote.devices()):
        if protocol.normalise_fingerprint(protocol.fingerprint(device["box_public"], device["sign_public"])) != wanted:
            continue
        if device["id"] == identity.device_id:
            raise CannotRevokeSelf(fingerprint)
        revoked_ms = int(time.time() * 1000)
        signature = identity.org_keys.sign(protocol.revocation_statement(
            identity.org_id, device["id"], revoked_ms, device["box_public"], device["sign_public"]))
        remote.revoke(device["id"], revoked_ms, signature)
        return {**device, "status": "revoked", "revocation": {"revoked_ms": revoked_ms, "signature": b64(signature)}}
    raise UnknownDevice(fingerprint)
