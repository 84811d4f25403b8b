"""Typed errors the user must act on.

Each carries the facts a message needs; the Japanese wording lives in one place
(`app.errors.describe`) so the command line and the window say the same thing.

    StorageError
    ├── ProfileNotFound      the folder holds no profile
    ├── ProfileExists        `init` on a folder that already has one
    ├── WrongPassphrase      the passphrase did not unwrap the database key
    ├── UnlockThrottled      too many wrong passphrases; wait before the next try
    ├── DamagedProfile       the key file or the database is unreadable or foreign
    │   └── DamagedPages     the database opens, but some pages are damaged or were altered
    ├── ProfileTooNew        written by a newer yorisoi; refused rather than guessed at
    └── MigrationFailed      an upgrade step failed; the file was left as it was
"""

from __future__ import annotations


class StorageError(Exception):
    """Base of every error the store reports on purpose."""


class ProfileNotFound(StorageError):
    def __init__(self, path: str) -> None:
        super().__init__(f"no profile in {path}")
        self.path = path


class ProfileExists(StorageError):
    def __init__(self, path: str) -> None:
        super().__init__(f"a profile already exists in {path}")
        self.path = path


class WrongPassphrase(StorageError):
    def __init__(self, failures: int, wait_seconds: float) -> None:
        super().__init__(f"wrong passphrase (failure {failures})")
        self.failures = failures
        self.wait_seconds = wait_seconds


class UnlockThrottled(StorageError):
    def __init__(self, wait_seconds: float) -> None:
        super().__init__(f"too many failed attempts; wait {wait_seconds:.0f} s")
        self.wait_seconds = wait_seconds


class DamagedProfile(StorageError):
    def __init__(self, path: str, reason: str) -> None:
        super().__init__(f"{path}: {reason}")
        self.path = path
        self.reason = reason


class DamagedPages(DamagedProfile):
    def __init__(self, path: str, pages: int) -> None:
        super().__init__(path, f"{pages} pages are damaged")
        self.pages = pages


class ProfileTooNew(StorageError):
    def __init__(self, found: int, supported: int) -> None:
        super().__init__(f"schema version {found} is newer than {supported}")
        self.found = found
        self.supported = supported


class MigrationFailed(StorageError):
    def __init__(self, version: int, cause: BaseException) -> None:
        super().__init__(f"upgrade to schema version {version} failed: {type(cause).__name__}")
        self.version = version
        self.cause = cause
