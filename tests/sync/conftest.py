"""A central store in-process (the real FastAPI app over a real database, served by uvicorn on
a loopback port in a thread, reached over real HTTP with keep-alive) and devices enrolled on it,
each with its own encrypted profile. (Starlette's test client costs ~2 ms a request against
0.5 ms here, and the property tests make thousands.)

`central` runs on SQLite; `central_any` runs each test on SQLite and on PostgreSQL (skipped
with a visible reason when no PostgreSQL answers on 127.0.0.1:5432)."""

from __future__ import annotations

import itertools
import socket
import threading
import time
import uuid
from pathlib import Path

import httpx
import pytest
import uvicorn

from app import profiles
from sync.server import admin, migrations
from sync.server.app import create_app
from sync.server.db import make_engine
from tests.conftest import FAST_KDF, PASSPHRASE

PG_ADMIN = "postgresql://postgres@127.0.0.1:5432/postgres"


def _pg_database():
    import psycopg

    name = f"yorisoi_sync_{uuid.uuid4().hex[:10]}"
    try:
        with psycopg.connect(PG_ADMIN, autocommit=True, connect_timeout=3) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
    except psycopg.OperationalError as exc:
        pytest.skip(f"PostgreSQL not reachable on 127.0.0.1:5432: {str(exc).splitlines()[0]}")
    return name


def _drop_pg(name: str) -> None:
    import psycopg

    with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


class Central:
    """The store, its admin operations, and a factory of enrolled devices."""

    def __init__(self, url: str, folder: Path) -> None:
        self.db_url = url
        self.folder = folder
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self._start()
        self.url = f"http://127.0.0.1:{self.port}"
        self._names = itertools.count()
        self.sessions: list = []

    def _start(self) -> None:
        self.engine = make_engine(self.db_url)
        migrations.upgrade(self.engine)
        self.app = create_app(self.engine)
        self.server = uvicorn.Server(uvicorn.Config(self.app, host="127.0.0.1", port=self.port, log_level="warning",
                                                    access_log=False, lifespan="off"))
        self.thread = threading.Thread(target=self.server.run, daemon=True)
        self.thread.start()
        deadline = time.monotonic() + 10
        while not self.server.started:
            if time.monotonic() > deadline or not self.thread.is_alive():
                raise RuntimeError("the test store did not start")
            time.sleep(0.01)
        self.client = httpx.Client(base_url=f"http://127.0.0.1:{self.port}", timeout=30)

    def _stop(self) -> None:
        self.client.close()
        self.server.should_exit = True
        self.thread.join(timeout=10)
        self.engine.dispose()

    def restart(self, between=None) -> None:
        """Stop the store, run ``between`` (replace its database), start it again on the same
        address; devices reach it through the new client."""
        self._stop()
        if between is not None:
            between()
        self._start()

    def close(self) -> None:
        for session in self.sessions:
            session.close()
        self._stop()

    # -- devices -------------------------------------------------------------------------

    def profile(self, owner: str):
        folder = self.folder / f"device{next(self._names)}"
        session = profiles.create(folder, PASSPHRASE, owner_name=owner, kdf=FAST_KDF)
        session.sync.client_factory = lambda: self.client
        self.sessions.append(session)
        return session

    def reopen(self, session):
        """Close a device's profile and open it again (a restart of the laptop)."""
        folder = session.folder
        session.close()
        self.sessions.remove(session)
        again = profiles.unlock(folder, PASSPHRASE)
        again.sync.client_factory = lambda: self.client
        self.sessions.append(again)
        return again

    def office(self, org: str = "みその市", owner: str = "事務局 太郎"):
        code = admin.create_org(self.engine, org).code
        session = self.profile(owner)
        session.sync.enrol(self.url, code, device_name="office-desktop")
        return session

    def worker(self, office, login: str, owner: str | None = None, *, role: str = "worker", approve: bool = True,
               org: str | None = None):
        try:
            admin.add_user(self.engine, login, org_name=org, role=role)
        except admin.AdminError:
            pass  # a second device of the same person
        code = admin.enrol_code_for(self.engine, login, org_name=org).code
        session = self.profile(owner or f"{login} さん")
        done = session.sync.enrol(self.url, code, device_name=f"{login}-laptop")
        if approve:
            office.sync.approve(done.fingerprint)
        return session


@pytest.fixture
def central(tmp_path):
    store = Central("sqlite:///" + str(tmp_path / "central.db"), tmp_path)
    yield store
    store.close()


@pytest.fixture(params=["sqlite", "postgresql"])
def central_any(request, tmp_path):
    if request.param == "sqlite":
        store = Central("sqlite:///" + str(tmp_path / "central.db"), tmp_path)
        yield store
        store.close()
        return
    name = _pg_database()
    store = Central(f"postgresql://postgres@127.0.0.1:5432/{name}", tmp_path)
    yield store
    store.close()
    _drop_pg(name)


def household_state(session) -> dict:
    """What a person sees of every household: records by entity, with their field values."""
    from storage.schema import ENTITIES

    conn = session.store.connection()
    state = {}
    for ent in ENTITIES.values():
        cols = [c for c in ent.columns if c != "clocks"]
        state[ent.name] = conn.execute(f"SELECT {', '.join(cols)} FROM {ent.table} ORDER BY id").fetchall()
    return state
