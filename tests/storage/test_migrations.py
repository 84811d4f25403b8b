"""Numbered migrations: each upgrades a database built at the previous version, a failed step
leaves the file as it was, and a newer file is refused."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from storage import migrations
from storage import profile as sp
from storage.errors import MigrationFailed, ProfileTooNew
from storage.schema import ENTITIES
from tests.conftest import FAST_KDF, PASSPHRASE

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"


def test_a_new_database_is_built_by_running_every_step(profile_dir):
    p = sp.create_profile(profile_dir, PASSPHRASE, kdf=FAST_KDF)
    assert migrations.current_version(p.store.connection()) == migrations.LATEST
    p.close()


def test_tables_match_the_schema_description(profile_dir):
    p = sp.create_profile(profile_dir, PASSPHRASE, kdf=FAST_KDF)
    conn = p.store.connection()
    for ent in ENTITIES.values():
        columns = tuple(row[1] for row in conn.execute(f"PRAGMA table_info({ent.table})"))
        assert columns == ent.columns, ent.name
    p.close()


@pytest.mark.parametrize("version", range(1, migrations.LATEST + 1))
def test_each_step_upgrades_a_database_built_at_the_previous_version(tmp_path, version):
    """Build at version-1 (with data), upgrade to version, and the data is still there."""
    p = sp.create_profile(tmp_path / "p", PASSPHRASE, kdf=FAST_KDF)
    p.close()
    # Rebuild the database from nothing up to the previous version.
    db = tmp_path / "p" / sp.DB_FILE
    for suffix in ("", "-wal", "-shm"):
        Path(f"{db}{suffix}").unlink(missing_ok=True)
    keyfile, key = sp.unlock_key(tmp_path / "p", PASSPHRASE)
    from storage import connection

    conn = connection.connect(db, key, keyfile.cipher)
    migrations.upgrade(conn, target=version - 1)
    if version - 1 >= 1:
        conn.execute("INSERT INTO household (id, vault_id, clocks, name) VALUES ('h', 'v', '{}', '残る世帯')")
    assert migrations.upgrade(conn, target=version) == (version - 1, version)
    assert migrations.current_version(conn) == version
    if version - 1 >= 1:
        assert conn.execute("SELECT name FROM household WHERE id = 'h'").fetchone()[0] == "残る世帯"
    conn.close()


def test_a_failing_step_rolls_back_everything(monkeypatch, tmp_path):
    p = sp.create_profile(tmp_path / "p", PASSPHRASE, kdf=FAST_KDF)
    conn = p.store.connection()

    class Broken:
        VERSION = migrations.LATEST + 1

        @staticmethod
        def apply(c):
            c.execute("CREATE TABLE half_done (x)")
            raise ValueError("step failed")

    monkeypatch.setattr(migrations, "STEPS", (*migrations.STEPS, Broken))
    monkeypatch.setattr(migrations, "LATEST", Broken.VERSION)
    with pytest.raises(MigrationFailed):
        migrations.upgrade(conn)
    assert migrations.current_version(conn) == Broken.VERSION - 1
    assert conn.execute("SELECT count(*) FROM sqlite_master WHERE name = 'half_done'").fetchone()[0] == 0
    p.close()


def test_a_database_from_a_newer_yorisoi_is_refused(profile_dir):
    p = sp.create_profile(profile_dir, PASSPHRASE, kdf=FAST_KDF)
    p.store.connection().execute(f"PRAGMA user_version = {migrations.LATEST + 1}")
    p.close()
    with pytest.raises(ProfileTooNew):
        sp.open_profile(profile_dir, PASSPHRASE)


@pytest.mark.parametrize("fixture", sorted(p.name for p in FIXTURES.glob("profile-v*")))
def test_a_frozen_profile_of_each_released_schema_opens_and_upgrades(tmp_path, fixture):
    """These folders were written by earlier releases (tests/fixtures/make_fixture.py)."""
    folder = tmp_path / fixture
    shutil.copytree(FIXTURES / fixture, folder)
    p = sp.open_profile(folder, "fixture passphrase")
    assert migrations.current_version(p.store.connection()) == migrations.LATEST
    names = {r["name"] for r in p.store.read().find("household")}
    assert "固定世帯" in names
    notes = p.store.read().find("note")
    assert any("凍結された記録" in n["text"] for n in notes)
    p.close()
