"""An open encrypted database: connections, transactions and the device's clock.

Each thread gets its own connection (UI reads run in worker threads; SQLite connections
must not be shared across them). Connections are keyed by the OS thread id, not by a
`threading.local`: Qt's pool threads enter Python with a fresh thread state for every task, so
a thread-local would open (and keep) a new connection each time. Writes go through `write()`, one IMMEDIATE transaction that
also persists the hybrid logical clock, so stamps never go backwards across restarts even
when the laptop's clock does. What a transaction changes in the search index is handed to the
indexer (storage/search_index.py, a file of its own) once it has committed.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Iterator
from pathlib import Path

from storage import connection, migrations, search, search_index
from storage.hlc import HybridClock
from storage.keyfile import CipherSettings
from storage.records import Records, new_id


class Store:
    def __init__(self, path: Path, key: bytes, cipher: CipherSettings, *, upgrade: bool = True) -> None:
        self.path = path
        self._key = key
        self._cipher = cipher
        self._connections: dict[int, object] = {}
        self._depth: dict[int, int] = {}
        self._index_ops: dict[int, search.IndexOps] = {}
        self._lock = threading.Lock()
        self._write_lock = threading.RLock()
        conn = self.connection()
        if upgrade:
            migrations.upgrade(conn)
        elif migrations.current_version(conn) > migrations.LATEST:
            migrations.upgrade(conn)  # raises ProfileTooNew
        device_id = self.meta("device_id")
        if device_id is None:
            device_id = new_id()[:16]
            conn.execute("BEGIN IMMEDIATE")
            self._put_meta(conn, "device_id", device_id)
            conn.execute("COMMIT")
        self.device_id = device_id
        self.clock = HybridClock(device_id, int(self.meta("hlc") or 0))
        self.index = search_index.SearchIndex(path.with_name(search_index.FILE), key, cipher,
                                              lambda: connection.connect(self.path, self._key, self._cipher),
                                              int(self.meta(search_index.GEN_KEY) or 0))

    # -- connections ---------------------------------------------------------------------

    def connection(self):
        ident = threading.get_ident()
        conn = self._connections.get(ident)
        if conn is None:
            conn = connection.connect(self.path, self._key, self._cipher)
            with self._lock:
                self._connections[ident] = conn
        return conn

    @contextlib.contextmanager
    def separate_connection(self) -> Iterator:
        """A connection used once and closed: checks that may meet a damaged page must not leave
        the thread's shared connection in SQLite's error state."""
        conn = connection.connect(self.path, self._key, self._cipher)
        try:
            yield conn
        finally:
            conn.close()

    @property
    def open_connections(self) -> int:
        return len(self._connections)

    def close(self) -> None:
        self.index.close()
        with self._lock:
            for conn in self._connections.values():
                with contextlib.suppress(Exception):
                    conn.close()
            self._connections.clear()

    # -- reads and writes ----------------------------------------------------------------

    def read(self) -> Records:
        return Records(self.connection())

    @contextlib.contextmanager
    def write(self) -> Iterator[Records]:
        """One transaction; nested calls on the same thread join the outer one."""
        conn = self.connection()
        ident = threading.get_ident()
        depth = self._depth.get(ident, 0)
        if depth:
            self._depth[ident] = depth + 1
            try:
                yield Records(conn, self.clock, self._index_ops[ident])
            finally:
                self._depth[ident] = depth
            return
        with self._write_lock:
            conn.execute("BEGIN IMMEDIATE")
            self._depth[ident] = 1
            ops = self._index_ops[ident] = search.IndexOps()
            start = self.clock.last
            try:
                yield Records(conn, self.clock, ops)
                if self.clock.last != start:
                    self._put_meta(conn, "hlc", str(self.clock.last))
                if ops:
                    # Read in the transaction, not kept in memory: another process (the command
                    # line beside the window) may have committed since.
                    generation = int(self.meta(search_index.GEN_KEY) or 0) + 1
                    self._put_meta(conn, search_index.GEN_KEY, str(generation))
                conn.execute("COMMIT")
                if ops:
                    self.index.submit(generation, ops)
            except BaseException:
                conn.execute("ROLLBACK")
                self.clock.last = max(start, int(self.meta("hlc") or 0))
                raise
            finally:
                self._depth[ident] = 0
                self._index_ops.pop(ident, None)

    # -- meta ----------------------------------------------------------------------------

    def meta(self, key: str) -> str | None:
        row = self.connection().execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return row[0] if row else None

    def set_meta(self, key: str, value: str) -> None:
        with self.write() as records:
            self._put_meta(records.conn, key, value)

    @staticmethod
    def _put_meta(conn, key: str, value: str) -> None:
        conn.execute(
            "INSERT INTO meta (key, value) VALUES (?, ?) "
            "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            (key, value),
        )
