"""A revoked device's unsent changes, sealed so that only the organisation can open them.

    file     = UNSENT_MAGIC || msgpack {"org", "device", "ephemeral": bin(32), "nonce": bin(12),
                                        "sealed": bin}
    sealed   = AES-256-GCM(kek, nonce, msgpack {"sealed_ms", "payload": bin, "sig": bin(64)},
                           aad = context)   (the signature is checked before the payload is read)
    kek      = HKDF-SHA256(X25519(ephemeral_private, org_recovery_public),
                           salt = ephemeral_public || org_recovery_public, info = context)
    context  = protocol.unsent_seal_context(org, device, ephemeral_public)
    sig      = the device's Ed25519 signature of protocol.unsent_statement(org, device, sealed_ms,
                                                                         payload)
    payload  = msgpack {"org", "device", "login", "sealed_ms", "count", "oldest_ms", "newest_ms",
                        "vaults": [{"vault", "kind", "ops"}]}   (ops as in sync.client.codec)

Only the organisation's recovery private key (on the office's device) opens it; the office
checks the signature with the device's key the organisation signed at approval, so neither the
laptop's finder nor anyone who carries the file can read it or put words in the device's name.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

import msgpack
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from sync import protocol
from sync.client import crypto
from sync.client.errors import IntegrityFailure, ProtocolError
from sync.client.identity import Identity

_RAW = serialization.Encoding.Raw
_RAW_PUB = serialization.PublicFormat.Raw


@dataclass(frozen=True)
class Unsent:
    """An opened file: who wrote it, when it was sealed, and what it holds."""

    org: str
    device: str
    login: str
    sealed_ms: int
    count: int
    oldest_ms: int | None
    newest_ms: int | None
    vaults: list[dict]


def _kek(shared: bytes, ephemeral_public: bytes, recovery_public: bytes, context: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=ephemeral_public + recovery_public,
                info=context).derive(shared)


def seal(identity: Identity, sealed_ms: int, count: int, oldest_ms: int | None, newest_ms: int | None,
         vaults: list[dict]) -> bytes:
    if not identity.org_box_public:
        raise IntegrityFailure("organisation recovery key not pinned")
    payload = msgpack.packb({"org": identity.org_id, "device": identity.device_id, "login": identity.login,
                             "sealed_ms": sealed_ms, "count": count, "oldest_ms": oldest_ms, "newest_ms": newest_ms,
                             "vaults": vaults}, use_bin_type=True)
    sig = identity.keys.sign(protocol.unsent_statement(identity.org_id, identity.device_id, sealed_ms, payload))
    ephemeral = X25519PrivateKey.generate()
    ephemeral_public = ephemeral.public_key().public_bytes(_RAW, _RAW_PUB)
    context = protocol.unsent_seal_context(identity.org_id, identity.device_id, ephemeral_public)
    shared = ephemeral.exchange(X25519PublicKey.from_public_bytes(identity.org_box_public))
    nonce = os.urandom(12)
    sealed = AESGCM(_kek(shared, ephemeral_public, identity.org_box_public, context)).encrypt(
        nonce, msgpack.packb({"sealed_ms": sealed_ms, "payload": payload, "sig": sig}, use_bin_type=True), context)
    return protocol.UNSENT_MAGIC + msgpack.packb(
        {"org": identity.org_id, "device": identity.device_id, "ephemeral": ephemeral_public, "nonce": nonce,
         "sealed": sealed}, use_bin_type=True)


def header(data: bytes) -> dict:
    """The clear part of a file: which organisation and device (ids only)."""
    if not data.startswith(protocol.UNSENT_MAGIC) or len(data) > protocol.MAX_UNSENT_FILE_BYTES:
        raise ProtocolError("not an unsent file")
    try:
        doc = msgpack.unpackb(data[len(protocol.UNSENT_MAGIC):], raw=False, max_bin_len=protocol.MAX_UNSENT_FILE_BYTES,
                              max_str_len=1024, max_map_len=16, max_array_len=16)
    except (ValueError, msgpack.ExtraData, msgpack.FormatError, msgpack.StackError):
        raise ProtocolError("not an unsent file") from None
    if (not isinstance(doc, dict) or not all(isinstance(doc.get(k), str) for k in ("org", "device"))
            or not all(isinstance(doc.get(k), bytes) for k in ("ephemeral", "nonce", "sealed"))
            or len(doc["ephemeral"]) != 32 or len(doc["nonce"]) != 12):
        raise ProtocolError("not an unsent file")
    return doc


def open_sealed(data: bytes, org_id: str, recovery: crypto.KeyPair, sign_public_of) -> Unsent:
    """Open with the organisation's recovery key and verify the device's signature;
    ``sign_public_of(device_id)`` gives the signing key the organisation signed for it (or None)."""
    doc = header(data)
    if doc["org"] != org_id:
        raise IntegrityFailure("unsent file of another organisation")
    context = protocol.unsent_seal_context(org_id, doc["device"], doc["ephemeral"])
    try:
        shared = X25519PrivateKey.from_private_bytes(recovery.box_private).exchange(
            X25519PublicKey.from_public_bytes(doc["ephemeral"]))
        inner = AESGCM(_kek(shared, doc["ephemeral"], recovery.box_public, context)).decrypt(
            doc["nonce"], doc["sealed"], context)
    except (InvalidTag, ValueError):
        raise IntegrityFailure("unsent file") from None
    # Anyone can seal to the organisation's public key: nothing here is trusted before the
    # device's signature verifies, and nothing malformed escapes as anything but a refusal.
    try:
        inner = msgpack.unpackb(inner, raw=False, max_str_len=1024, max_map_len=8, max_array_len=8)
        payload, sig, sealed_ms = inner.get("payload"), inner.get("sig"), inner.get("sealed_ms")
        if not isinstance(payload, bytes) or not isinstance(sig, bytes) or not isinstance(sealed_ms, int):
            raise IntegrityFailure("unsent file")
        sign_public = sign_public_of(doc["device"])
        statement = protocol.unsent_statement(org_id, doc["device"], sealed_ms, payload)
        if sign_public is None or not crypto.verify(sign_public, sig, statement):
            raise IntegrityFailure("unsent file signature")
        body = msgpack.unpackb(payload, raw=False)  # signed by a device the organisation approved
        if not isinstance(body, dict) or body.get("device") != doc["device"] or body.get("org") != org_id:
            raise IntegrityFailure("unsent file")
        count = int(body.get("count", 0))
    except (ValueError, TypeError, AttributeError, msgpack.ExtraData, msgpack.FormatError, msgpack.StackError):
        raise IntegrityFailure("unsent file") from None
    vaults = [v for v in body.get("vaults") or [] if isinstance(v, dict) and isinstance(v.get("vault"), str)
              and isinstance(v.get("ops"), list)]
    number = lambda value: value if isinstance(value, int) and not isinstance(value, bool) else None  # noqa: E731
    return Unsent(org_id, doc["device"], str(body.get("login", "")), sealed_ms, count,
                  number(body.get("oldest_ms")), number(body.get("newest_ms")), vaults)
