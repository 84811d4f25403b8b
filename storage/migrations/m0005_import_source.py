"""Schema 5: where an imported record came from. ``source`` names the file's origin (what
`yorisoi import --source` says, by default the file's name) and ``source_id`` is the record's id in
that file (its 元の番号). A file's ids never become record ids: two stations importing lists
numbered from 1 must not merge into each other's households once synced. The pair is looked up
when the same file is imported again, so a second import changes nothing."""

from __future__ import annotations

VERSION = 5

TABLES = ("station", "staff", "agency", "resource", "household", "person", "cases", "form_record", "meeting",
          "meeting_decision", "support_decision", "watch_entry", "consent", "contact", "note", "case_event")


def apply(conn) -> None:
    for table in TABLES:
        conn.execute(f"ALTER TABLE {table} ADD COLUMN source TEXT")
        conn.execute(f"ALTER TABLE {table} ADD COLUMN source_id TEXT")
        conn.execute(f"CREATE INDEX {table}_source ON {table} (source, source_id) WHERE source_id IS NOT NULL")
