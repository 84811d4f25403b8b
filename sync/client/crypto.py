"""The device's cryptography: its keys, the organisation's keys, vault keys and envelopes.

    device keys      X25519 (receives vault keys) + Ed25519 (signs envelopes and key copies)
    org keys         Ed25519 signing key (signs device keys) + X25519 recovery key; the private
                     halves live only in the office's encrypted profile
    vault key        32 random bytes per vault and key version, AES-256-GCM
    key copy         a vault key sealed from one X25519 key to another (static-static key
                     agreement, HKDF-SHA256 bound to vault, version, sender and recipient,
                     AES-256-GCM): opening it authenticates the device that made it
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


class KeyCopier:
    """Makes and opens vault key copies between this box key and other devices' box keys.

    A copy is sealed under a key both ends can derive from their static X25519 keys (as NaCl's
    crypto_box does): only the holder of the recipient's private key can open it, and opening it
    proves it was made by the holder of the sender's private key, whose public key the recipient
    checks against the organisation's signature. No per-copy signature is needed, so the
    thousands of copies of a station's vaults cost microseconds each, not a signature check.
    The shared secret of each pair of keys is computed once.
    """

    def __init__(self, box_private: bytes) -> None:
        self._me = X25519PrivateKey.from_private_bytes(box_private)
        self.public = self._me.public_key().public_bytes(_RAW, _RAW_PUB)
        self._shared: dict[bytes, bytes] = {}

    def _secret(self, other_public: bytes) -> bytes:
        found = self._shared.get(other_public)
        if found is None:
            try:
                found = self._me.exchange(X25519PublicKey.from_public_bytes(other_public))
            except ValueError:
                raise IntegrityFailure("box key") from None
            self._shared[other_public] = found
        return found

    def _kek(self, other_public: bytes, sender: str, recipient: str, vault_id: str, key_version: int,
             sending: bool) -> tuple[bytes, bytes]:
        info = protocol.key_copy_context(vault_id, key_version, sender, recipient)
        return self.pair_key(other_public, info, sending=sending), info

    def pair_key(self, other_public: bytes, info: bytes, *, sending: bool) -> bytes:
        """A key only this box key and the other can derive, bound to ``info`` and to which of
        the two sends (the salt is the sender's public key, then the recipient's)."""
        sender_pub, recipient_pub = (self.public, other_public) if sending else (other_public, self.public)
        return HKDF(algorithm=hashes.SHA256(), length=32, salt=sender_pub + recipient_pub,
                    info=info).derive(self._secret(other_public))

    def wrap(self, vault_key: bytes, recipient_public: bytes, *, sender: str, recipient: str, vault_id: str,
             key_version: int) -> bytes:
        kek, info = self._kek(recipient_public, sender, recipient, vault_id, key_version, sending=True)
        nonce = os.urandom(12)
        return nonce + AESGCM(kek).encrypt(nonce, vault_key, info)

    def unwrap(self, wrapped: bytes, sender_public: bytes, *, sender: str, recipient: str, vault_id: str,
               key_version: int) -> bytes:
        if len(wrapped) != 12 + 32 + 16:
            raise IntegrityFailure("vault key copy")
        kek, info = self._kek(sender_public, sender, recipient, vault_id, key_version, sending=False)
        try:
            return AESGCM(kek).decrypt(wrapped[:12], wrapped[12:], info)
        except InvalidTag:
            raise IntegrityFailure("vault key copy") from None


@dataclass(frozen=True)
class Envelope:
    vault: str
    id: str
    kv: int
    device: str
    ms: int  # the physical time of the latest stamp inside (protocol.envelope_statement)
    nonce: bytes
    body: bytes
    sig: bytes

    def wire(self) -> dict:
        return {"vault": self.vault, "id": self.id, "kv": self.kv, "ms": self.ms, "nonce": self.nonce,
                "body": self.body, "sig": self.sig}

    def statement(self) -> bytes:
        return protocol.envelope_statement(self.vault, self.id, self.kv, self.device, self.ms, self.nonce, self.body)


def seal(plaintext: bytes, vault_key: bytes, vault_id: str, envelope_id: str, key_version: int,
         device_id: str, signer: KeyPair, stamp_ms: int = 0) -> Envelope:
    nonce = os.urandom(12)
    aad = protocol.envelope_aad(vault_id, envelope_id, key_version, device_id, stamp_ms)
    body = AESGCM(vault_key).encrypt(nonce, plaintext, aad)
    sig = signer.sign(protocol.envelope_statement(vault_id, envelope_id, key_version, device_id, stamp_ms, nonce,
                                                  body))
    return Envelope(vault_id, envelope_id, key_version, device_id, stamp_ms, nonce, body, sig)


def open_envelope(env: Envelope, vault_key: bytes) -> bytes:
    """The plaintext, or IntegrityFailure when the key, the place or the bytes are wrong."""
    aad = protocol.envelope_aad(env.vault, env.id, env.kv, env.device, env.ms)
    try:
        return AESGCM(vault_key).decrypt(env.nonce, env.body, aad)
    except (InvalidTag, ValueError):
        raise IntegrityFailure("envelope") from None
