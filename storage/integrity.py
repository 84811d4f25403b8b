"""Probes for `yorisoi check` and for refusing to work on a damaged profile.

Each probe gets a connection of its own. After SQLCipher meets a page whose HMAC fails, the
connection's pager stays in an error state: every later read on it fails too, and a write
says "readonly database". Probing on one shared connection would turn one bad page into a
hundred false problems.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

# SQLite's primary result codes for a damaged file (extended codes keep them in the low byte).
SQLITE_CORRUPT, SQLITE_NOTADB = 11, 26
_PAGE = re.compile(r"page (\d+)")
_TREE = re.compile(r"Tree (\d+) page (\d+)")


def is_damage(exc: BaseException) -> bool:
    """True when SQLite refused a read because the file is damaged (or not a database)."""
    code = getattr(exc, "sqlite_errorcode", None)
    return isinstance(code, int) and code & 0xFF in (SQLITE_CORRUPT, SQLITE_NOTADB)


def failed_pages(conn) -> list[int]:
    """Pages whose HMAC does not verify (SQLCipher reads and authenticates every page)."""
    pages = []
    for (line,) in conn.execute("PRAGMA cipher_integrity_check"):
        found = _PAGE.search(str(line))
        pages.append(int(found.group(1)) if found else 0)
    return pages


@dataclass
class Structure:
    problems: int = 0
    tables: set[str] = field(default_factory=set)


def structure(conn, damaged: list[int]) -> Structure:
    """SQLite's own structure check, counted. When pages failed their HMAC, only the lines
    about those pages are real (the rest follow from the pager's error state); they name the
    tables the damage sits in."""
    result = Structure()
    roots = _roots(conn)  # read first: once the check meets a bad page, this connection reads nothing
    try:
        rows = conn.execute("PRAGMA integrity_check").fetchall()
    except Exception as exc:
        if not (is_damage(exc) and damaged):
            raise
        # The check itself stopped at a page that failed its HMAC (depending on which page it is,
        # SQLite reports it or gives up): those pages are the problems, in the tables they root.
        result.problems = len(damaged)
        result.tables = {roots[p] for p in damaged if p in roots}
        return result
    for (row,) in rows:
        for line in str(row).splitlines():
            if line == "ok" or line.startswith("*** in database"):
                continue
            tree = _TREE.search(line)
            if damaged and not (tree and int(tree.group(2)) in damaged):
                continue
            result.problems += 1
            if tree:
                result.tables.add(roots.get(int(tree.group(1)), "?"))
    return result


def _roots(conn) -> dict[int, str]:
    try:
        return {int(page): name for name, page in conn.execute("SELECT tbl_name, rootpage FROM sqlite_master")}
    except Exception as exc:
        if is_damage(exc):
            return {}
        raise


def search_index_intact(conn) -> bool:
    """FTS5's own consistency check; it writes nothing."""
    try:
        conn.execute("INSERT INTO search_fts (search_fts) VALUES ('integrity-check')")
    except Exception as exc:
        if is_damage(exc) or "malformed" in str(exc):
            return False
        raise
    return True
