"""Line numbers for the tables and keys of a TOML file.

`tomllib` reports syntax errors with a line, but its result carries no positions, so a
semantic error ("field 'x' has an unknown type") could not say where. This scanner walks
the same text and records where each table header and each key is, by the same path
`tomllib` gives: ``("sections", 2, "fields", 5)`` is the sixth ``[[sections.fields]]``
under the third ``[[sections]]``. It understands the subset of TOML the form definitions
use (table headers, arrays of tables, ``key = value`` lines, multi-line strings and
arrays); anything it cannot place falls back to the nearest enclosing table's line.
"""

from __future__ import annotations

import re

_HEADER = re.compile(r"^\s*(\[\[?)\s*([^\]]+?)\s*\]\]?\s*(?:#.*)?$")
_KEY = re.compile(r"^\s*([A-Za-z0-9_\-]+|\"[^\"]*\")\s*=")

Path = tuple


class Marks:
    def __init__(self, text: str) -> None:
        self.tables: dict[Path, int] = {(): 1}
        self.keys: dict[tuple[Path, str], int] = {}
        self._scan(text)

    def line(self, path: Path, key: str | None = None) -> int:
        """The line of ``key`` in the table at ``path`` (or of the table, or of its parent)."""
        path = tuple(path)
        if key is not None and (path, key) in self.keys:
            return self.keys[(path, key)]
        while path:
            if path in self.tables:
                return self.tables[path]
            path = path[:-1]
        return 1

    def _scan(self, text: str) -> None:
        counts: dict[Path, int] = {}  # how many entries each array of tables has so far
        current: Path = ()
        in_string: str | None = None  # the closing quotes of a multi-line string
        depth = 0  # open brackets of a multi-line array or inline table
        for number, raw in enumerate(text.splitlines(), start=1):
            line = raw
            if in_string:
                if in_string in line:
                    in_string = None
                continue
            if depth:
                depth += _brackets(line)
                continue
            header = _HEADER.match(line)
            if header and not _KEY.match(line):
                names = tuple(_unquote(p) for p in header.group(2).split("."))
                path = self._resolve(names, counts)
                if header.group(1) == "[[":
                    index = counts.get(path, 0)
                    counts[path] = index + 1
                    path = path + (index,)
                current = path
                self.tables[current] = number
                continue
            key = _KEY.match(line)
            if key:
                self.keys.setdefault((current, _unquote(key.group(1))), number)
                rest = line[key.end():]
                for quotes in ('"""', "'''"):
                    if rest.count(quotes) == 1:
                        in_string = quotes
                depth = max(0, _brackets(rest))

    @staticmethod
    def _resolve(names: tuple[str, ...], counts: dict[Path, int]) -> Path:
        """Turn ``sections.fields`` into the path of the latest ``sections`` entry + ``fields``."""
        path: Path = ()
        for name in names[:-1]:
            path = path + (name,)
            if path in counts:
                path = path + (counts[path] - 1,)
        return path + (names[-1],)


def _unquote(name: str) -> str:
    name = name.strip()
    return name[1:-1] if len(name) >= 2 and name[0] == name[-1] and name[0] in "\"'" else name


def _brackets(text: str) -> int:
    """Net opening brackets outside strings and comments on one line."""
    depth, quote = 0, None
    for ch in text:
        if quote:
            if ch == quote:
                quote = None
        elif ch in "\"'":
            quote = ch
        elif ch == "#":
            break
        elif ch in "[{":
            depth += 1
        elif ch in "]}":
            depth -= 1
    return depth
