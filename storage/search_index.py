"""The search index in a file of its own, written by a thread of its own.

``<profile>/search.db`` is a SQLCipher database like the main one, keyed with a key derived
from the profile's database key (HKDF; never stored). The index is derived data: all of it can
be rebuilt from the records. A write transaction collects its index changes
(`storage.search.IndexOps`) and hands them over only once it has committed (a page rolled back
indexes nothing), numbered by a generation the main database keeps in the same transaction
(meta ``search_gen``); the index file keeps the generation it has applied. The indexer applies
them on its own connection, so the trigram index's work runs beside the next page's merge, on
the other core. A search first waits for whatever was handed over before it, so a user always
finds what was just written or merged.

At open, an index that is missing, unreadable, built with another folding or behind the main
database's generation (the program stopped between a commit and its indexing) is rebuilt from
the records on the indexer thread; searches wait for it.
"""

from __future__ import annotations

import contextlib
import logging
import queue
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from storage import connection, integrity, search
from storage.errors import DamagedProfile
from storage.keyfile import CipherSettings

FILE = "search.db"
GEN_KEY = "search_gen"  # in both files' meta: handed over (main), applied (index)
FOLD_KEY = "search_fold"
KEY_INFO = b"yorisoi/search-index/v1"
# Commits waiting for the indexer, at most; a writer that gets this far ahead waits (each is at
# most a pull page, a few MB of text).
BACKLOG = 4
REBUILT = "検索の索引を作り直しました（読めなかったため）。記録はそのままです。"

log = logging.getLogger("yorisoi.search")

_SCHEMA = (
    "CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
    "CREATE TABLE search_doc (rowid INTEGER PRIMARY KEY, entity TEXT NOT NULL, "
    "entity_id TEXT NOT NULL, household_id TEXT, UNIQUE (entity, entity_id))",
    # Contentless: the index file keeps no copy of the text.
    "CREATE VIRTUAL TABLE search_fts USING fts5(body, tokenize = 'trigram', content = '', contentless_delete = 1)",
    "CREATE VIRTUAL TABLE search_vocab USING fts5vocab(search_fts, 'row')",
    # Fewer segment merges while a first pull adds a hundred thousand documents (schema 4's reason).
    "INSERT INTO search_fts (search_fts, rank) VALUES ('automerge', 8)",
)


def derive_key(db_key: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=KEY_INFO).derive(db_key)


class SearchIndex:
    def __init__(self, path: Path, db_key: bytes, cipher: CipherSettings,
                 source: Callable[[], object], generation: int) -> None:
        """``source`` opens a connection of its own to the main database (for a rebuild);
        ``generation`` is the main database's ``search_gen``."""
        self.path = path
        self._key = derive_key(db_key)
        self._cipher = cipher
        self._source = source
        self._queue: queue.Queue = queue.Queue(BACKLOG)
        self._done = threading.Condition()
        self._handed = generation
        self._applied = -1
        self._failed: BaseException | None = None
        self._rebuilds = 0  # asked for and not yet done
        self._readers: dict[int, object] = {}
        self._lock = threading.Lock()
        self.notice: str | None = None  # said once to the user when the file had to be remade
        # Wait for each commit's indexing before returning (no overlap): only for measuring what
        # the indexer thread gains (bench.sync --index-ab).
        self.serial = False
        self._writer = self._open_writer()
        row = self._writer.execute("SELECT (SELECT value FROM meta WHERE key = ?), (SELECT value FROM meta "
                                   "WHERE key = ?)", (FOLD_KEY, GEN_KEY)).fetchone()
        if row[0] == search.FOLD_VERSION and row[1] is not None and int(row[1]) == generation:
            self._applied = generation
        else:
            self._rebuilds = 1
            self._queue.put(("rebuild", False))
        self._thread = threading.Thread(target=self._run, name="yorisoi-index", daemon=True)
        self._thread.start()

    # -- the file ------------------------------------------------------------------------

    def _connect(self):
        return connection.connect(self.path, self._key, self._cipher)

    def _open_writer(self):
        fresh = not self.path.exists()
        try:
            if fresh:
                self.path.touch(mode=0o600)  # owner-only from the first byte, like the main file
            conn = self._connect()
            try:
                if not conn.execute("SELECT 1 FROM sqlite_master WHERE name = 'meta'").fetchone():
                    conn.execute("BEGIN IMMEDIATE")
                    for sql in _SCHEMA:
                        conn.execute(sql)
                    conn.execute("COMMIT")
                conn.execute("SELECT count(*) FROM search_doc").fetchone()
            except BaseException:
                conn.close()
                raise
            return conn
        except (DamagedProfile, connection.DatabaseError) as exc:
            if fresh:
                raise
            log.warning("search index unreadable, rebuilt: %s", type(exc).__name__)
            self.notice = REBUILT
            self._remove_files()
            return self._open_writer()

    def _remove_files(self) -> None:
        for suffix in ("", "-wal", "-shm"):
            with contextlib.suppress(FileNotFoundError):
                Path(f"{self.path}{suffix}").unlink()

    @contextlib.contextmanager
    def separate_connection(self) -> Iterator:
        """A connection used once and closed (`yorisoi check`)."""
        conn = self._connect()
        try:
            yield conn
        finally:
            conn.close()

    # -- handing over and waiting ---------------------------------------------------------

    def submit(self, generation: int, ops: search.IndexOps) -> None:
        """Index changes of a committed transaction, in commit order (the caller holds the
        store's write lock). Waits when the indexer is ``BACKLOG`` commits behind."""
        self._queue.put((generation, ops))
        with self._done:
            self._handed = generation
        if self.serial:
            self.flush()

    def rebuild(self, *, secure: bool = False) -> None:
        """Index everything again from the records, after what was handed over; ``secure``
        overwrites freed pages and compacts the file (a revoked device's wipe)."""
        with self._done:
            self._rebuilds += 1
        self._queue.put(("rebuild", secure))

    def flush(self) -> None:
        """Wait until everything handed over so far is searchable."""
        with self._done:
            target = self._handed
            caught_up = lambda: self._applied >= target and not self._rebuilds  # noqa: E731
            # Woken by the indexer; the timeout only notices an indexer that is gone.
            while not self._done.wait_for(lambda: self._failed is not None or caught_up(), 1.0):
                if not self._thread.is_alive():
                    break
            if self._failed is not None or not caught_up():
                raise DamagedProfile(str(self.path), f"search index: {self._failed or 'indexer stopped'}")

    @property
    def behind(self) -> int:
        """Commits handed over and not yet indexed (for progress and benchmarks)."""
        with self._done:
            return max(0, self._handed - self._applied)

    def reader(self):
        """This thread's connection to the index, once it holds everything written so far."""
        self.flush()
        ident = threading.get_ident()
        conn = self._readers.get(ident)
        if conn is None:
            conn = self._connect()
            with self._lock:
                self._readers[ident] = conn
        return conn

    def close(self) -> None:
        """Finish what was handed over, then stop."""
        if self._thread.is_alive():
            self._queue.put(None)
            self._thread.join()
        with self._lock:
            for conn in (self._writer, *self._readers.values()):
                with contextlib.suppress(Exception):
                    conn.close()
            self._readers.clear()

    # -- the indexer thread ---------------------------------------------------------------

    def _run(self) -> None:
        while True:
            item = self._queue.get()
            if item is None:
                return
            if item[0] == "rebuild":
                self._guarded(self._rebuild, item[1])
                continue
            batch = [item]
            # Commits already waiting go in one transaction of the index file.
            while len(batch) < BACKLOG:
                try:
                    following = self._queue.get_nowait()
                except queue.Empty:
                    break
                if following is None or following[0] == "rebuild":
                    self._guarded(self._apply, batch)
                    batch = []
                    if following is None:
                        return
                    self._guarded(self._rebuild, following[1])
                    break
                batch.append(following)
            if batch:
                self._guarded(self._apply, batch)

    def _guarded(self, work, arg) -> None:
        try:
            work(arg)
        except Exception as exc:  # the index is derived: rebuild it rather than leave it wrong
            log.warning("search index write failed, rebuilding: %s", type(exc).__name__)
            with contextlib.suppress(Exception):
                self._writer.execute("ROLLBACK")
            try:
                self._rebuild(False, asked=work == self._rebuild)
            except Exception as again:
                log.error("search index rebuild failed: %s", type(again).__name__)
                with self._done:
                    self._failed = again
                    self._done.notify_all()

    def _apply(self, batch: list) -> None:
        conn = self._writer
        last = self._applied
        conn.execute("BEGIN IMMEDIATE")
        for generation, ops in batch:
            if generation <= self._applied:
                continue  # a rebuild already read this commit from the records
            search.apply(conn, ops)
            last = generation
        _put(conn, GEN_KEY, str(last))
        conn.execute("COMMIT")
        with self._done:
            self._applied = last
            self._done.notify_all()

    def _rebuild(self, secure: bool, asked: bool = True) -> None:
        conn = self._writer
        source = self._source()
        try:
            source.execute("BEGIN")  # one snapshot: the records and the generation they are at
            row = source.execute("SELECT value FROM meta WHERE key = ?", (GEN_KEY,)).fetchone()
            generation = int(row[0]) if row else 0
            if secure:
                conn.execute("PRAGMA secure_delete = ON")
            conn.execute("BEGIN IMMEDIATE")
            try:
                count = search.rebuild(source, conn)
                _put(conn, GEN_KEY, str(generation))
                _put(conn, FOLD_KEY, search.FOLD_VERSION)
                conn.execute("COMMIT")
            except BaseException:
                conn.execute("ROLLBACK")
                raise
            source.execute("COMMIT")
        finally:
            source.close()
        if secure:
            conn.execute("VACUUM")
            conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            conn.execute("PRAGMA secure_delete = OFF")
        log.info("search index rebuilt: %d documents", count)
        with self._done:
            self._applied = generation
            if asked:
                self._rebuilds -= 1
            self._done.notify_all()


def _put(conn, key: str, value: str) -> None:
    conn.execute("INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                 (key, value))


def check(index: SearchIndex) -> list[str]:
    """The index file's page HMACs and FTS5's own consistency check; nothing is written."""
    with index.separate_connection() as conn:
        damaged = integrity.failed_pages(conn)
    if damaged:
        return [f"{len(damaged)} ページが壊れています（作り直せます）"]
    with index.separate_connection() as conn:
        return [] if integrity.search_index_intact(conn) else ["索引が壊れています"]
