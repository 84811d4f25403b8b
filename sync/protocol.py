"""What the device and the central store agree on, byte for byte: version, limits, error
codes, and the exact bytes every signature covers.

Both `sync.client` and `sync.server` import this module and nothing else from each other,
so the two sides cannot drift apart on what a signature means. docs/sync-protocol.md
describes the whole exchange; this file is its executable part.
"""

from __future__ import annotations

import base64
import hashlib
import ipaddress
import re
from dataclasses import dataclass

PROTOCOL = 2
PREFIX = f"/v{PROTOCOL}"
# Paths of earlier versions, answered 426 `protocol_old` so an old device says "update" instead
# of failing on whatever changed.
OLD_PREFIXES = tuple(f"/v{n}" for n in range(1, PROTOCOL))

# Identifiers chosen by devices (vault and envelope ids) and by the server (org, account,
# device ids): lowercase base32 or hex, never anything a path or a log could misread. The
# patterns also feed pydantic (Rust regex: `$` is the end of the text); in Python use fullmatch,
# since re.match with `$` would accept a trailing newline.
ID_PATTERN = re.compile(r"^[a-z0-9]{8,64}$")
LOGIN_PATTERN = re.compile(r"^[a-z0-9][a-z0-9._-]{0,63}$")

VAULT_KINDS = ("household", "directory", "resources", "meetings")
SHARED_VAULT_KINDS = ("directory", "resources", "meetings")
ROLES = ("office", "worker")
DEVICE_STATUSES = ("pending", "approved", "revoked")
# What an organisation-signed membership statement says of an account and a vault.
MEMBERSHIP_ACTIONS = ("grant", "remove")

# Limits a client must respect and the server enforces (413 / 400 beyond them).
MAX_ENVELOPE_BYTES = 4 * 1024 * 1024
MAX_PUSH_BYTES = 16 * 1024 * 1024
MAX_PUSH_ENVELOPES = 1000
MAX_PULL_LIMIT = 1000
MAX_PULL_BYTES = 8 * 1024 * 1024
MAX_WRAPPED_KEY_BYTES = 256
MAX_KEYS_PER_REQUEST = 2000
MAX_BACKFILL_VAULTS = 500
MAX_REGISTER_VAULTS = 500
MAX_JSON_BYTES = 1024 * 1024
# How far ahead of the store's clock the latest stamp of an envelope may be (its `ms`): the
# store refuses a push beyond it, and every device refuses an envelope beyond its own
# store-corrected clock plus this. Laptops stamp with their clock corrected by the store's time
# at each sync, but a clock can run days ahead between two syncs (or before the first): a week
# is the most a device corrects its clock by, and the most anyone can drag the others' clocks
# (a stamp of 2^64 - 1 no longer can).
MAX_STAMP_AHEAD_MS = 7 * 24 * 3600 * 1000
MAX_STATEMENTS_PER_REQUEST = 2000

MSGPACK = "application/msgpack"

# Error codes in 4xx answers: {"error": CODE, "detail": "..."}; the client words them.
E_BAD_REQUEST = "bad_request"  # malformed body, unknown field, wrong type (400/422)
E_UNAUTHORIZED = "unauthorized"  # no or unknown token (401)
E_DEVICE_PENDING = "device_pending"  # enrolled, not yet approved by the office (403)
E_DEVICE_REVOKED = "device_revoked"  # the office revoked this device (403)
E_FORBIDDEN = "forbidden"  # not a member, not the office, another organisation (403)
E_NOT_FOUND = "not_found"  # (404)
E_CONFLICT = "conflict"  # exists already in another form, id reused with other content (409)
E_TOO_LARGE = "too_large"  # (413)
E_CODE_INVALID = "code_invalid"  # enrolment code unknown or already used (403)
E_CODE_EXPIRED = "code_expired"  # (403)
E_RATE_LIMITED = "rate_limited"  # (429)
E_BAD_SIGNATURE = "bad_signature"  # a signature does not verify (400)
E_PROTOCOL_OLD = "protocol_old"  # the device speaks an older protocol version: it must be updated (426)
E_STAMP_AHEAD = "stamp_ahead"  # an envelope's latest stamp is beyond the store's clock bound (400)

# A revoked device's sealed file of what it had not sent (docs/sync-protocol.md, "Unsent file").
UNSENT_MAGIC = b"YORISOI-UNSENT\x00\x01"
MAX_UNSENT_FILE_BYTES = 256 * 1024 * 1024


def _join(domain: str, *parts: str | int) -> bytes:
    return b"\x00".join([domain.encode("ascii"), *(str(p).encode("utf-8") for p in parts)]) + b"\x00"


def org_keys_statement(org_id: str, sign_public: bytes, box_public: bytes) -> bytes:
    """Signed by the organisation's signing key: its recovery (box) key belongs to it."""
    return _join("yorisoi/org-keys/v1", org_id) + sign_public + box_public


def device_statement(org_id: str, device_id: str, account_id: str, login: str, role: str,
                     box_public: bytes, sign_public: bytes) -> bytes:
    """Signed by the organisation's signing key when the office approves a device. The role is
    inside, so a server cannot turn a worker's device into an office device."""
    return _join("yorisoi/device/v1", org_id, device_id, account_id, login, role) + box_public + sign_public


def revocation_statement(org_id: str, device_id: str, revoked_ms: int, box_public: bytes,
                         sign_public: bytes) -> bytes:
    """Signed by the organisation's signing key when the office revokes a device. It names the
    device's keys, so it cannot be moved to another device, and every client checks it: a
    device's status counts as revoked only with this signature, whatever the store says."""
    return _join("yorisoi/device-revoked/v1", org_id, device_id, revoked_ms) + box_public + sign_public


def unsent_statement(org_id: str, device_id: str, sealed_ms: int, payload: bytes) -> bytes:
    """Signed by a revoked device over what it had not sent, before sealing it to the
    organisation's recovery key: the office verifies who wrote it before merging it."""
    return _join("yorisoi/unsent/v1", org_id, device_id, sealed_ms) + hashlib.sha256(payload).digest()


def unsent_seal_context(org_id: str, device_id: str, ephemeral_public: bytes) -> bytes:
    """HKDF info and AES-GCM associated data of a sealed unsent file."""
    return _join("yorisoi/unsent-seal/v1", org_id, device_id) + ephemeral_public


def key_copy_context(vault_id: str, key_version: int, sender: str, recipient: str) -> bytes:
    """What a vault key copy is bound to (HKDF info and AES-GCM associated data). A copy is
    authenticated by the static key agreement between sender and recipient, so a server, which
    holds neither private key, cannot make one (docs/sync-protocol.md)."""
    return _join("yorisoi/vault-key-copy/v1", vault_id, key_version, sender, recipient)


def vault_statement(org_id: str, vault_id: str, kind: str, device_id: str) -> bytes:
    """Signed by the device that created a vault, whose keys the organisation signed: the vault's
    kind and creator. A household vault's first members are the creator's account and the office
    accounts; a shared vault's are every account of the organisation (docs/sync-protocol.md)."""
    return _join("yorisoi/vault/v1", org_id, vault_id, kind, device_id)


def membership_statement(org_id: str, vault_id: str, login: str, action: str, serial: int, device_id: str) -> bytes:
    """Signed by the organisation's signing key, on the office device `device_id`: the account
    `login` (as named in its devices' org-signed device_statement) joins ("grant") or leaves
    ("remove") the vault. Per vault and account the statement with the
    highest serial holds; at equal serials a removal holds. The creation (vault_statement) counts
    as serial 0."""
    return _join("yorisoi/membership/v1", org_id, vault_id, login, action, serial, device_id)


def key_commitment(vault_id: str, key_version: int, key: bytes) -> bytes:
    """What a vault key version is committed to: a copy opened by a recipient must hash to it."""
    return hashlib.sha256(_join("yorisoi/key-commitment/v1", vault_id, key_version) + key).digest()


def key_version_statement(org_id: str, vault_id: str, key_version: int, commitment: bytes, device_id: str) -> bytes:
    """Signed by the device that made a vault key version (the vault's creator for version 1, an
    office device for a rotation), over the key's commitment."""
    return _join("yorisoi/key-version/v1", org_id, vault_id, key_version, device_id) + commitment


def envelope_statement(vault_id: str, envelope_id: str, key_version: int, device_id: str, stamp_ms: int,
                       nonce: bytes, body: bytes) -> bytes:
    """Signed by the device that sealed an envelope. ``stamp_ms`` is the physical time of the
    latest stamp inside, in clear so the blind store can bound it (every receiver checks that
    no stamp inside is later)."""
    return _join("yorisoi/envelope/v2", vault_id, envelope_id, key_version, device_id, stamp_ms) + hashlib.sha256(
        nonce + body).digest()


def envelope_aad(vault_id: str, envelope_id: str, key_version: int, device_id: str, stamp_ms: int) -> bytes:
    """Associated data of an envelope's AES-GCM: moving it to another vault, id, key version or
    author, or changing its declared latest stamp, breaks the tag."""
    return _join("yorisoi/envelope-aad/v2", vault_id, envelope_id, key_version, device_id, stamp_ms)


def fingerprint(box_public: bytes, sign_public: bytes) -> str:
    """A device's key fingerprint as people read it aloud: 32 hex digits in groups of four."""
    digest = hashlib.sha256(b"yorisoi/fingerprint/v1\x00" + box_public + sign_public).hexdigest()[:32]
    return "-".join(digest[i:i + 4] for i in range(0, 32, 4))


def normalise_fingerprint(text: str) -> str:
    """What a person typed (spaces, hyphens, capitals) as the hex digits only."""
    return re.sub(r"[^0-9a-f]", "", text.lower())


def org_keys_gift_context(org_id: str, sender: str, recipient: str) -> bytes:
    """What a gift of the organisation's private keys from one office device to another is
    bound to (HKDF info and AES-GCM associated data); never seen by the store."""
    return _join("yorisoi/org-keys-gift/v1", org_id, sender, recipient)


def server_cert_statement(org_id: str, cert_sha256: bytes) -> bytes:
    """Signed by the organisation's signing key: the store may present this certificate (its
    DER's SHA-256). A device whose pinned certificate changed re-pins only a certificate its
    organisation signed."""
    return _join("yorisoi/server-cert/v1", org_id) + cert_sha256


def is_loopback(host: str) -> bool:
    """A host on this machine: plain HTTP (no certificate) is allowed only to such a host."""
    host = host.strip("[]").lower()
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


# -- enrolment tickets ----------------------------------------------------------------------
#
# What the office hands a new user, as one copyable text: "yrs1:" + base32 (A–Z, 2–7, no
# padding) of  version (1 byte, 1) || flags (1 byte: 1 = certificate fingerprint, 2 =
# organisation fingerprint) || code (the 100 bits of the 20-character code, 13 bytes, the last
# 4 bits zero) || certificate SHA-256 (32 bytes, if flagged) || organisation fingerprint (16
# bytes, if flagged) || check (the first 4 bytes of SHA-256("yorisoi/ticket/v1\0" || all
# before)). Spaces, hyphens and case are ignored when read, so a ticket read aloud or typed from
# paper works; the check catches a mistyped character.

TICKET_PREFIX = "yrs1:"
_TICKET_VERSION = 1
_HAS_CERT, _HAS_ORG = 1, 2
_CODE = re.compile(r"[A-Z2-7]{20}")


class BadTicket(ValueError):
    """Not a ticket, or one with a wrong character (the check does not match)."""


@dataclass(frozen=True)
class Ticket:
    code: str  # 20 base32 characters, as the store normalises a code
    cert_sha256: bytes | None  # SHA-256 of the store's certificate (DER); None: a store without TLS
    org_fingerprint: str | None  # `fingerprint()` of the organisation's keys, hex digits only; None: founding


def encode_ticket(code: str, cert_sha256: bytes | None, org_fingerprint: str | None) -> str:
    code = re.sub(r"[\s-]", "", code).upper()
    if not _CODE.fullmatch(code):
        raise BadTicket("code")
    flags = (_HAS_CERT if cert_sha256 else 0) | (_HAS_ORG if org_fingerprint else 0)
    body = bytes([_TICKET_VERSION, flags]) + base64.b32decode(code + "AAAA")[:13]
    if cert_sha256:
        if len(cert_sha256) != 32:
            raise BadTicket("certificate digest")
        body += cert_sha256
    if org_fingerprint:
        org = bytes.fromhex(normalise_fingerprint(org_fingerprint))
        if len(org) != 16:
            raise BadTicket("organisation fingerprint")
        body += org
    body += _ticket_check(body)
    return TICKET_PREFIX + base64.b32encode(body).decode("ascii").rstrip("=")


def decode_ticket(text: str) -> Ticket:
    cleaned = re.sub(r"[\s-]", "", text)
    if cleaned[:len(TICKET_PREFIX)].lower() != TICKET_PREFIX:
        raise BadTicket("prefix")
    letters = cleaned[len(TICKET_PREFIX):].upper()
    if not re.fullmatch(r"[A-Z2-7]{1,200}", letters):
        raise BadTicket("characters")
    try:
        raw = base64.b32decode(letters + "=" * (-len(letters) % 8))
    except ValueError:
        raise BadTicket("length") from None
    body, check = raw[:-4], raw[-4:]
    if len(body) < 15 or _ticket_check(body) != check or body[0] != _TICKET_VERSION or body[1] & ~3:
        raise BadTicket("check")
    flags = body[1]
    expected = 15 + (32 if flags & _HAS_CERT else 0) + (16 if flags & _HAS_ORG else 0)
    if len(body) != expected:
        raise BadTicket("length")
    code = base64.b32encode(body[2:15]).decode("ascii")[:20]
    rest = body[15:]
    cert = rest[:32] if flags & _HAS_CERT else None
    org = (rest[32:] if cert else rest).hex() if flags & _HAS_ORG else None
    return Ticket(code=code, cert_sha256=cert, org_fingerprint=org)


def _ticket_check(body: bytes) -> bytes:
    return hashlib.sha256(b"yorisoi/ticket/v1\x00" + body).digest()[:4]


# The log's hash chain (docs/sync-protocol.md, "The log's chain"): every entry links to the one
# before, so a device that remembers the chain at some seq notices a store that no longer holds
# the same log up to there (restored from an older backup, or replaced).
LOG_GENESIS = bytes(32)
MAX_CHAIN_QUERY = 256


def log_link(previous: bytes, seq: int, entry: bytes) -> bytes:
    """The chain at ``seq``: SHA-256 over the chain before it, the seq and the entry's digest."""
    return hashlib.sha256(b"yorisoi/log-chain/v1\x00" + previous + seq.to_bytes(8, "big") + entry).digest()


def envelope_entry(vault_id: str, envelope_id: str, key_version: int, device_id: str, stamp_ms: int, nonce: bytes,
                   body: bytes) -> bytes:
    """An envelope's entry in the chain: the digest of what its author signed, which the author
    can compute too."""
    return hashlib.sha256(envelope_statement(vault_id, envelope_id, key_version, device_id, stamp_ms, nonce,
                                             body)).digest()


def grant_entry(vault_id: str, account_id: str, count: int) -> bytes:
    return hashlib.sha256(_join("yorisoi/log-grant/v1", vault_id, account_id, count)).digest()
