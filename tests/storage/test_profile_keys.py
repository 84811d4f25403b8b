"""The profile folder, its wrapped key, wrong passphrases and damaged files."""

from __future__ import annotations

import hashlib
import json
import time

import pytest

from storage import profile as sp
from storage.errors import DamagedProfile, ProfileExists, ProfileNotFound, UnlockThrottled, WrongPassphrase
from storage.keyfile import KdfParams, KeyFile
from storage.throttle import Throttle, delay_after
from tests.conftest import FAST_KDF, PASSPHRASE


def _digest(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def make(folder):
    p = sp.create_profile(folder, PASSPHRASE, kdf=FAST_KDF)
    with p.store.write() as r:
        r.insert("household", {"name": "テスト家"}, vault_id="v")
    p.close()


def test_open_with_right_passphrase_reads_what_was_written(profile_dir):
    make(profile_dir)
    p = sp.open_profile(profile_dir, PASSPHRASE)
    assert [r["name"] for r in p.store.read().find("household")] == ["テスト家"]
    p.close()


def test_wrong_passphrase_is_refused_before_the_database_is_touched(profile_dir):
    make(profile_dir)
    before = _digest(profile_dir / sp.DB_FILE)
    with pytest.raises(WrongPassphrase) as info:
        sp.open_profile(profile_dir, "not the passphrase")
    assert info.value.failures == 1
    assert _digest(profile_dir / sp.DB_FILE) == before


def test_repeated_failures_back_off_and_success_resets(profile_dir):
    make(profile_dir)
    for n in range(1, 4):
        with pytest.raises(WrongPassphrase):
            sp.open_profile(profile_dir, f"wrong {n}")
    # The third failure starts the back-off: even the right passphrase has to wait.
    with pytest.raises(UnlockThrottled) as info:
        sp.open_profile(profile_dir, PASSPHRASE)
    assert 0 < info.value.wait_seconds <= 1.0
    time.sleep(info.value.wait_seconds + 0.05)
    sp.open_profile(profile_dir, PASSPHRASE).close()
    assert Throttle(profile_dir / sp.THROTTLE_FILE)._read()[0] == 0


def test_back_off_doubles_and_is_capped():
    assert [delay_after(n) for n in range(0, 7)] == [0, 0, 0, 1, 2, 4, 8]
    assert delay_after(100) == 300


def test_changing_the_passphrase_rewraps_the_key_without_rewriting_the_database(profile_dir):
    make(profile_dir)
    p = sp.open_profile(profile_dir, PASSPHRASE)
    p.close()
    before = _digest(profile_dir / sp.DB_FILE)
    p = sp.open_profile(profile_dir, PASSPHRASE)
    p.change_passphrase("a new passphrase")
    p.close()
    assert _digest(profile_dir / sp.DB_FILE) == before
    with pytest.raises(WrongPassphrase):
        sp.open_profile(profile_dir, PASSPHRASE)
    sp.open_profile(profile_dir, "a new passphrase").close()


def test_key_file_holds_no_key_in_clear_and_records_parameters(profile_dir):
    make(profile_dir)
    doc = json.loads((profile_dir / sp.KEY_FILE).read_text())
    assert doc["kdf"]["algorithm"] == "argon2id"
    assert doc["cipher"] == {"page_size": 16384, "hmac_algorithm": "HMAC_SHA256"}
    assert len(KeyFile.load(profile_dir / sp.KEY_FILE).wrapped_key) == 32 + 16  # key + GCM tag


def test_tampered_key_file_is_reported_as_damaged_not_as_wrong_passphrase(profile_dir):
    make(profile_dir)
    path = profile_dir / sp.KEY_FILE
    path.write_text("{ not json")
    with pytest.raises(DamagedProfile):
        sp.open_profile(profile_dir, PASSPHRASE)


def test_unknown_cipher_setting_in_key_file_is_refused(profile_dir):
    make(profile_dir)
    path = profile_dir / sp.KEY_FILE
    doc = json.loads(path.read_text())
    doc["cipher"]["hmac_algorithm"] = "HMAC_SHA256; DROP TABLE household"
    path.write_text(json.dumps(doc))
    with pytest.raises(DamagedProfile):
        sp.open_profile(profile_dir, PASSPHRASE)


def test_damaged_database_is_reported_and_left_as_it_was(profile_dir):
    make(profile_dir)
    db = profile_dir / sp.DB_FILE
    data = bytearray(db.read_bytes())
    data[100:200] = b"\x00" * 100  # inside the first page: its HMAC no longer matches
    db.write_bytes(bytes(data))
    before = _digest(db)
    with pytest.raises(DamagedProfile):
        sp.open_profile(profile_dir, PASSPHRASE)
    assert _digest(db) == before


def test_foreign_file_in_place_of_the_database_is_not_overwritten(profile_dir):
    make(profile_dir)
    db = profile_dir / sp.DB_FILE
    db.write_bytes(b"SQLite format 3\x00" + b"\x01" * 4000)
    before = _digest(db)
    with pytest.raises(DamagedProfile):
        sp.open_profile(profile_dir, PASSPHRASE)
    assert _digest(db) == before


def test_missing_profile_and_existing_profile_are_refused(profile_dir):
    with pytest.raises(ProfileNotFound):
        sp.open_profile(profile_dir, PASSPHRASE)
    make(profile_dir)
    with pytest.raises(ProfileExists):
        sp.create_profile(profile_dir, PASSPHRASE, kdf=FAST_KDF)


def test_profile_files_are_owner_only(profile_dir):
    make(profile_dir)
    assert (profile_dir.stat().st_mode & 0o777) == 0o700
    for name in (sp.KEY_FILE, sp.DB_FILE):
        assert ((profile_dir / name).stat().st_mode & 0o077) == 0, name


def test_default_key_derivation_costs_about_a_third_of_a_second():
    started = time.perf_counter()
    KdfParams().derive("passphrase", b"0123456789abcdef")
    elapsed = time.perf_counter() - started
    # Loose bounds: the point is that the default is neither trivial nor a minute.
    assert 0.05 < elapsed < 3.0
    assert KdfParams().memory_kib >= 65536
