"""The shapes of request bodies. Strict (no "1" for 1, no str for bytes) and closed (unknown
fields refused), so what reaches a route is exactly what the protocol describes."""

from __future__ import annotations

import base64
import binascii
import unicodedata
from typing import Annotated, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, StringConstraints, field_validator

from sync import protocol as p

# Bigger than any seq or cursor the store will reach, small enough for a 64-bit column.
MAX_SEQ = 2**62
MAX_KEY_VERSION = 2**31 - 1


def _from_b64(value: object) -> bytes:
    if not isinstance(value, str):
        raise ValueError("must be base64 text")
    try:
        return base64.b64decode(value.encode("ascii"), validate=True)
    except (ValueError, binascii.Error) as e:
        raise ValueError("invalid base64") from e


def b64(*, size: int | None = None, max_size: int | None = None) -> type[bytes]:
    """Base64 text in JSON, bytes of an exact or a bounded size once decoded."""
    limits = Field(min_length=size, max_length=size) if size else Field(min_length=1, max_length=max_size)
    return Annotated[bytes, BeforeValidator(_from_b64), limits]


# A vault key copy: 12-byte nonce || 32-byte key || 16-byte tag (docs/sync-protocol.md,
# "Vault key copies"); the store cannot open it, only check its size.
KEY_COPY_BYTES = 12 + 32 + 16

Key32 = b64(size=32)
Sig64 = b64(size=64)
KeyCopy = b64(size=KEY_COPY_BYTES)
Id = Annotated[str, StringConstraints(pattern=p.ID_PATTERN.pattern)]
Seq = Annotated[int, Field(ge=0, le=MAX_SEQ)]
KeyVersion = Annotated[int, Field(ge=1, le=MAX_KEY_VERSION)]
VaultKind = Literal["household", "directory", "resources", "meetings"]


def showable(text: str) -> bool:
    """No control or format characters, line breaks or lone surrogates: text an admin reads in
    a listing and PostgreSQL stores (it refuses NUL)."""
    return not any(unicodedata.category(c) in ("Cc", "Cf", "Cs", "Zl", "Zp") for c in text)


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)


class EnrolRequest(Strict):
    code: Annotated[str, Field(max_length=100)]
    device_name: Annotated[str, Field(min_length=1, max_length=100)]
    box_public: Key32
    sign_public: Key32

    @field_validator("device_name")
    @classmethod
    def _printable(cls, value: str) -> str:
        # U+202E would reverse what an admin reads; a full-width space inside is fine.
        if value != value.strip() or not showable(value):
            raise ValueError("device_name must be printable text without surrounding spaces")
        return value


class OrgKeysRequest(Strict):
    sign_public: Key32
    box_public: Key32
    keys_signature: Sig64
    device_signature: Sig64


class ServerCertRequest(Strict):
    cert_sha256: Key32  # 32 bytes, like a key
    signature: Sig64


class ApproveRequest(Strict):
    signature: Sig64


class RevokeRequest(Strict):
    revoked_ms: Annotated[int, Field(ge=0, le=MAX_SEQ)]
    signature: Sig64


class UnsentReport(Strict):
    """How many changes a device has not sent, and the span of their times (numbers only)."""

    count: Annotated[int, Field(ge=0, le=MAX_SEQ)]
    oldest_ms: Annotated[int, Field(ge=0, le=MAX_SEQ)] | None = None
    newest_ms: Annotated[int, Field(ge=0, le=MAX_SEQ)] | None = None


class NewVaultKey(Strict):
    recipient: Id
    key_version: KeyVersion
    wrapped: KeyCopy


Commitment = b64(size=32)


class VaultRequest(Strict):
    id: Id
    kind: VaultKind
    wrapped_keys: Annotated[list[NewVaultKey], Field(min_length=2, max_length=p.MAX_KEYS_PER_REQUEST)]
    statement: Sig64  # the creator's signature of protocol.vault_statement
    commitment: Commitment  # of key version 1, signed below (protocol.key_version_statement)
    commitment_signature: Sig64


class RotateRequest(Strict):
    key_version: KeyVersion
    commitment: Commitment
    commitment_signature: Sig64
    wrapped_keys: Annotated[list[NewVaultKey], Field(min_length=2, max_length=p.MAX_KEYS_PER_REQUEST)]


class MembershipStatement(Strict):
    vault_id: Id
    login: Annotated[str, StringConstraints(pattern=p.LOGIN_PATTERN.pattern)]
    action: Literal["grant", "remove"]
    serial: Annotated[int, Field(ge=1, le=MAX_SEQ)]
    signature: Sig64  # the organisation's, over protocol.membership_statement


class MembershipRequest(Strict):
    statements: Annotated[list[MembershipStatement], Field(max_length=p.MAX_STATEMENTS_PER_REQUEST)]


class RefusedKey(Strict):
    vault_id: Id
    key_version: KeyVersion
    wrapped_by: Id


class RefusedKeysRequest(Strict):
    keys: Annotated[list[RefusedKey], Field(max_length=p.MAX_KEYS_PER_REQUEST)]


class VaultBatchRequest(Strict):
    vaults: Annotated[list[VaultRequest], Field(max_length=p.MAX_REGISTER_VAULTS)]


class KeyUpload(Strict):
    vault_id: Id
    key_version: KeyVersion
    recipient: Id
    wrapped: KeyCopy


class KeysRequest(Strict):
    keys: Annotated[list[KeyUpload], Field(max_length=p.MAX_KEYS_PER_REQUEST)]


class Envelope(Strict):
    vault: Id
    id: Id
    kv: KeyVersion
    ms: Seq  # the physical time of the latest stamp inside (signed); bounded by the store's clock
    nonce: Annotated[bytes, Field(min_length=12, max_length=12)]
    body: Annotated[bytes, Field(max_length=p.MAX_ENVELOPE_BYTES)]
    sig: Annotated[bytes, Field(min_length=64, max_length=64)]


class PushRequest(Strict):
    envelopes: Annotated[list[Envelope], Field(max_length=p.MAX_PUSH_ENVELOPES)]


class BackfillVault(Strict):
    id: Id
    after: Seq
    before: Seq


class BackfillRequest(Strict):
    vaults: Annotated[list[BackfillVault], Field(max_length=p.MAX_BACKFILL_VAULTS)]
    limit: Annotated[int, Field(ge=1, le=p.MAX_PULL_LIMIT)]

    @field_validator("vaults")
    @classmethod
    def _once_each(cls, value: list[BackfillVault]) -> list[BackfillVault]:
        if len({v.id for v in value}) != len(value):
            raise ValueError("each vault may appear once")
        return value


class ChainsRequest(Strict):
    seqs: Annotated[list[Seq], Field(min_length=1, max_length=p.MAX_CHAIN_QUERY)]
