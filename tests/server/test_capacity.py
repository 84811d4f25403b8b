"""Connections: the pool is sized from PostgreSQL's max_connections and the workers, `serve`
refuses a combination that cannot fit, and a database that refuses connections gives the
device a 503 with a reason and the operator a log line that says what to change."""

from __future__ import annotations

import logging
import secrets

import pytest
from fastapi.testclient import TestClient

from sync.server import capacity, cli, db, logs
from sync.server.app import create_app

from .conftest import PG_HOST, _pg_admin


def test_pool_is_the_workers_share_of_what_postgresql_allows(pg_database):
    engine = db.make_engine(pg_database)
    try:
        limits = capacity.postgres_limits(engine)
    finally:
        engine.dispose()
    with _pg_admin() as conn:
        max_conn = int(conn.execute("SHOW max_connections").fetchone()[0])
    assert limits.max_connections == max_conn
    available = max_conn - limits.reserved - capacity.MARGIN
    assert limits.available == available
    for workers in (1, 2, 4, 8):
        pool = capacity.pool_size(limits, workers, None)
        assert workers * pool <= available and pool == min(capacity.MAX_POOL, available // workers)
    assert capacity.pool_size(limits, 2, 7) == 7
    with pytest.raises(capacity.CapacityError, match="max_connections"):
        capacity.pool_size(limits, 4, available)  # 4 × everything cannot fit


def test_the_engine_never_holds_more_than_its_pool(pg_database):
    engine = db.make_engine(pg_database, pool_size=2)
    try:
        assert engine.pool.size() == 2 and engine.pool._max_overflow == 0
    finally:
        engine.dispose()


def test_serve_refuses_workers_times_pool_beyond_max_connections(tmp_path, capsys, pg_database):
    status = cli.main(["serve", "--data", str(tmp_path), "--db", pg_database, "--workers", "64",
                       "--pool-size", "30"])
    err = capsys.readouterr().err
    assert status == 2
    assert "64 × プール 30 = 1920" in err and "max_connections" in err and "--workers" in err
    assert "Traceback" not in err


def test_serve_refuses_a_pool_size_out_of_range(tmp_path, capsys):
    status = cli.main(["serve", "--data", str(tmp_path), "--pool-size", "0"])
    assert status == 2 and "--pool-size" in capsys.readouterr().err


def test_sqlite_keeps_its_own_pool(tmp_path):
    assert capacity.pool_size(None, 4, None) is None
    engine = db.make_engine(db.sqlite_url(str(tmp_path / "c.db")), pool_size=3)
    try:
        assert engine.pool.size() == 10  # unchanged: SQLite is not shared out
    finally:
        engine.dispose()


@pytest.fixture
def limited_role(pg_database):
    """A login role PostgreSQL lets in zero times: each connection gets 'too many connections'."""
    role = f"yorisoi_lim_{secrets.token_hex(4)}"
    with _pg_admin() as conn:
        conn.execute(f'CREATE ROLE "{role}" LOGIN CONNECTION LIMIT 0')
    yield f"postgresql://{role}@{PG_HOST}/{pg_database.rsplit('/', 1)[1]}"
    with _pg_admin() as conn:
        conn.execute(f'DROP ROLE IF EXISTS "{role}"')


def test_a_refused_connection_is_a_503_with_a_reason_and_an_actionable_log_line(limited_role, caplog):
    engine = db.make_engine(limited_role)
    caplog.set_level(logging.INFO, logger=logs.LOGGER)
    try:
        with TestClient(create_app(engine)) as client:
            resp = client.get("/v2/me", headers={"Authorization": "Bearer " + "t" * 43})
    finally:
        engine.dispose()
    assert resp.status_code == 503 and resp.json()["error"] == "unavailable" and resp.json()["detail"]
    assert resp.headers["Retry-After"]
    text = "\n".join(r.getMessage() for r in caplog.records)
    assert "database OperationalError in GET /v2/me" in text and "CONNECTION LIMIT" in text
    assert "GET /v2/me 503" in text and "t" * 43 not in text
