"""The organisation's keys outside the office PC: the recovery sheet, the gift to a second
office device, and recovering an office device from either.

Sheet blob (version 1), every integer big-endian:

    b"YRS1" | length u16 (of the whole blob) | memory KiB u32 | iterations u8 | lanes u8
            | salt (16) | nonce (12) | AES-256-GCM(Argon2id(passphrase, salt), plaintext, aad)

    plaintext = org sign private (32) | org box private (32) | org id (ASCII)
    aad       = every byte before the ciphertext

On paper the blob is base32 in numbered lines of 25 characters, each with a two-character
check (`line_check`), so a mistyped or missing line is named before the passphrase is tried;
the whole blob has an eight-character check code. A wrong passphrase and a damaged sheet are
therefore told apart: the tag fails only when every line checked out.

A gift (`seal_gift`) is the same pair of private keys sealed from one office device's box key
to another's, as a vault key copy is (docs/sync-protocol.md, "The organisation's keys").
"""

from __future__ import annotations

import base64
import hashlib
import os
import re
import struct
from dataclasses import dataclass

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.argon2 import Argon2id

from sync import protocol
from sync.client.crypto import KeyCopier, KeyPair
from sync.client.errors import SyncError

MAGIC = b"YRS1"
_HEAD = struct.Struct(">4sHIBB")
SALT, NONCE = 16, 12
LINE_CHARS = 25
GROUP = 5
MIN_PASSPHRASE = 10
# A printed sheet is attacked offline for as long as it exists: a dearer KDF than the
# profile's unlock (256 MiB, 4 passes, about a second), paid once per recovery.
MEMORY_KIB, ITERATIONS, LANES = 262144, 4, 4
MAX_MEMORY_KIB = 1 << 21  # a sheet asking more than 2 GiB is not one we made


class SheetDamaged(SyncError):
    """The text is not a whole, well-typed sheet. ``line`` is the 1-based line at fault (0: the
    sheet as a whole)."""

    def __init__(self, reason: str, line: int = 0) -> None:
        super().__init__(f"{reason} (line {line})")
        self.reason = reason
        self.line = line


class WrongRecoveryPassphrase(SyncError):
    pass


class ForeignOrganisationKeys(SyncError):
    """Keys that open fine but are not the organisation this device enrolled with."""


@dataclass(frozen=True)
class Kdf:
    memory_kib: int = MEMORY_KIB
    iterations: int = ITERATIONS
    lanes: int = LANES

    def derive(self, passphrase: str, salt: bytes) -> bytes:
        return Argon2id(salt=salt, length=32, iterations=self.iterations, lanes=self.lanes,
                        memory_cost=self.memory_kib).derive(passphrase.encode("utf-8"))


@dataclass(frozen=True)
class OrgSecrets:
    org_id: str
    keys: KeyPair


# -- the blob --------------------------------------------------------------------------------

def seal_sheet(secrets: OrgSecrets, passphrase: str, kdf: Kdf = Kdf()) -> bytes:
    salt, nonce = os.urandom(SALT), os.urandom(NONCE)
    plaintext = secrets.keys.sign_private + secrets.keys.box_private + secrets.org_id.encode("ascii")
    length = _HEAD.size + SALT + NONCE + len(plaintext) + 16
    aad = _HEAD.pack(MAGIC, length, kdf.memory_kib, kdf.iterations, kdf.lanes) + salt + nonce
    return aad + AESGCM(kdf.derive(passphrase, salt)).encrypt(nonce, plaintext, aad)


def open_sheet(blob: bytes, passphrase: str) -> OrgSecrets:
    fixed = _HEAD.size + SALT + NONCE
    if len(blob) < fixed + 64 + 8 + 16:
        raise SheetDamaged("short")
    magic, length, memory, iterations, lanes = _HEAD.unpack_from(blob)
    if magic != MAGIC:
        raise SheetDamaged("not a sheet")
    if length != len(blob):
        raise SheetDamaged("length")
    if not (8 <= memory <= MAX_MEMORY_KIB and 1 <= iterations <= 64 and 1 <= lanes <= 16):
        raise SheetDamaged("parameters")
    salt, nonce = blob[_HEAD.size:_HEAD.size + SALT], blob[_HEAD.size + SALT:fixed]
    key = Kdf(memory, iterations, lanes).derive(passphrase, salt)
    try:
        plaintext = AESGCM(key).decrypt(nonce, blob[fixed:], blob[:fixed])
    except InvalidTag:
        raise WrongRecoveryPassphrase("the sheet does not open with this passphrase") from None
    org_id = plaintext[64:].decode("ascii", errors="replace")
    if not protocol.ID_PATTERN.fullmatch(org_id):
        raise SheetDamaged("organisation id")
    return OrgSecrets(org_id, KeyPair(box_private=plaintext[32:64], sign_private=plaintext[:32]))


def check_code(blob: bytes) -> str:
    """Eight characters people compare: the sheet typed back is the sheet printed."""
    digest = base64.b32encode(hashlib.sha256(b"yorisoi/sheet/v1\x00" + blob).digest()).decode("ascii")
    return f"{digest[:4]}-{digest[4:8]}"


# -- on paper --------------------------------------------------------------------------------

def line_check(number: int, chars: str) -> str:
    digest = hashlib.sha256(f"yorisoi/sheet-line/v1\x00{number}\x00{chars}".encode("ascii")).digest()
    return base64.b32encode(digest).decode("ascii")[:2]


def to_lines(blob: bytes) -> list[str]:
    """The blob as printed: `NN  ABCDE FGHIJ KLMNO PQRST UVWXY  CK`."""
    text = base64.b32encode(blob).decode("ascii").rstrip("=")
    lines = []
    for number, start in enumerate(range(0, len(text), LINE_CHARS), start=1):
        chars = text[start:start + LINE_CHARS]
        groups = " ".join(chars[i:i + GROUP] for i in range(0, len(chars), GROUP))
        lines.append(f"{number:02d}  {groups}  {line_check(number, chars)}")
    return lines


_LINE = re.compile(r"^\s*(\d{1,2})[\s.:]+((?:[A-Z2-7]{1,5} ?)+?)\s+([A-Z2-7]{2})\s*$")
_CODE = re.compile(r"([A-Z2-7]{4})-([A-Z2-7]{4})")
# What people type for base32 letters that look alike (base32 has no 0, 1 or 8).
_LOOKALIKE = str.maketrans({"0": "O", "1": "I", "8": "B"})


def from_text(text: str) -> bytes:
    """The blob from a sheet's text (typed, or taken out of the PDF). Raises SheetDamaged naming
    the first line that is missing or mistyped."""
    lines: dict[int, str] = {}
    code = None
    for raw in text.splitlines():
        plain = raw.upper().replace("\u3000", " ")
        if "確認コード" in raw or "CHECK" in plain:
            found = _CODE.search(plain.split(":", 1)[-1].split("：", 1)[-1])
            code = found.group(0) if found else code
            continue
        match = _LINE.match(_fix_lookalikes(plain))
        if not match:
            continue
        number, chars, check = int(match.group(1)), match.group(2).replace(" ", ""), match.group(3)
        if number in lines:
            continue
        if line_check(number, chars) != check:
            raise SheetDamaged("line check", number)
        lines[number] = chars
    if 1 not in lines:
        raise SheetDamaged("missing" if lines else "no lines", 1)
    expected = _expected_lines(lines[1])
    for number in range(1, max(expected, max(lines)) + 1):
        if number not in lines:
            raise SheetDamaged("missing", number)
    for number in range(1, len(lines)):
        if len(lines[number]) != LINE_CHARS:
            raise SheetDamaged("line length", number)
    joined = "".join(lines[n] for n in sorted(lines))
    try:
        blob = base64.b32decode(joined + "=" * (-len(joined) % 8))
    except ValueError:
        raise SheetDamaged("base32", max(lines)) from None
    if code is not None and code != check_code(blob):
        raise SheetDamaged("check code")
    return blob


def _expected_lines(first: str) -> int:
    """How many lines the blob's declared length takes (the first line carries it)."""
    try:
        head = base64.b32decode(first[:24] + "=" * (-len(first[:24]) % 8))
    except ValueError:
        raise SheetDamaged("base32", 1) from None
    if len(head) < _HEAD.size or head[:4] != MAGIC:
        raise SheetDamaged("not a sheet", 1)
    chars = -(-_HEAD.unpack_from(head)[1] * 8 // 5)
    return -(-chars // LINE_CHARS)


def _fix_lookalikes(line: str) -> str:
    head, _, rest = line.strip().partition(" ")
    return f"{head} {rest.translate(_LOOKALIKE)}" if rest else line


# -- a gift to a second office device ------------------------------------------------------------

def seal_gift(secrets: OrgSecrets, giver: KeyPair, sender: str, recipient: str, recipient_box: bytes) -> bytes:
    """nonce (12) | AES-256-GCM ciphertext of sign private | box private, under a key only the two
    devices can derive, bound to the organisation and both device ids."""
    copier = KeyCopier(giver.box_private)
    context = protocol.org_keys_gift_context(secrets.org_id, sender, recipient)
    key = copier.pair_key(recipient_box, context, sending=True)
    nonce = os.urandom(NONCE)
    return nonce + AESGCM(key).encrypt(nonce, secrets.keys.sign_private + secrets.keys.box_private, context)


def open_gift(sealed: bytes, me: KeyPair, org_id: str, sender: str, recipient: str, sender_box: bytes) -> OrgSecrets:
    copier = KeyCopier(me.box_private)
    context = protocol.org_keys_gift_context(org_id, sender, recipient)
    key = copier.pair_key(sender_box, context, sending=False)
    try:
        plain = AESGCM(key).decrypt(sealed[:NONCE], sealed[NONCE:], context)
    except (InvalidTag, ValueError):
        raise SheetDamaged("gift") from None
    if len(plain) != 64:
        raise SheetDamaged("gift")
    return OrgSecrets(org_id, KeyPair(box_private=plain[32:], sign_private=plain[:32]))


def require_same_org(secrets: OrgSecrets, org_id: str, sign_public: bytes | None, box_public: bytes | None) -> None:
    """The keys are the ones this device pinned at enrolment, or they are refused."""
    if (secrets.org_id != org_id or secrets.keys.sign_public != sign_public
            or secrets.keys.box_public != box_public):
        raise ForeignOrganisationKeys("these keys belong to another organisation")
