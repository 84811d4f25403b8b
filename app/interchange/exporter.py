"""Export everything the profile holds as JSON Lines, in the order import reads it back.

The first line says the file is an export (``{"type": "yorisoi-export", …}``): its ids are
record ids, which an import keeps (a file from elsewhere has its ids mapped: ids.py).
The file is plaintext personal data: the caller must have asked the user. It is written
atomically with owner-only permissions, so a failed export leaves nothing behind.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

from app.interchange.ids import EXPORT_HEADER
from app.interchange.spec import TYPES
from app.session import Session
from storage import atomic


def export_lines(session: Session) -> Iterator[str]:
    records = session.store.read()
    yield json.dumps({"type": EXPORT_HEADER, "format": 1}, ensure_ascii=False)
    stations = {r["id"]: r["name"] for r in records.find("station")}
    for spec in TYPES:
        for record in records.find(spec.entity, order_by="id"):
            doc: dict = {"type": spec.type, "id": record["id"]}
            for fs in spec.fields:
                value = stations.get(record.get("station_id") or "") if fs.kind == "station" else record.get(fs.name)
                if value is None or value == "" or value == {} or value == []:
                    continue
                if fs.kind == "bool":
                    value = bool(value)
                doc[fs.name] = value
            yield json.dumps(doc, ensure_ascii=False, sort_keys=False)


def export_to_file(session: Session, path: Path) -> int:
    count = 0
    with atomic.atomic_writer(path, "w") as handle:
        for line in export_lines(session):
            handle.write(line + "\n")
            count += 1
    with session.store.write() as records:
        session.audit(records, "export", detail=f"{count} records")
    return count
