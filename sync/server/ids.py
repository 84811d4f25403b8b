"""Random identifiers, bearer tokens, enrolment codes and the clock.

Everything secret is stored only as a SHA-256, so a copy of the database does not let anyone
act as a device or enrol one."""

from __future__ import annotations

import base64
import hashlib
import re
import secrets
import time

_CODE_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"  # base32: no 0/1/8/9 to misread
CODE_LENGTH = 20  # 100 bits: unguessable even without the throttle
_CODE_SHAPE = re.compile(r"^[A-Z2-7]{20}$")


def now_ms() -> int:
    return time.time_ns() // 1_000_000


def new_id() -> str:
    """128 random bits as 26 lowercase base32 characters (matches protocol.ID_PATTERN)."""
    return base64.b32encode(secrets.token_bytes(16)).decode("ascii").rstrip("=").lower()


def new_token() -> str:
    return base64.urlsafe_b64encode(secrets.token_bytes(32)).decode("ascii").rstrip("=")


def sha256_hex(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def new_code() -> str:
    """A one-time enrolment code as a person types it: four groups of five."""
    raw = "".join(secrets.choice(_CODE_ALPHABET) for _ in range(CODE_LENGTH))
    return "-".join(raw[i:i + 5] for i in range(0, CODE_LENGTH, 5))


def normalise_code(text: str) -> str | None:
    """The code as stored (hashed): upper case, without spaces and hyphens. None when it cannot
    be a code at all, so odd characters never reach the hash or the database."""
    cleaned = re.sub(r"[\s\-]", "", text).upper()
    return cleaned if _CODE_SHAPE.match(cleaned) else None


def code_hash(normalised: str) -> str:
    return hashlib.sha256(b"yorisoi/enrol-code/v1\x00" + normalised.encode("ascii")).hexdigest()
