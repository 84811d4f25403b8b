"""The profile's key file: the database key, wrapped under the passphrase.

The database key is 32 random bytes used by SQLCipher as a raw key, so opening the database
costs no key derivation. The passphrase only unwraps that key: Argon2id(passphrase, salt)
gives a wrapping key, and AES-256-GCM (with the profile id as associated data) seals the
database key. A wrong passphrase fails the GCM tag check before the database is touched, and
changing the passphrase re-wraps the same key without re-encrypting the database.

The file holds no personal data: ids, parameters, salt, nonce and ciphertext.
"""

from __future__ import annotations

import base64
import json
import os
from dataclasses import dataclass, field
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.argon2 import Argon2id

from storage import atomic
from storage.errors import DamagedProfile

FORMAT = "yorisoi-profile"
FORMAT_VERSION = 1
AAD_PREFIX = b"yorisoi/db-key/v1/"
HMAC_ALGORITHMS = ("HMAC_SHA1", "HMAC_SHA256", "HMAC_SHA512")
PAGE_SIZES = (4096, 8192, 16384, 32768, 65536)


@dataclass(frozen=True)
class KdfParams:
    """Argon2id cost. The default takes about 0.3 s on a 2-core field laptop and needs
    64 MiB, which keeps the unlock inside the desktop's memory budget."""

    memory_kib: int = 65536
    iterations: int = 8
    lanes: int = 4

    def derive(self, passphrase: str, salt: bytes) -> bytes:
        kdf = Argon2id(
            salt=salt,
            length=32,
            iterations=self.iterations,
            lanes=self.lanes,
            memory_cost=self.memory_kib,
        )
        return kdf.derive(passphrase.encode("utf-8"))


@dataclass(frozen=True)
class CipherSettings:
    """SQLCipher settings that must be repeated on every open. Chosen by measurement
    (bench/store.py): 16 KiB pages halve the per-page HMAC and IV overhead on bulk writes,
    HMAC-SHA256 is cheaper than the default SHA512 on CPUs with SHA extensions, and HMAC
    stays on so a tampered page is detected."""

    page_size: int = 16384
    hmac_algorithm: str = "HMAC_SHA256"

    def pragmas(self) -> list[str]:
        # Values come from a file on disk: only known ones reach a PRAGMA.
        if self.hmac_algorithm not in HMAC_ALGORITHMS or self.page_size not in PAGE_SIZES:
            raise ValueError("unsupported cipher settings")
        return [
            f"PRAGMA cipher_page_size = {int(self.page_size)}",
            f"PRAGMA cipher_hmac_algorithm = {self.hmac_algorithm}",
        ]


@dataclass
class KeyFile:
    profile_id: str
    kdf: KdfParams
    salt: bytes
    nonce: bytes
    wrapped_key: bytes
    cipher: CipherSettings = field(default_factory=CipherSettings)

    @classmethod
    def seal(
        cls, profile_id: str, db_key: bytes, passphrase: str, kdf: KdfParams, cipher: CipherSettings
    ) -> KeyFile:
        salt = os.urandom(16)
        nonce = os.urandom(12)
        wrapping = kdf.derive(passphrase, salt)
        wrapped = AESGCM(wrapping).encrypt(nonce, db_key, AAD_PREFIX + profile_id.encode())
        return cls(profile_id, kdf, salt, nonce, wrapped, cipher)

    def unseal(self, passphrase: str) -> bytes | None:
        """The database key, or None when the passphrase is wrong."""
        wrapping = self.kdf.derive(passphrase, self.salt)
        try:
            return AESGCM(wrapping).decrypt(
                self.nonce, self.wrapped_key, AAD_PREFIX + self.profile_id.encode()
            )
        except InvalidTag:
            return None

    def to_json(self) -> str:
        b64 = lambda b: base64.b64encode(b).decode("ascii")  # noqa: E731
        doc = {
            "format": FORMAT,
            "version": FORMAT_VERSION,
            "profile_id": self.profile_id,
            "kdf": {
                "algorithm": "argon2id",
                "memory_kib": self.kdf.memory_kib,
                "iterations": self.kdf.iterations,
                "lanes": self.kdf.lanes,
                "salt": b64(self.salt),
            },
            "wrap": {"algorithm": "aes-256-gcm", "nonce": b64(self.nonce), "key": b64(self.wrapped_key)},
            "cipher": {"page_size": self.cipher.page_size, "hmac_algorithm": self.cipher.hmac_algorithm},
        }
        return json.dumps(doc, indent=2) + "\n"

    def save(self, path: Path) -> None:
        atomic.write_bytes(path, self.to_json().encode("utf-8"))

    @classmethod
    def load(cls, path: Path) -> KeyFile:
        try:
            doc = json.loads(path.read_text(encoding="utf-8"))
            if doc.get("format") != FORMAT:
                raise ValueError("not a yorisoi key file")
            if doc.get("version") != FORMAT_VERSION:
                raise ValueError(f"key file version {doc.get('version')} is not supported")
            kdf = doc["kdf"]
            if kdf["algorithm"] != "argon2id" or doc["wrap"]["algorithm"] != "aes-256-gcm":
                raise ValueError("unknown algorithm")
            cipher = doc.get("cipher", {})
            return cls(
                profile_id=str(doc["profile_id"]),
                kdf=KdfParams(int(kdf["memory_kib"]), int(kdf["iterations"]), int(kdf["lanes"])),
                salt=base64.b64decode(kdf["salt"], validate=True),
                nonce=base64.b64decode(doc["wrap"]["nonce"], validate=True),
                wrapped_key=base64.b64decode(doc["wrap"]["key"], validate=True),
                cipher=_checked(CipherSettings(
                    int(cipher.get("page_size", 16384)),
                    str(cipher.get("hmac_algorithm", "HMAC_SHA256")),
                )),
            )
        except (OSError, UnicodeDecodeError, ValueError, KeyError, TypeError) as exc:
            raise DamagedProfile(str(path), f"key file unreadable: {exc}") from None


def _checked(cipher: CipherSettings) -> CipherSettings:
    cipher.pragmas()
    return cipher
