"""The ids of an imported file, mapped to record ids.

A file's ids are its own: two stations that number their Excel lists from 1 would otherwise
merge into each other's households once synced. So an id from a file becomes a record id of
its own, derived from the organisation, the file's source (``--source``, by default the file's
name), the type and the id, and is kept on the record as its 元の番号 (``source_id``, with
``source``). A record already imported from that source is found by that pair, so importing the
same file again reaches the same records and changes nothing; two devices of one organisation
importing the same file derive the same ids, so their records meet instead of doubling.

A file written by `yorisoi export` starts with a header line (``{"type": "yorisoi-export"}``):
its ids are record ids already and are kept as they are, so an export round-trips.

A reference (``household_id``, ``case_id``, ``present`` …) names a line of the same file, a
record imported earlier from the same source, a record id of this profile, or — when exactly
one record has it — a 元の番号 from another source (a visit list naming a household by the
number it had in the list it came from), in that order.
"""

from __future__ import annotations

import base64
import hashlib
from collections import defaultdict

from app.interchange.spec import BY_TYPE
from storage.schema import entity as entity_named

EXPORT_HEADER = "yorisoi-export"


def derived_id(organisation: str, source: str, kind: str, file_id: str) -> str:
    """A record id (24 base32 characters, like storage.records.new_id) for a file's id."""
    digest = hashlib.blake2b("\x00".join((organisation, source, kind, file_id)).encode("utf-8"),
                             digest_size=15, person=b"yorisoi-import").digest()
    return base64.b32encode(digest).decode("ascii").lower()


class IdMap:
    def __init__(self, records, *, organisation: str, source: str | None, wanted: dict[str, set[str]],
                 in_file: dict[str, set[str]]) -> None:
        """``wanted``: type → every id the file names (its lines and its references);
        ``in_file``: type → the ids of the file's own lines. ``source`` None keeps ids (an export)."""
        self.organisation, self.source = organisation, source
        self.in_file = in_file
        self.imported: dict[str, dict[str, str]] = defaultdict(dict)  # type → file id → record id
        self.elsewhere: dict[str, dict[str, list[str]]] = defaultdict(dict)  # … from any source
        if source is not None:
            for kind, ids in wanted.items():
                table = entity_named(BY_TYPE[kind].entity).table
                ids = sorted(ids)
                for start in range(0, len(ids), 500):
                    chunk = ids[start:start + 500]
                    rows = records.conn.execute(
                        f"SELECT id, source, source_id FROM {table} WHERE source_id IN ({','.join('?' * len(chunk))})",
                        chunk)
                    for rid, found_source, file_id in rows:
                        if found_source == source:
                            self.imported[kind][file_id] = rid
                        else:
                            self.elsewhere[kind].setdefault(file_id, []).append(rid)

    @property
    def keeps_ids(self) -> bool:
        return self.source is None

    def record_id(self, kind: str, file_id: str) -> str:
        """The record a line of the file writes."""
        if self.keeps_ids:
            return file_id
        return self.imported[kind].get(file_id) or derived_id(self.organisation, self.source, kind, file_id)

    def was_imported(self, kind: str, file_id: str) -> bool:
        return file_id in self.imported[kind]

    def reference(self, kind: str, value: str) -> str:
        """The record a reference names (unchanged when it names nothing the map knows: the
        reference check then reports it as missing, in the file's own words)."""
        if self.keeps_ids:
            return value
        if value in self.in_file[kind] or value in self.imported[kind]:
            return self.record_id(kind, value)
        others = self.elsewhere[kind].get(value, [])
        return others[0] if len(others) == 1 else value

    def ambiguous(self, kind: str, value: str) -> int:
        """How many records of other sources have this 元の番号, when more than one does."""
        if self.keeps_ids or value in self.in_file[kind] or value in self.imported[kind]:
            return 0
        found = len(self.elsewhere[kind].get(value, []))
        return found if found > 1 else 0
