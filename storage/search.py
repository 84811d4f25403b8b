"""Japanese full-text search over every free-text field.

One FTS5 ``trigram`` index holds a document per record (the folded text of its text fields).
Trigram matching finds any substring of three or more characters. Shorter terms (電話, 体調)
match nothing through MATCH, so they are expanded through the index's own vocabulary: every
indexed trigram that starts with the term, OR-ed together. Each document ends with two
padding characters, so a term at the very end of a text still starts a trigram.

The index is a file of its own (storage/search_index.py): `search` and `count` take a connection
to it (`Store.index.reader()`, which first waits for what was just written), and a transaction's
changes to it are collected as `IndexOps`.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass

from storage.schema import ENTITIES, Entity
from storage.textnorm import fold, squeeze

PAD = "\ue000\ue000"
# Which folding built the index (storage/textnorm.py). An index built with another one is
# rebuilt when the profile opens (storage/search_index.py).
FOLD_VERSION = "3"  # 2: 異体字 fold (storage/itaiji.py); 3: a household's 元の番号 indexed
# A one-character term can start thousands of trigrams; past this many the expansion is cut,
# and the results are the newest documents that match the most common of them.
MAX_EXPANSION = 400


@dataclass(frozen=True)
class Hit:
    entity: str
    entity_id: str
    household_id: str | None


_SPACE = re.compile(r"\s")


def document_text(entity: Entity, row: dict) -> str:
    parts: list[str] = []
    for name in entity.text_fields:
        value = row.get(name)
        if not value:
            continue
        if name in entity.maps:
            values = value.values() if isinstance(value, dict) else json.loads(value).values()
            parts.extend(_strings(values))
            continue
        text = str(value)
        parts.append(text)
        if name in entity.name_fields and _SPACE.search(text):
            parts.append(squeeze(text))
    return fold("\n".join(parts)) if parts else ""


def _strings(values) -> list[str]:
    out: list[str] = []
    for value in values:
        if isinstance(value, str):
            out.append(value)
        elif isinstance(value, list | tuple):
            out.extend(_strings(value))
        elif isinstance(value, dict):
            out.extend(_strings(value.values()))
    return out


def document(entity: Entity, row: dict) -> tuple[str, str | None, str] | None:
    """(record id, household id, indexed text) of a record, or None when it has no text.
    Pure: a sync page's documents are prepared on another thread while the last one is written."""
    text = document_text(entity, row)
    if not text:
        return None
    household = row.get(entity.household_key) if entity.household_key else None
    return row["id"], household, text + PAD


class IndexOps(list):
    """What a transaction changes in the search index, kept until it commits: the index lives
    in its own file, written by the indexer thread (storage/search_index.py), so a page that is
    rolled back indexes nothing. Items: ("new", entity, docs) for records that had no document,
    ("put", entity, [(id, household, text or None)]) to replace or (None) drop documents."""

    def put(self, entity: Entity, row: dict) -> None:
        """Index (or re-index) one record; a record with no text leaves no document."""
        self.append(("put", entity.name, [_current(entity, row)]))

    def remove(self, entity: Entity, record_id: str) -> None:
        self.append(("put", entity.name, [(record_id, None, None)]))

    def add(self, entity: Entity, docs: list[tuple[str, str | None, str]]) -> None:
        """Documents of records this transaction created (from `document`)."""
        if docs:
            self.append(("new", entity.name, docs))

    def put_new(self, entity: Entity, rows: list[dict]) -> None:
        self.add(entity, [d for d in (document(entity, r) for r in rows) if d is not None])

    def replace(self, entity: Entity, rows: list[dict]) -> None:
        """Re-index records changed by a merge: current text in (none for a tombstone)."""
        if rows:
            self.append(("put", entity.name, [_current(entity, row) for row in rows]))


def _current(entity: Entity, row: dict) -> tuple[str, str | None, str | None]:
    found = None if row.get("deleted") else document(entity, row)
    return found or (row["id"], None, None)


# -- writing the index file (the indexer thread's connection) -------------------------------


def insert_documents(conn, entity_name: str, docs: list[tuple[str, str | None, str]]) -> None:
    if not docs:
        return
    start = conn.execute("SELECT ifnull(max(rowid), 0) FROM search_doc").fetchone()[0] + 1
    conn.executemany("INSERT INTO search_doc (rowid, entity, entity_id, household_id) VALUES (?, ?, ?, ?)",
                     [(start + i, entity_name, rid, household) for i, (rid, household, _) in enumerate(docs)])
    conn.executemany("INSERT INTO search_fts (rowid, body) VALUES (?, ?)",
                     [(start + i, text) for i, (_, _, text) in enumerate(docs)])


def upsert(conn, entity_name: str, docs: list[tuple[str, str | None, str | None]]) -> None:
    """Old documents of these records out, the given text in (None: no document). A record that
    keeps a document keeps its rowid: only the FTS row is rewritten."""
    latest = {doc[0]: doc for doc in docs}  # the last word on a record within the batch wins
    ids = list(latest)
    old: dict[str, int] = {}
    for start in range(0, len(ids), 500):
        chunk = ids[start:start + 500]
        old.update((r[1], r[0]) for r in conn.execute(
            f"SELECT rowid, entity_id FROM search_doc WHERE entity = ? AND entity_id IN ({','.join('?' * len(chunk))})",
            (entity_name, *chunk)))
    conn.executemany("DELETE FROM search_fts WHERE rowid = ?", [(r,) for r in old.values()])
    kept = [(old[rid], household, text) for rid, household, text in latest.values() if rid in old and text]
    conn.executemany("DELETE FROM search_doc WHERE rowid = ?",
                     [(old[rid],) for rid, _, text in latest.values() if rid in old and not text])
    conn.executemany("UPDATE search_doc SET household_id = ?1 WHERE rowid = ?2 AND household_id IS NOT ?1",
                     [(household, rowid) for rowid, household, _ in kept])
    conn.executemany("INSERT INTO search_fts (rowid, body) VALUES (?, ?)", [(rowid, text) for rowid, _, text in kept])
    insert_documents(conn, entity_name, [doc for doc in latest.values() if doc[0] not in old and doc[2]])


def apply(conn, ops: list) -> None:
    for kind, entity_name, docs in ops:
        if kind == "new":
            insert_documents(conn, entity_name, docs)
        else:
            upsert(conn, entity_name, docs)


def clear(conn) -> None:
    conn.execute("INSERT INTO search_fts (search_fts) VALUES ('delete-all')")
    conn.execute("DELETE FROM search_doc")


def rebuild(source, conn) -> int:
    """Index every live record of the main database (``source``, read in the caller's read
    transaction) into the index file (``conn``, in its caller's transaction); returns how many
    documents the index holds."""
    clear(conn)
    total = 0
    for ent in ENTITIES.values():
        if not ent.text_fields:
            continue
        cols = ent.columns
        alive = "" if ent.append_only else " WHERE deleted = 0"
        cursor = source.execute(f"SELECT {', '.join(cols)} FROM {ent.table}{alive}")
        while rows := cursor.fetchmany(2000):
            docs = [d for d in (document(ent, dict(zip(cols, row, strict=True))) for row in rows) if d]
            insert_documents(conn, ent.name, docs)
            total += len(docs)
    return total


def terms_of(query: str) -> list[str]:
    """The folded terms of a query, without padding characters a user cannot type."""
    folded = fold(query).replace("\ue000", "")
    return [t for t in folded.split() if t]


def _phrase(term: str) -> str:
    return '"' + term.replace('"', '""') + '"'


def match_expression(conn, terms: list[str]) -> str | None:
    """An FTS5 expression for all terms, or None when some term cannot match anything."""
    clauses = []
    for term in terms:
        if len(term) >= 3:
            clauses.append(_phrase(term))
            continue
        rows = conn.execute(
            "SELECT term FROM search_vocab WHERE term >= ? AND term < ? ORDER BY doc DESC LIMIT ?",
            (term, term + "\U0010ffff", MAX_EXPANSION),
        ).fetchall()
        if not rows:
            return None
        clauses.append("(" + " OR ".join(_phrase(r[0]) for r in rows) + ")")
    return " AND ".join(clauses) if clauses else None


def search(
    conn, query: str, *, limit: int = 100, entities: tuple[str, ...] | None = None
) -> list[Hit]:
    """Matching records, newest first."""
    found = _matching(conn, query, entities, "d.entity, d.entity_id, d.household_id")
    if found is None:
        return []
    sql, params = found
    return [Hit(*row) for row in conn.execute(sql + " ORDER BY search_fts.rowid DESC LIMIT ?", (*params, limit))]


def count(conn, query: str, *, entities: tuple[str, ...] | None = None) -> int:
    """How many records match, so a caller that shows the first ``limit`` can say how many more."""
    found = _matching(conn, query, entities, "count(*)")
    if found is None:
        return 0
    sql, params = found
    return conn.execute(sql, params).fetchone()[0]


def _matching(conn, query: str, entities: tuple[str, ...] | None, columns: str) -> tuple[str, list] | None:
    terms = terms_of(query)
    expression = match_expression(conn, terms) if terms else None
    if expression is None:
        return None
    sql = (
        f"SELECT {columns} FROM search_fts "
        "JOIN search_doc AS d ON d.rowid = search_fts.rowid WHERE search_fts MATCH ?"
    )
    params: list = [expression]
    if entities:
        sql += f" AND d.entity IN ({','.join('?' * len(entities))})"
        params.extend(entities)
    return sql, params


def snippet(text: str, query: str, width: int = 40, *, terms: list[str] | None = None) -> tuple[str, list[tuple[int, int]]]:
    """A window of ``text`` around the first match, and the match spans inside it.

    Matching is done on folded text character by character, which keeps positions aligned
    for everything but the rare sequences NFKC merges."""
    terms = terms_of(query) if terms is None else terms
    folded = fold(text)
    if len(folded) != len(text):  # NFKC merged or split something (ｶﾞ, ㈱): fold char by char
        folded = "".join(fold(ch)[:1] or ch for ch in text)
    spans = []
    for term in terms:
        at = folded.find(term)
        if at >= 0:
            spans.append((at, at + len(term)))
    if not spans:
        return text[:width], []
    first = min(s for s, _ in spans)
    start = max(0, first - width // 3)
    end = min(len(text), start + width)
    window = text[start:end]
    inside = [(s - start, e - start) for s, e in spans if s >= start and e <= end]
    prefix = "…" if start > 0 else ""
    suffix = "…" if end < len(text) else ""
    shifted = [(s + len(prefix), e + len(prefix)) for s, e in inside]
    return prefix + window + suffix, sorted(shifted)
