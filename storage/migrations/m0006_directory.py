"""Schema 6: the directory a city keeps by hand. An agency has the area or station it serves, the
person to ask for there, and can be retired like staff and resources; a station can be retired
too. Retiring keeps the record (cases and forms still name it); it is only no longer offered."""

from __future__ import annotations

VERSION = 6

_COLUMNS = {
    "agency": ("area", "station_id", "contact_person", "active"),
    "station": ("active",),
}


def apply(conn) -> None:
    for table, columns in _COLUMNS.items():
        for column in columns:
            conn.execute(f"ALTER TABLE {table} ADD COLUMN {column}")
