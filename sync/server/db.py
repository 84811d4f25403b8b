"""Engines for the two databases the store runs on, and the two kinds of transaction.

SQLite: WAL (readers never wait for the writer), a busy timeout instead of instant "database
is locked", foreign keys on, and Python's own transaction handling switched off so that we
decide how each transaction begins: `write()` takes the write lock at BEGIN (IMMEDIATE), so two
writers never both read and then fail to upgrade their lock.
PostgreSQL (psycopg 3): READ COMMITTED; writers of the log queue on the log_head row instead.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.engine import make_url

BUSY_TIMEOUT_S = 30


def normalise_url(url: str) -> str:
    """Accept what people write (postgresql://, postgres://) and pick the psycopg 3 driver."""
    for prefix in ("postgresql://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


def sqlite_url(path: str) -> str:
    return "sqlite:///" + path


def make_engine(url: str, pool_size: int | None = None) -> Engine:
    """`pool_size`: the most connections this process may hold (PostgreSQL; see capacity.py),
    a hard bound so that workers × pool stays within max_connections. None: 10, bursting to 30."""
    url = normalise_url(url)
    backend = make_url(url).get_backend_name()
    if backend == "sqlite":
        return _sqlite_engine(url)
    if backend == "postgresql":
        if pool_size is None:
            return create_engine(url, pool_size=10, max_overflow=20, pool_pre_ping=True)
        return create_engine(url, pool_size=pool_size, max_overflow=0, pool_pre_ping=True)
    raise ValueError(f"unsupported database: {backend}")


def _sqlite_engine(url: str) -> Engine:
    engine = create_engine(url, connect_args={"timeout": BUSY_TIMEOUT_S, "check_same_thread": False},
                           pool_size=10, max_overflow=20)

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn, _record):
        dbapi_conn.isolation_level = None  # we emit BEGIN ourselves (below)
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_S * 1000}")
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute("PRAGMA synchronous=NORMAL")  # durable across a process crash in WAL mode
        cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Connection):
        immediate = conn.get_execution_options().get("yorisoi_write", False)
        conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")

    return engine


@contextmanager
def read(engine: Engine) -> Iterator[Connection]:
    """A transaction that only reads (one consistent snapshot on SQLite)."""
    with engine.connect() as conn, conn.begin():
        yield conn


@contextmanager
def write(engine: Engine) -> Iterator[Connection]:
    """A transaction that writes: commits at the end, rolls back on any exception."""
    with engine.connect() as conn:
        conn.execution_options(yorisoi_write=True)
        with conn.begin():
            yield conn


def is_postgresql(conn: Connection) -> bool:
    return conn.dialect.name == "postgresql"
