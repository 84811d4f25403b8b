"""Ed25519 verification of the protocol's statements (their bytes live in sync.protocol)."""

from __future__ import annotations

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from .errors import bad_signature


def verifies(public: bytes, signature: bytes, message: bytes) -> bool:
    try:
        Ed25519PublicKey.from_public_bytes(public).verify(signature, message)
    except (InvalidSignature, ValueError):  # ValueError: not a usable public key
        return False
    return True


def require(public: bytes, signature: bytes, message: bytes, what: str) -> None:
    if not verifies(public, signature, message):
        raise bad_signature(f"{what} does not verify")
