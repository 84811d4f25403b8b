"""The migrations build exactly schema.py on an empty database, and running them again is a
no-op."""

from __future__ import annotations

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect, text

from sync.server import db, migrations, schema

from .conftest import _pg_admin


@pytest.fixture(params=["sqlite", "postgresql"])
def empty_url(request, tmp_path):
    """A database with no tables at all."""
    if request.param == "sqlite":
        yield db.sqlite_url(str(tmp_path / "empty.db"))
        return
    name = f"yorisoi_empty_{tmp_path.name[-12:].lower().replace('-', '_')}"
    with _pg_admin() as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    yield f"postgresql://postgres@127.0.0.1:5432/{name}"
    with _pg_admin() as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_upgrade_creates_the_schema_of_schema_py_on_an_empty_database(empty_url):
    engine = db.make_engine(empty_url)
    try:
        assert migrations.current(engine) is None
        migrations.upgrade(engine)
        assert migrations.current(engine) == migrations.head()
        with engine.connect() as conn:
            assert compare_metadata(MigrationContext.configure(conn), schema.metadata) == []
            assert conn.execute(text("SELECT id, seq FROM log_head")).all() == [(1, 0)]
    finally:
        engine.dispose()


def test_upgrade_again_changes_nothing(empty_url):
    engine = db.make_engine(empty_url)
    try:
        migrations.upgrade(engine)
        with engine.begin() as conn:
            conn.execute(text("UPDATE log_head SET seq = 41"))
        tables = set(inspect(engine).get_table_names())
        migrations.upgrade(engine)
        assert set(inspect(engine).get_table_names()) == tables
        with engine.connect() as conn:
            assert conn.execute(text("SELECT seq FROM log_head")).scalar_one() == 41
    finally:
        engine.dispose()


def test_sqlite_runs_in_wal_with_foreign_keys_and_a_busy_timeout(tmp_path):
    engine = db.make_engine(db.sqlite_url(str(tmp_path / "c.db")))
    try:
        with engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
            assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
            assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() >= 5000
    finally:
        engine.dispose()


def test_plain_postgresql_urls_get_the_psycopg_driver():
    assert db.normalise_url("postgresql://u@h/d") == "postgresql+psycopg://u@h/d"
    assert db.normalise_url("postgres://u@h/d") == "postgresql+psycopg://u@h/d"
    assert db.normalise_url("sqlite:///x.db") == "sqlite:///x.db"


def test_0005_chains_the_entries_a_store_of_0004_already_holds(empty_url):
    """A store running version 0004 with envelopes and grant markers: upgrading gives every entry
    its chain value in seq order, the head the last one, and the log an epoch."""
    import hashlib

    from sync import protocol as p

    engine = db.make_engine(empty_url)
    try:
        migrations.upgrade(engine, "0004")
        with engine.begin() as conn:
            conn.execute(text("INSERT INTO org (id, name, created_ms) VALUES ('org00001', 'x', 0)"))
            conn.execute(text("INSERT INTO account (id, org_id, login, role, created_ms) "
                              "VALUES ('acc00001', 'org00001', 'office', 'office', 0)"))
            conn.execute(text("INSERT INTO device (id, account_id, name, box_public, sign_public, token_hash, status, "
                              "bootstrap, created_ms) VALUES ('dev00001', 'acc00001', 'd', :k, :k, 't', 'approved', "
                              "true, 0)"), {"k": bytes(32)})
            conn.execute(text("INSERT INTO vault (id, org_id, kind, key_version, created_by, created_ms) "
                              "VALUES ('vau00001', 'org00001', 'household', 1, 'dev00001', 0)"))
            conn.execute(text("INSERT INTO log (seq, vault_id, kind, account_id, count, size, created_ms) "
                              "VALUES (1, 'vau00001', 'grant', 'acc00001', 0, 0, 0)"))
            for seq in (2, 3):
                conn.execute(text("INSERT INTO log (seq, vault_id, kind, env_id, digest, size, created_ms) "
                                  "VALUES (:s, 'vau00001', 'env', :e, :d, 0, 0)"),
                             {"s": seq, "e": f"env0000{seq}", "d": hashlib.sha256(bytes([seq])).digest()})
            conn.execute(text("UPDATE log_head SET seq = 3"))
        migrations.upgrade(engine)
        chain = p.log_link(p.LOG_GENESIS, 1, p.grant_entry("vau00001", "acc00001", 0))
        for seq in (2, 3):
            chain = p.log_link(chain, seq, hashlib.sha256(bytes([seq])).digest())
        with engine.connect() as conn:
            assert conn.execute(text("SELECT chain FROM log WHERE seq = 3")).scalar_one() == chain
            head = conn.execute(text("SELECT seq, chain, epoch FROM log_head")).one()
            assert (head.seq, head.chain, len(head.epoch)) == (3, chain, 32)
    finally:
        engine.dispose()
