"""The search index in its own file, written by its own thread: what was just written or merged
is found at once, a rolled-back page indexes nothing, and an index that missed a commit (the
program killed in between) or cannot be read is rebuilt at the next open."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from storage import connection, merge, search, search_index
from storage import profile as sp
from storage.errors import DamagedProfile
from tests.conftest import FAST_KDF, PASSPHRASE

ROOT = Path(__file__).resolve().parents[2]


def ids(store, query):
    return sorted(h.entity_id for h in search.search(store.index.reader(), query, limit=1000))


@pytest.fixture
def profile(profile_dir):
    p = sp.create_profile(profile_dir, PASSPHRASE, kdf=FAST_KDF)
    yield p
    p.close()


def test_what_was_just_written_is_found_at_once(profile):
    store = profile.store
    for n in range(30):  # the indexer may be behind; the search waits for it
        with store.write() as r:
            r.append("note", {"household_id": "h1", "text": f"書いたばかりの記録{n:03d}"}, vault_id="v",
                     record_id=f"n{n}")
        assert ids(store, f"記録{n:03d}") == [f"n{n}"]


def test_what_was_just_merged_is_found_at_once(profile):
    store = profile.store
    stamp = "0" * 15 + "1-remotedevice00"
    with store.write() as r:
        merge.apply_batch(r.conn, [("v", "a", [
            ["r", "household", "h1", [[stamp, {"name": "受信した世帯", "address": "みその市西町"}]], stamp],
            ["a", "note", "n1", stamp, {"household_id": "h1", "text": "受信した記録です"}],
        ])], index=r.index)
    assert ids(store, "受信した") == ["h1", "n1"]
    later = "0" * 15 + "2-remotedevice00"
    with store.write() as r:
        merge.apply_batch(r.conn, [("v", "a", [["r", "household", "h1", [[later, {"address": "みその市東町"}]], None]])],
                          index=r.index)
    assert ids(store, "西町") == [] and ids(store, "東町") == ["h1"]


def test_a_rolled_back_transaction_indexes_nothing(profile):
    store = profile.store
    with pytest.raises(RuntimeError), store.write() as r:
        r.append("note", {"household_id": "h1", "text": "取り消された記録"}, vault_id="v")
        raise RuntimeError("abandoned")
    with store.write() as r:
        r.append("note", {"household_id": "h1", "text": "残った記録"}, vault_id="v", record_id="kept")
    assert ids(store, "記録") == ["kept"]


def test_the_index_file_is_encrypted_with_its_own_key(profile, profile_dir):
    store = profile.store
    with store.write() as r:
        r.append("note", {"household_id": "h1", "text": "鍵の確認"}, vault_id="v")
    store.index.flush()
    path = profile_dir / search_index.FILE
    assert path.read_bytes()[:16] != b"SQLite format 3\x00"
    assert oct(path.stat().st_mode & 0o777) == "0o600"
    with pytest.raises(DamagedProfile):  # the database key itself does not open it
        connection.connect(path, store._key, profile.keyfile.cipher)


def _generations(folder: Path) -> tuple[int, int]:
    keyfile, key = sp.unlock_key(folder, PASSPHRASE)
    main = connection.connect(folder / sp.DB_FILE, key, keyfile.cipher)
    index = connection.connect(folder / search_index.FILE, search_index.derive_key(key), keyfile.cipher)
    try:
        read = lambda conn: int(conn.execute("SELECT value FROM meta WHERE key = ?",  # noqa: E731
                                             (search_index.GEN_KEY,)).fetchone()[0])
        return read(main), read(index)
    finally:
        main.close()
        index.close()


def test_a_commit_killed_before_it_was_indexed_is_found_after_the_next_open(profile_dir):
    from app import profiles

    session = profiles.create(profile_dir, PASSPHRASE, kdf=FAST_KDF)
    session.households.create("索引家", "本町1")
    session.close()
    keyfile, key = sp.unlock_key(profile_dir, PASSPHRASE)
    # Another connection holds the index file's write lock: the child's indexer cannot write.
    blocker = connection.connect(profile_dir / search_index.FILE, search_index.derive_key(key), keyfile.cipher)
    blocker.execute("BEGIN IMMEDIATE")
    child = subprocess.Popen([sys.executable, "-m", "tests.crash_writer", str(profile_dir), PASSPHRASE, "0"],
                             cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)}, stdout=subprocess.PIPE,
                             text=True)
    try:
        assert child.stdout.readline().strip() == "ready"
        assert child.stdout.readline().strip() == "0"  # committed in the main database
    finally:
        child.send_signal(signal.SIGKILL)
        child.communicate()
        blocker.execute("ROLLBACK")
        blocker.close()
    main, indexed = _generations(profile_dir)
    assert indexed < main  # the index really missed the commit
    session = profiles.unlock(profile_dir, PASSPHRASE)
    try:
        assert [r.entity_id for r in session.search.find("crash-0")]
        assert session.store.index.notice is None  # behind is not damage: nothing to tell
    finally:
        session.close()
    assert len(set(_generations(profile_dir))) == 1


def test_an_unreadable_index_file_is_rebuilt_and_said_plainly(profile_dir):
    p = sp.create_profile(profile_dir, PASSPHRASE, kdf=FAST_KDF)
    with p.store.write() as r:
        r.append("note", {"household_id": "h1", "text": "壊れても見つかる記録"}, vault_id="v", record_id="n1")
    p.close()
    path = profile_dir / search_index.FILE
    path.write_bytes(os.urandom(path.stat().st_size))
    p = sp.open_profile(profile_dir, PASSPHRASE)
    try:
        assert p.store.index.notice == search_index.REBUILT
        assert "作り直しました" in p.store.index.notice
        assert ids(p.store, "見つかる") == ["n1"]
    finally:
        p.close()
    p = sp.open_profile(profile_dir, PASSPHRASE)
    try:
        assert p.store.index.notice is None
    finally:
        p.close()
