"""A profile: one folder holding the key file and the encrypted database.

    <profile>/profile.json        wrapped database key and cipher settings (no personal data)
    <profile>/yorisoi.db          SQLCipher database (+ -wal, -shm while open)
    <profile>/search.db           the search index, SQLCipher too (derived data: rebuilt when unreadable)
    <profile>/unlock-state.json   wrong-passphrase counter for the back-off
    <profile>/logs/               event log without personal data
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import platformdirs

from storage import connection
from storage.errors import (
    DamagedProfile,
    ProfileExists,
    ProfileNotFound,
    WrongPassphrase,
)
from storage.keyfile import CipherSettings, KdfParams, KeyFile
from storage.records import new_id
from storage.store import Store
from storage.throttle import Throttle

KEY_FILE = "profile.json"
DB_FILE = "yorisoi.db"
THROTTLE_FILE = "unlock-state.json"
LOG_DIR = "logs"


def default_folder() -> Path:
    return Path(platformdirs.user_data_dir("yorisoi", appauthor=False)) / "profile"


def is_profile(folder: Path) -> bool:
    return (folder / KEY_FILE).exists()


@dataclass
class Profile:
    folder: Path
    keyfile: KeyFile
    store: Store

    @property
    def log_dir(self) -> Path:
        return self.folder / LOG_DIR

    def change_passphrase(self, new_passphrase: str, kdf: KdfParams | None = None) -> None:
        """Re-wrap the same database key; the database itself is not rewritten."""
        key = self.store._key
        sealed = KeyFile.seal(
            self.keyfile.profile_id, key, new_passphrase, kdf or self.keyfile.kdf, self.keyfile.cipher
        )
        sealed.save(self.folder / KEY_FILE)
        self.keyfile = sealed

    def close(self) -> None:
        self.store.close()


def create_profile(
    folder: Path,
    passphrase: str,
    *,
    kdf: KdfParams | None = None,
    cipher: CipherSettings | None = None,
) -> Profile:
    folder = Path(folder)
    if is_profile(folder) or (folder / DB_FILE).exists() and (folder / DB_FILE).stat().st_size:
        raise ProfileExists(str(folder))
    folder.mkdir(parents=True, exist_ok=True)
    os.chmod(folder, 0o700)
    (folder / LOG_DIR).mkdir(mode=0o700, exist_ok=True)
    key = os.urandom(32)
    keyfile = KeyFile.seal(new_id(), key, passphrase, kdf or KdfParams(), cipher or CipherSettings())
    # Owner-only from the first byte: the database and its WAL inherit this mode.
    (folder / DB_FILE).touch(mode=0o600)
    store = Store(folder / DB_FILE, key, keyfile.cipher)
    # The key file is written last: a folder without it is not a profile, so an interrupted
    # creation can simply be started again.
    keyfile.save(folder / KEY_FILE)
    return Profile(folder, keyfile, store)


def unlock_key(folder: Path, passphrase: str) -> tuple[KeyFile, bytes]:
    """Check the passphrase against the key file; returns the key file and database key."""
    folder = Path(folder)
    if not is_profile(folder):
        raise ProfileNotFound(str(folder))
    keyfile = KeyFile.load(folder / KEY_FILE)
    throttle = Throttle(folder / THROTTLE_FILE)
    throttle.check()
    key = keyfile.unseal(passphrase)
    if key is None:
        failures, wait = throttle.failed()
        raise WrongPassphrase(failures, wait)
    throttle.succeeded()
    return keyfile, key


def open_profile(folder: Path, passphrase: str, *, upgrade: bool = True) -> Profile:
    folder = Path(folder)
    keyfile, key = unlock_key(folder, passphrase)
    db = folder / DB_FILE
    if not db.exists():
        raise DamagedProfile(str(db), "database file is missing")
    try:
        store = Store(db, key, keyfile.cipher, upgrade=upgrade)
    except connection.DatabaseError as exc:
        raise DamagedProfile(str(db), f"database unreadable: {exc}") from None
    return Profile(folder, keyfile, store)
