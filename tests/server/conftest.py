"""Fixtures of the central-store tests: every database test runs on SQLite and on PostgreSQL.

PostgreSQL: one fresh database per test module on 127.0.0.1:5432 (user postgres), emptied
between tests and dropped afterwards. When PostgreSQL is not reachable those variants skip
with the reason, so a green run without it still says what it did not check."""

from __future__ import annotations

import secrets
import shutil

import pytest

from sync.server import db, migrations, schema

PG_HOST = "127.0.0.1:5432"
PG_ADMIN_DSN = f"postgresql://postgres@{PG_HOST}/postgres"


def pytest_configure(config):
    # Starlette's TestClient prefers httpx2; httpx is what the project ships.
    config.addinivalue_line("filterwarnings", "ignore:Using `httpx` with `starlette.testclient`")


def _pg_admin():
    import psycopg

    try:
        return psycopg.connect(PG_ADMIN_DSN, autocommit=True, connect_timeout=3)
    except psycopg.OperationalError as e:
        pytest.skip(f"PostgreSQL not reachable on {PG_HOST}: {str(e).strip().splitlines()[0]}")


@pytest.fixture(scope="module")
def pg_database():
    """A migrated PostgreSQL database for this module; its URL."""
    name = f"yorisoi_test_{secrets.token_hex(6)}"
    with _pg_admin() as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    url = f"postgresql://postgres@{PG_HOST}/{name}"
    engine = db.make_engine(url)
    migrations.upgrade(engine)
    engine.dispose()
    yield url
    with _pg_admin() as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory):
    """A migrated SQLite file, copied for each test (faster than migrating each time)."""
    path = tmp_path_factory.mktemp("template") / "central.db"
    engine = db.make_engine(db.sqlite_url(str(path)))
    migrations.upgrade(engine)
    engine.dispose()
    return path


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request, tmp_path):
    """An empty, migrated database of either kind."""
    if request.param == "sqlite":
        path = tmp_path / "central.db"
        shutil.copyfile(request.getfixturevalue("sqlite_template"), path)
        return db.sqlite_url(str(path))
    url = request.getfixturevalue("pg_database")
    _empty_pg(url)
    return url


def _empty_pg(url: str) -> None:
    engine = db.make_engine(url)
    try:
        with engine.begin() as conn:  # DELETE: TRUNCATE of these small tables costs 50 times more
            for table in schema.TABLES:  # children first
                conn.execute(table.delete())
            conn.execute(schema.log_head.update().values(seq=0, chain=bytes(32)))
    finally:
        engine.dispose()


@pytest.fixture
def engine(db_url):
    engine = db.make_engine(db_url)
    yield engine
    engine.dispose()


@pytest.fixture
def app(engine):
    from sync.server.app import create_app

    return create_app(engine)


@pytest.fixture
def client(app):
    from fastapi.testclient import TestClient

    with TestClient(app) as c:
        yield c


@pytest.fixture
def org(engine, client):
    """みその市 with its office device approved (bootstrap done)."""
    from .helpers import Org

    return Org.create(engine, client)


@pytest.fixture
def worker(org):
    """An approved device of worker tanaka in みその市."""
    return org.member("tanaka")


@pytest.fixture
def other_org(engine, client):
    """A second organisation on the same store."""
    from .helpers import Org

    return Org.create(engine, client, "さくら町")
