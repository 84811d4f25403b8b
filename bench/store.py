"""The encrypted store against plain SQLite, in one run.

    python -m bench.store [--quick]

* insert_ratio      bulk insert of N contact rows in one transaction, SQLCipher / sqlite3
* point_read_ratio  N random reads by id on a freshly opened database, SQLCipher / sqlite3
                    (point_read_cold_ratio: the first tenth of them, while pages are first
                    decrypted into the cache)
* capture_ratio     writes through the record layer (row + stamps + change row + search index)
                    against the same row and index written without change capture
* fts_p95_ms        search over N notes: queries of 1, 2, 3+ characters and kana, p95
* *_same_binding    the same two figures against SQLCipher's module with no key: plain SQLite
                    through the same Python binding, i.e. the cost of encryption alone (the
                    sqlcipher3 binding spends ~0.3 µs more per statement than the stdlib one)
* open_ms           opening the store after the key is unwrapped (connect, pragmas, schema
                    check), beside the same on plain sqlite3

Both sides use the same SQL, page size (16 KiB), session pragmas (storage/connection.py: cache,
heap limit, temp store), WAL and synchronous=NORMAL. Each figure is the median of several rounds
that alternate which side runs first; the ratios are what to read (machines are shared and
noisy). --quick measures the same 100,000 rows and notes with 3 rounds instead of 7, and fewer
search queries, so it stays representative and finishes in under a minute.
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import sqlite3
import tempfile
from pathlib import Path

import sqlcipher3.dbapi2 as sqlcipher

from bench.common import emit, median, note_texts, p95, timed
from storage import connection, migrations, search
from storage.hlc import HybridClock
from storage.keyfile import CipherSettings
from storage.migrations import m0010_search_file
from storage.records import Records, new_id
from storage.schema import entity

CONTACT = entity("contact")
PLAIN_PRAGMAS = ("PRAGMA page_size = 16384", "PRAGMA journal_mode = WAL", *connection.SESSION_PRAGMAS)
SQL_TABLE = ("CREATE TABLE bench (id TEXT PRIMARY KEY, vault_id TEXT NOT NULL, stamp TEXT NOT NULL, "
             "household_id TEXT, at TEXT, kind TEXT, outcome TEXT, summary TEXT, body TEXT)")
SQL_INSERT = "INSERT INTO bench VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"
SQL_READ = "SELECT summary, body FROM bench WHERE id = ?"


def open_encrypted(path: Path, key: bytes):
    return connection.connect(path, key, CipherSettings())


def open_plain(path: Path):
    conn = sqlite3.connect(str(path), isolation_level=None, check_same_thread=False)
    for pragma in PLAIN_PRAGMAS:
        conn.execute(pragma)
    return conn


def open_unkeyed(path: Path):
    """SQLCipher's own binding and engine with no key: plain SQLite through the same Python
    module, which isolates the cost of encryption from the cost of the binding."""
    conn = sqlcipher.connect(str(path), isolation_level=None, check_same_thread=False)
    for pragma in PLAIN_PRAGMAS:
        conn.execute(pragma)
    return conn


def rows(n: int, seed: int) -> list[tuple]:
    rng = random.Random(seed)
    texts = note_texts(rng)
    return [(new_id(), "vault", f"{i:016x}-device", new_id(), "2025-04-01T10:00:00+09:00", "home_visit", "met",
             next(texts)[:80], next(texts)[:220]) for i in range(n)]


def fresh(folder: Path, name: str) -> Path:
    path = folder / name
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    return path


def insert_and_read(folder: Path, data: list[tuple], key: bytes, round_no: int) -> dict:
    ids = [r[0] for r in data]
    rng = random.Random(5)
    reads = [rng.choice(ids) for _ in range(len(data))]
    cold = len(reads) // 10
    out = {}
    sides = [("enc", lambda p: open_encrypted(p, key)), ("plain", open_plain), ("unkeyed", open_unkeyed)]
    if round_no % 2:
        sides.reverse()  # alternate which side runs first, so neither always meets a warm machine
    for label, opener in sides:
        path = fresh(folder, f"{label}.db")
        conn = opener(path)
        conn.execute(SQL_TABLE)

        def bulk(conn=conn):
            conn.execute("BEGIN")
            conn.executemany(SQL_INSERT, data)
            conn.execute("COMMIT")

        out[f"{label}_insert"] = timed(bulk)
        conn.close()
        conn = opener(path)
        out[f"{label}_read_cold"] = timed(lambda conn=conn: [conn.execute(SQL_READ, (i,)).fetchone()
                                                             for i in reads[:cold]])
        out[f"{label}_read_rest"] = timed(lambda conn=conn: [conn.execute(SQL_READ, (i,)).fetchone()
                                                             for i in reads[cold:]])
        conn.close()
    return out


def schema_with_index(conn) -> None:
    """The record tables as they are now, with the search tables still in the same file (the step
    before schema 10 moved them out): the figures are the record layer's and FTS5's own."""
    migrations.upgrade(conn, m0010_search_file.VERSION - 1)


def capture(folder: Path, data: list[tuple], key: bytes) -> dict:
    """Record-layer writes with capture against the same row + index without capture."""
    out = {}
    values = [{"household_id": r[3], "at": r[4], "kind": r[5], "outcome": r[6], "summary": r[7], "body": r[8]}
              for r in data]
    cols = CONTACT.columns
    insert = f"INSERT INTO contact ({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))})"
    for label in ("plain", "captured"):
        path = fresh(folder, f"capture-{label}.db")
        conn = open_encrypted(path, key)
        schema_with_index(conn)
        clock = HybridClock("benchdevice00000")
        records = Records(conn, clock, search.IndexOps())

        def write(conn=conn, records=records, clock=clock, label=label):
            # The index is written in the same file and transaction here (the app hands it to its
            # own thread and file): the figure is the record layer's own cost.
            conn.execute("BEGIN")
            for v in values:
                if label == "captured":
                    records.append("contact", v, vault_id="vault")
                else:
                    rid = new_id()
                    conn.execute(insert, (rid, "vault", clock.tick(), *(v.get(f) for f in CONTACT.fields)))
                    search.insert_documents(conn, CONTACT.name, [search.document(CONTACT, {"id": rid, **v})])
            search.apply(conn, records.index)
            records.index.clear()
            conn.execute("COMMIT")

        out[label] = timed(write)
        conn.close()
    return out


def fts(folder: Path, n: int, key: bytes, queries: int) -> dict:
    path = fresh(folder, "fts.db")
    conn = open_encrypted(path, key)
    schema_with_index(conn)
    records = Records(conn, HybridClock("benchdevice00000"), search.IndexOps())
    rng = random.Random(9)
    texts = note_texts(rng)
    conn.execute("BEGIN")
    for _ in range(n):
        records.append("note", {"household_id": "h", "at": "2025-04-01T10:00:00+09:00", "text": next(texts)},
                       vault_id="v")
    search.apply(conn, records.index)  # the index tables of schema 1, in this same file
    conn.execute("COMMIT")
    terms = ["電話", "体調", "手紙", "訪問", "話", "母", "ゲーム", "家賃の滞納", "通院", "デイサービス", "ひだまり",
             "ハローワーク", "民生委員", "入院", "同行", "眠", "やまだ", "さろん", "不在 手紙", "体調 食事"]
    latencies, hits = [], []
    for i in range(queries):
        term = terms[i % len(terms)]
        latencies.append(timed(lambda term=term: hits.append(len(search.search(conn, term, limit=50)))) * 1000)
    conn.close()
    return {"p95_ms": p95(latencies), "median_ms": median(latencies), "max_ms": max(latencies),
            "hits_median": median(hits)}


def opening(folder: Path, key: bytes, rounds: int) -> dict:
    from storage.store import Store

    enc_path = folder / "open.db"
    store = Store(enc_path, key, CipherSettings())
    store.close()
    plain_path = folder / "open-plain.db"
    conn = open_plain(plain_path)
    conn.execute(SQL_TABLE)
    conn.close()
    enc = [timed(lambda: Store(enc_path, key, CipherSettings()).close()) * 1000 for _ in range(rounds)]
    plain = [timed(lambda: (c := open_plain(plain_path), c.execute("PRAGMA user_version").fetchone(), c.close()))
             * 1000 for _ in range(rounds)]
    return {"open_ms": median(enc), "open_plain_ms": median(plain)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="the same sizes with fewer rounds; under a minute")
    parser.add_argument("--rounds", type=int, default=None, help="rounds per comparison (median taken)")
    args = parser.parse_args()
    args.rounds = args.rounds or (3 if args.quick else 7)
    n = notes = 100_000
    folder = Path(tempfile.mkdtemp(prefix="yorisoi-bench-"))
    key = os.urandom(32)
    try:
        data = rows(n, 1)
        rounds = [insert_and_read(folder, data, key, i) for i in range(args.rounds)]
        ins = median([r["enc_insert"] / r["plain_insert"] for r in rounds])
        read = median([(r["enc_read_cold"] + r["enc_read_rest"]) / (r["plain_read_cold"] + r["plain_read_rest"])
                       for r in rounds])
        cold = median([r["enc_read_cold"] / r["plain_read_cold"] for r in rounds])
        warm = median([r["enc_read_rest"] / r["plain_read_rest"] for r in rounds])
        ins_same = median([r["enc_insert"] / r["unkeyed_insert"] for r in rounds])
        read_same = median([(r["enc_read_cold"] + r["enc_read_rest"]) / (r["unkeyed_read_cold"] + r["unkeyed_read_rest"])
                            for r in rounds])
        cap_rounds = [capture(folder, data[: n // 5], key) for _ in range(args.rounds)]
        cap = median([r["captured"] / r["plain"] for r in cap_rounds])
        search_figures = fts(folder, notes, key, 400 if not args.quick else 200)
        open_figures = opening(folder, key, 30)
        emit({
            "benchmark": "store",
            "quick": args.quick,
            "rows": n,
            "rounds": args.rounds,
            "insert_ratio_rounds": [round(r["enc_insert"] / r["plain_insert"], 3) for r in rounds],
            "insert_ratio": round(ins, 3),
            "point_read_ratio": round(read, 3),
            "point_read_cold_ratio": round(cold, 3),
            "point_read_warm_ratio": round(warm, 3),
            "insert_ratio_same_binding": round(ins_same, 3),
            "point_read_ratio_same_binding": round(read_same, 3),
            "capture_ratio": round(cap, 3),
            "fts_notes": notes,
            "fts_p95_ms": round(search_figures["p95_ms"], 2),
            "fts_median_ms": round(search_figures["median_ms"], 2),
            "fts_max_ms": round(search_figures["max_ms"], 2),
            "fts_hits_median": search_figures["hits_median"],
            "open_ms": round(open_figures["open_ms"], 2),
            "open_plain_ms": round(open_figures["open_plain_ms"], 2),
            "insert_s": {"encrypted": round(median([r["enc_insert"] for r in rounds]), 3),
                         "plain": round(median([r["plain_insert"] for r in rounds]), 3)},
            "targets": {"insert_ratio": 1.25, "point_read_ratio": 1.15, "capture_ratio": 1.3, "fts_p95_ms": 50,
                        "open_ms": 20},
        })
    finally:
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
