"""Maintenance: the store analyses its tables after migrations and after enough rows arrived
through the API, and `yorisoi-server admin check` says what the operator must fix
(connections, planner statistics, disk, backups), exiting 1 when something must be fixed."""

from __future__ import annotations

import secrets
import time

import pytest
from sqlalchemy import text

from sync.server import check, cli, config, db, maintenance, migrations

from .conftest import PG_HOST, _pg_admin

DAY_MS = 24 * 3600 * 1000


@pytest.fixture
def fresh_pg():
    """An empty PostgreSQL database, not yet migrated."""
    name = f"yorisoi_test_{secrets.token_hex(6)}"
    with _pg_admin() as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    yield f"postgresql://postgres@{PG_HOST}/{name}"
    with _pg_admin() as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _never_analysed(engine) -> set[str]:
    with engine.connect() as conn:
        return {r[0] for r in conn.execute(text(
            "SELECT relname FROM pg_stat_user_tables WHERE last_analyze IS NULL AND last_autoanalyze IS NULL"))}


def _autovacuum_off(engine) -> bool:
    if engine.dialect.name != "postgresql":
        return False
    with engine.connect() as conn:
        return conn.execute(text("SHOW autovacuum")).scalar_one() != "on"


def _to_fix(engine) -> list[str]:
    """The statistics findings to fix, beside the server-wide autovacuum (this machine's
    PostgreSQL may have it off: then that finding must be there, and is checked here)."""
    texts = [f.text for f in check.statistics(engine) if f.must_fix]
    server_wide = [t for t in texts if "PostgreSQL の autovacuum が off" in t]
    assert len(server_wide) == (1 if _autovacuum_off(engine) else 0)
    return [t for t in texts if t not in server_wide]


def _forget_statistics(engine) -> None:
    with engine.connect() as conn:
        conn.execute(text("SELECT pg_stat_reset()"))
        conn.commit()


def test_a_migration_analyses_the_tables_and_an_up_to_date_store_is_left_alone(fresh_pg):
    engine = db.make_engine(fresh_pg)
    try:
        assert migrations.upgrade(engine) is True
        assert "log" not in _never_analysed(engine) and "device" not in _never_analysed(engine)
        assert _to_fix(engine) == []
        _forget_statistics(engine)
        assert migrations.upgrade(engine) is False  # nothing to migrate: no ANALYZE at serve start
        assert "log" in _never_analysed(engine)
    finally:
        engine.dispose()


def test_check_names_tables_never_analysed_and_migrate_fixes_it(fresh_pg, tmp_path, capsys):
    engine = db.make_engine(fresh_pg)
    try:
        migrations.upgrade(engine)
        _forget_statistics(engine)
        [finding] = _to_fix(engine)
        assert "一度も集計されていない表" in finding and "log" in finding
        assert cli.main(["migrate", "--data", str(tmp_path), "--db", fresh_pg]) == 0
        assert _to_fix(engine) == []
    finally:
        engine.dispose()


def test_check_names_tables_whose_autovacuum_was_turned_off(fresh_pg):
    engine = db.make_engine(fresh_pg)
    try:
        migrations.upgrade(engine)
        with engine.connect() as conn:
            conn.execute(text("ALTER TABLE log SET (autovacuum_enabled = false)"))
            conn.commit()
        [found] = _to_fix(engine)
        assert "autovacuum が止められた表" in found and "(log)" in found
    finally:
        engine.dispose()


def test_sqlite_statistics_are_checked_too(tmp_path):
    engine = db.make_engine(db.sqlite_url(str(tmp_path / "c.db")))
    try:
        migrations.upgrade(engine)
        assert not any(f.must_fix for f in check.statistics(engine))
        with engine.connect() as conn:
            conn.exec_driver_sql("DROP TABLE sqlite_stat1")
            conn.commit()
        assert check.statistics(engine)[0].must_fix
    finally:
        engine.dispose()


def test_enough_rows_through_the_api_trigger_an_analyze(engine, worker, monkeypatch):
    monkeypatch.setattr(maintenance, "THRESHOLD", 3)
    if engine.dialect.name == "postgresql":
        _forget_statistics(engine)
        assert "vault" in _never_analysed(engine)
    else:
        with engine.connect() as conn:
            conn.exec_driver_sql("DROP TABLE IF EXISTS sqlite_stat1")
            conn.commit()
    maintenance._pending.clear()
    for _ in range(3):  # worker's approval may have counted already: three more are enough
        worker.register_vault()
    if engine.dialect.name == "postgresql":
        assert "vault" not in _never_analysed(engine)
    else:
        assert not check.statistics(engine)[0].must_fix


def test_connections_that_cannot_fit_must_be_fixed(engine):
    if engine.dialect.name == "sqlite":
        assert not check.connections(engine, 64, 30).must_fix
        return
    found = check.connections(engine, 64, 30)
    assert found.must_fix and "max_connections" in found.text
    assert not check.connections(engine, 2, None).must_fix


def test_disk_and_backup_findings(tmp_path):
    assert not check.disk(tmp_path, min_free=0).must_fix
    found = check.disk(tmp_path, min_free=1 << 60)
    assert found.must_fix and str(tmp_path) in found.text
    now = int(time.time() * 1000)
    none = check.backup(tmp_path, now)
    assert not none.must_fix and "記録はありません" in none.text
    config.record_backup(tmp_path, now - 8 * DAY_MS)
    stale = check.backup(tmp_path, now)
    assert stale.must_fix and "8 日前" in stale.text
    config.record_backup(tmp_path, now - DAY_MS)
    assert not check.backup(tmp_path, now).must_fix


def test_admin_check_exits_1_with_the_lines_to_fix(tmp_path, db_url, capsys):
    data = tmp_path / "data"
    engine = db.make_engine(db_url)
    server_wide = int(_autovacuum_off(engine))  # this machine's PostgreSQL may have it off
    engine.dispose()
    status = cli.main(["admin", "--data", str(data), "--db", db_url, "check", "--workers", "2"])
    out = capsys.readouterr().out
    assert status == (1 if server_wide else 0), out
    assert out.count("要対応") == server_wide and "バックアップ: 記録はありません" in out
    assert ("直すべきことが 1 件あります" if server_wide else "直すべきことはありません") in out
    if db_url.startswith("postgresql"):
        status = cli.main(["admin", "--data", str(data), "--db", db_url, "check", "--workers", "64",
                           "--pool-size", "30"])
        out = capsys.readouterr().out
        assert status == 1 and "要対応: 接続数が足りません" in out
        assert f"直すべきことが {1 + server_wide} 件あります" in out
    config.record_backup(data, int(time.time() * 1000) - 30 * DAY_MS)
    status = cli.main(["admin", "--data", str(data), "--db", db_url, "check"])
    out = capsys.readouterr().out
    assert status == 1 and "要対応: バックアップ: 最後のバックアップは 30 日前" in out
