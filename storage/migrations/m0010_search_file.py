"""Schema 10: the search index moves to a file of its own (storage/search_index.py), written by
its own thread so its work runs beside a merge. The tables leave the main database; the new
file is built from the records when the profile opens."""

from __future__ import annotations

VERSION = 10


def apply(conn) -> None:
    conn.execute("DROP TABLE search_vocab")
    conn.execute("DROP TABLE search_fts")
    conn.execute("DROP TABLE search_doc")
    conn.execute("DELETE FROM meta WHERE key = 'search_fold'")
