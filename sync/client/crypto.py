"""The device's cryptography: its keys, the organisation's keys, vault keys and envelopes.

    device keys      X25519 (receives vault keys) + Ed25519 (signs envelopes and key copies)
    org keys         Ed25519 signing key (signs device keys) + X25519 recovery key; the private
                     halves live only in the office's encrypted profile
    vault key        32 random bytes per vault and key version, AES-256-GCM
    key copy         a vault key sealed for one X25519 public key: an ephemeral X25519 key
                     agreement, HKDF-SHA256 bound to vault, version and recipient, AES-256-GCM;
                     signed by the device that made it
    envelope         a batch of changes, sealed with the vault key; the vault, envelope id, key
                     version and author are associated data, so nothing can be moved; signed

Only `cryptography` primitives are used; nothing here is home-made beyond how they are put
together, and every byte string that is signed comes from `sync.protocol`.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

from cryptography.exceptions import InvalidSignature, InvalidTag
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from sync import protocol
from sync.client.errors import IntegrityFailure

_RAW = serialization.Encoding.Raw
_RAW_PUB = serialization.PublicFormat.Raw
_RAW_PRIV = serialization.PrivateFormat.Raw
_NO_ENC = serialization.NoEncryption()
WRAP_INFO = "yorisoi/vault-key-wrap/v1"


@dataclass(frozen=True)
class KeyPair:
    """An X25519 box key and an Ed25519 signing key (a device's, or the organisation's)."""

    box_private: bytes
    sign_private: bytes

    @classmethod
    def generate(cls) -> KeyPair:
        return cls(
            X25519PrivateKey.generate().private_bytes(_RAW, _RAW_PRIV, _NO_ENC),
            Ed25519PrivateKey.generate().private_bytes(_RAW, _RAW_PRIV, _NO_ENC),
        )

    @property
    def box_public(self) -> bytes:
        return X25519PrivateKey.from_private_bytes(self.box_private).public_key().public_bytes(_RAW, _RAW_PUB)

    @property
    def sign_public(self) -> bytes:
        return Ed25519PrivateKey.from_private_bytes(self.sign_private).public_key().public_bytes(_RAW, _RAW_PUB)

    def sign(self, message: bytes) -> bytes:
        return Ed25519PrivateKey.from_private_bytes(self.sign_private).sign(message)

    @property
    def fingerprint(self) -> str:
        return protocol.fingerprint(self.box_public, self.sign_public)


def verify(sign_public: bytes, signature: bytes, message: bytes) -> bool:
    try:
        Ed25519PublicKey.from_public_bytes(sign_public).verify(signature, message)
    except (InvalidSignature, ValueError):
        return False
    return True


def require(sign_public: bytes, signature: bytes | None, message: bytes, what: str) -> None:
    if not signature or not verify(sign_public, signature, message):
        raise IntegrityFailure(what)


def new_vault_key() -> bytes:
    return AESGCM.generate_key(bit_length=256)


def _wrap_key(shared: bytes, salt: bytes, vault_id: str, key_version: int, recipient: str) -> bytes:
    info = f"{WRAP_INFO}\x00{vault_id}\x00{key_version}\x00{recipient}".encode()
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=salt, info=info).derive(shared)


def wrap(vault_key: bytes, recipient_box_public: bytes, vault_id: str, key_version: int, recipient: str) -> bytes:
    """A copy of a vault key only the holder of the recipient's box key can open."""
    ephemeral = X25519PrivateKey.generate()
    eph_public = ephemeral.public_key().public_bytes(_RAW, _RAW_PUB)
    shared = ephemeral.exchange(X25519PublicKey.from_public_bytes(recipient_box_public))
    kek = _wrap_key(shared, eph_public + recipient_box_public, vault_id, key_version, recipient)
    nonce = os.urandom(12)
    return eph_public + nonce + AESGCM(kek).encrypt(nonce, vault_key, None)


def unwrap(wrapped: bytes, box_private: bytes, vault_id: str, key_version: int, recipient: str) -> bytes:
    if len(wrapped) != 32 + 12 + 32 + 16:
        raise IntegrityFailure("vault key copy")
    me = X25519PrivateKey.from_private_bytes(box_private)
    my_public = me.public_key().public_bytes(_RAW, _RAW_PUB)
    eph_public, nonce, sealed = wrapped[:32], wrapped[32:44], wrapped[44:]
    shared = me.exchange(X25519PublicKey.from_public_bytes(eph_public))
    kek = _wrap_key(shared, eph_public + my_public, vault_id, key_version, recipient)
    try:
        return AESGCM(kek).decrypt(nonce, sealed, None)
    except InvalidTag:
        raise IntegrityFailure("vault key copy") from None


@dataclass(frozen=True)
class Envelope:
    vault: str
    id: str
    kv: int
    device: str
    nonce: bytes
    body: bytes
    sig: bytes

    def wire(self) -> dict:
        return {"vault": self.vault, "id": self.id, "kv": self.kv, "nonce": self.nonce, "body": self.body,
                "sig": self.sig}


def seal(plaintext: bytes, vault_key: bytes, vault_id: str, envelope_id: str, key_version: int,
         device_id: str, signer: KeyPair) -> Envelope:
    nonce = os.urandom(12)
    aad = protocol.envelope_aad(vault_id, envelope_id, key_version, device_id)
    body = AESGCM(vault_key).encrypt(nonce, plaintext, aad)
    sig = signer.sign(protocol.envelope_statement(vault_id, envelope_id, key_version, device_id, nonce, body))
    return Envelope(vault_id, envelope_id, key_version, device_id, nonce, body, sig)


def open_envelope(env: Envelope, vault_key: bytes) -> bytes:
    """The plaintext, or IntegrityFailure when the key, the place or the bytes are wrong."""
    aad = protocol.envelope_aad(env.vault, env.id, env.kv, env.device)
    try:
        return AESGCM(vault_key).decrypt(env.nonce, env.body, aad)
    except (InvalidTag, ValueError):
        raise IntegrityFailure("envelope") from None
