"""Opening the SQLCipher database with the settings every connection must repeat.

The key is given in raw form (``x'…'``), which skips SQLCipher's per-open PBKDF2: the
passphrase cost is paid once, in the key file. Page cache, WAL and an in-memory temp store
are set on every connection: temp tables and sort spills never reach the disk in plaintext.
"""

from __future__ import annotations

from pathlib import Path

import sqlcipher3.dbapi2 as sqlcipher

from storage.errors import DamagedProfile
from storage.keyfile import CipherSettings

DatabaseError = sqlcipher.DatabaseError

# Up to 128 MiB of page cache per connection: a decrypted page that stays in memory costs what
# it costs on plain SQLite, and one that is evicted must be decrypted and authenticated again
# (bench/store.py: 100,000 point reads over a 71 MB file, 1.17–1.21× plain SQLite with 64 MiB,
# 1.09–1.13× with 128 MiB). All the connections of the process together stay under a soft
# 128 MiB heap limit, so the window (a connection per thread) uses at most what one
# connection may, where four 64 MiB caches could reach 256 MiB.
CACHE_KIB = 131072
HEAP_LIMIT_BYTES = 128 * 1024 * 1024

SESSION_PRAGMAS = (
    f"PRAGMA cache_size = -{CACHE_KIB}",
    f"PRAGMA soft_heap_limit = {HEAP_LIMIT_BYTES}",
    "PRAGMA temp_store = MEMORY",
    "PRAGMA synchronous = NORMAL",
    "PRAGMA foreign_keys = OFF",
    "PRAGMA busy_timeout = 5000",
)


def connect(path: Path, key: bytes, cipher: CipherSettings) -> sqlcipher.Connection:
    """An open, keyed, verified connection (autocommit; callers open transactions)."""
    if len(key) != 32:
        raise ValueError("database key must be 32 bytes")
    conn = sqlcipher.connect(str(path), isolation_level=None, check_same_thread=False)
    try:
        # SQLCipher logs hmac failures to stderr; the caller reports them in words instead.
        conn.execute("PRAGMA cipher_log_level = NONE")
        conn.execute(f"PRAGMA key = \"x'{key.hex()}'\"")
        for pragma in cipher.pragmas():
            conn.execute(pragma)
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
        mode = conn.execute("PRAGMA journal_mode = WAL").fetchone()[0]
        if mode.lower() != "wal":
            raise DamagedProfile(str(path), f"journal mode {mode}")
        for pragma in SESSION_PRAGMAS:
            conn.execute(pragma)
    except DatabaseError as exc:
        conn.close()
        raise DamagedProfile(str(path), f"database unreadable: {exc}") from None
    except BaseException:
        conn.close()
        raise
    return conn
