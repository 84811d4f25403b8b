"""Every connection carries the measured settings (see bench/store.py for the figures)."""

from __future__ import annotations

from storage import profile as sp
from tests.conftest import FAST_KDF, PASSPHRASE


def test_connections_use_the_tuned_settings(profile_dir):
    p = sp.create_profile(profile_dir, PASSPHRASE, kdf=FAST_KDF)
    conn = p.store.connection()
    assert conn.execute("PRAGMA cipher_page_size").fetchone()[0] == "16384"
    assert conn.execute("PRAGMA cipher_hmac_algorithm").fetchone()[0] == "HMAC_SHA256"
    assert conn.execute("PRAGMA cipher_use_hmac").fetchone()[0] == "1"
    assert conn.execute("PRAGMA cache_size").fetchone()[0] == -131072
    assert conn.execute("PRAGMA soft_heap_limit").fetchone()[0] == 128 * 1024 * 1024  # all connections together
    assert conn.execute("PRAGMA temp_store").fetchone()[0] == 2  # MEMORY: no plaintext temp files
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    p.close()


def test_each_thread_gets_its_own_connection(profile_dir):
    import threading

    p = sp.create_profile(profile_dir, PASSPHRASE, kdf=FAST_KDF)
    main = p.store.connection()
    seen = []
    t = threading.Thread(target=lambda: seen.append(p.store.connection()))
    t.start()
    t.join()
    assert seen and seen[0] is not main
    p.close()
