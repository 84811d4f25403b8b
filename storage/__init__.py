"""The encrypted local store.

Everything that touches the SQLCipher database lives here: the profile folder and its
wrapped key, the connection with its tuned pragmas, numbered migrations, the record layer
that captures every write for sync, full-text search and the hash-chained audit log.
Nothing here imports Qt, HTTP or the domain (`app/`).
"""

from storage.errors import (
    DamagedProfile,
    ProfileExists,
    ProfileNotFound,
    ProfileTooNew,
    StorageError,
    UnlockThrottled,
    WrongPassphrase,
)
from storage.profile import Profile, create_profile, open_profile
from storage.store import Store

__all__ = [
    "DamagedProfile",
    "Profile",
    "ProfileExists",
    "ProfileNotFound",
    "ProfileTooNew",
    "StorageError",
    "Store",
    "UnlockThrottled",
    "WrongPassphrase",
    "create_profile",
    "open_profile",
]
