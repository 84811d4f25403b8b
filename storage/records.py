"""Reading and writing records, with every write captured for sync in the same transaction.

A write changes the record, stamps each changed field with a new HLC stamp (in the record's
``clocks``), appends one row to ``change`` naming the fields, and re-indexes the record's
text. The change row carries no values: when it is sent, the current values and their
stamps are read from the record, which is what last-writer-wins needs.
"""

from __future__ import annotations

import base64
import datetime as dt
import json
import os

from storage import search
from storage.hlc import HybridClock
from storage.schema import Entity
from storage.schema import entity as entity_named

ALL_FIELDS = "*"


def new_id() -> str:
    """A random id (120 bits, 24 base32 characters): unique across devices without asking."""
    return base64.b32encode(os.urandom(15)).decode("ascii").lower()


def _jsonify(value) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def encode(ent: Entity, name: str, value):
    if value is None:
        return None
    if name in ent.maps or name in ent.json_fields:
        return _jsonify(value)
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    if isinstance(value, str | int | float):
        return value
    raise TypeError(f"{ent.name}.{name}: cannot store {type(value).__name__}")


def decode_row(ent: Entity, row: tuple, columns: tuple[str, ...]) -> dict:
    record = dict(zip(columns, row, strict=True))
    for name in (*ent.maps, *ent.json_fields):
        raw = record.get(name)
        if raw is not None:
            record[name] = json.loads(raw)
        elif name in ent.maps:
            record[name] = {}
    return record


class Records:
    """Records on one connection. Writes need an open transaction (see Store.write)."""

    def __init__(self, conn, clock: HybridClock | None = None, index: search.IndexOps | None = None) -> None:
        self.conn = conn
        self.clock = clock
        # What this transaction changes in the search index, handed over when it commits.
        self.index = index

    # -- reads ---------------------------------------------------------------------------

    def get(self, entity: str, record_id: str, *, include_deleted: bool = False) -> dict | None:
        ent = entity_named(entity)
        cols = ent.columns
        row = self.conn.execute(
            f"SELECT {', '.join(cols)} FROM {ent.table} WHERE id = ?", (record_id,)
        ).fetchone()
        if row is None:
            return None
        record = decode_row(ent, row, cols)
        if not ent.append_only and record["deleted"] and not include_deleted:
            return None
        return _public(record)

    def select(self, entity: str, where: str = "", params: tuple = (), order: str = "") -> list[dict]:
        """Live records matching a WHERE clause written by a storage query module."""
        ent = entity_named(entity)
        cols = ent.columns
        sql = f"SELECT {', '.join(cols)} FROM {ent.table}"
        conditions = [] if ent.append_only else ["deleted = 0"]
        if where:
            conditions.append(f"({where})")
        if conditions:
            sql += " WHERE " + " AND ".join(conditions)
        if order:
            sql += f" ORDER BY {order}"
        return [_public(decode_row(ent, row, cols)) for row in self.conn.execute(sql, params)]

    def find(self, entity: str, *, order_by: str | None = None, descending: bool = False, **equals) -> list[dict]:
        """Live records whose named fields equal the given values (field names are checked
        against the schema, so no SQL comes from callers)."""
        ent = entity_named(entity)
        allowed = set(ent.columns)
        for name in (*equals, *( [order_by] if order_by else [])):
            if name not in allowed:
                raise KeyError(f"{entity} has no field {name!r}")
        where = " AND ".join(f"{name} IS ?" for name in equals)
        order = f"{order_by} {'DESC' if descending else 'ASC'}, id" if order_by else ""
        return self.select(entity, where, tuple(equals.values()), order)

    def find_in(self, entity: str, field: str, values, *, order_by: str | None = None) -> list[dict]:
        """Live records whose field is one of many values (chunked IN queries), in the given
        order within each chunk."""
        ent = entity_named(entity)
        allowed = set(ent.columns)
        if field not in allowed or (order_by and order_by not in allowed):
            raise KeyError(f"{entity} has no field {field!r} or {order_by!r}")
        values = list(dict.fromkeys(values))
        found: list[dict] = []
        for start in range(0, len(values), 500):
            chunk = values[start:start + 500]
            found.extend(self.select(entity, f"{field} IN ({','.join('?' * len(chunk))})", tuple(chunk),
                                     f"{order_by}, id" if order_by else ""))
        return found

    def live_ids(self, entity: str, ids) -> set[str]:
        """Which of these ids name a live (not tombstoned) record."""
        ent = entity_named(entity)
        found: set[str] = set()
        ids = list(ids)
        alive = "" if ent.append_only else " AND deleted = 0"
        for start in range(0, len(ids), 500):
            chunk = ids[start:start + 500]
            marks = ",".join("?" * len(chunk))
            found.update(r[0] for r in self.conn.execute(
                f"SELECT id FROM {ent.table} WHERE id IN ({marks}){alive}", chunk))
        return found

    def all_ids(self, entity: str, ids) -> set[str]:
        """Which of these ids are taken, tombstones included."""
        ent = entity_named(entity)
        found: set[str] = set()
        ids = list(ids)
        for start in range(0, len(ids), 500):
            chunk = ids[start:start + 500]
            marks = ",".join("?" * len(chunk))
            found.update(r[0] for r in self.conn.execute(f"SELECT id FROM {ent.table} WHERE id IN ({marks})", chunk))
        return found

    # -- writes --------------------------------------------------------------------------

    def _stamp(self) -> str:
        if self.clock is None:
            raise RuntimeError("writes need a clock; use Store.write()")
        if self.index is None:
            raise RuntimeError("writes need the transaction's index changes; use Store.write()")
        return self.clock.tick()

    def _capture(self, stamp: str, ent: Entity, record_id: str, vault_id: str, fields: str) -> None:
        self.conn.execute(
            "INSERT INTO change (stamp, entity, entity_id, vault_id, fields) VALUES (?, ?, ?, ?, ?)",
            (stamp, ent.name, record_id, vault_id, fields),
        )

    def _check_fields(self, ent: Entity, values: dict) -> None:
        unknown = set(values) - set(ent.fields)
        if unknown:
            raise KeyError(f"{ent.name} has no field(s) {sorted(unknown)}")

    def insert(self, entity: str, values: dict, *, vault_id: str, record_id: str | None = None) -> str:
        """Create a register record; returns its id."""
        ent = entity_named(entity)
        if ent.append_only:
            raise TypeError(f"{entity} is append-only; use append()")
        self._check_fields(ent, values)
        record_id = record_id or new_id()
        stamp = self._stamp()
        row = {name: encode(ent, name, values.get(name)) for name in ent.fields}
        for name in ent.maps:
            if row[name] is None:
                row[name] = "{}"
        params = (record_id, vault_id, _jsonify({"": stamp}), 0, *(row[f] for f in ent.fields))
        return self._write_new(ent, record_id, vault_id, stamp, params, values)

    def update(self, entity: str, record_id: str, values: dict) -> bool:
        """Change some fields; returns False (and captures nothing) when nothing changed.

        A map field takes a dict of keys to set; other keys of the map are left alone."""
        ent = entity_named(entity)
        if ent.append_only:
            raise TypeError(f"{entity} is append-only; amend it with a new record")
        self._check_fields(ent, values)
        cols = ent.columns
        row = self.conn.execute(
            f"SELECT {', '.join(cols)} FROM {ent.table} WHERE id = ?", (record_id,)
        ).fetchone()
        if row is None:
            raise KeyError(f"{entity} {record_id} does not exist")
        current = decode_row(ent, row, cols)
        clocks = json.loads(current["clocks"])
        stamp: str | None = None
        changed: list[str] = []
        assignments: dict[str, object] = {}
        for name, value in values.items():
            if name in ent.maps:
                merged = dict(current[name])
                for key, item in (value or {}).items():
                    if merged.get(key) != item or key not in merged:
                        stamp = stamp or self._stamp()
                        merged[key] = item
                        clocks[f"{name}.{key}"] = stamp
                        changed.append(f"{name}.{key}")
                if merged != current[name]:
                    assignments[name] = _jsonify(merged)
                    current[name] = merged
                continue
            new = encode(ent, name, value)
            old = encode(ent, name, current[name]) if name in ent.json_fields else current[name]
            if new != old:
                stamp = stamp or self._stamp()
                clocks[name] = stamp
                assignments[name] = new
                current[name] = value
                changed.append(name)
        if not changed:
            return False
        assignments["clocks"] = _jsonify(clocks)
        sets = ", ".join(f"{name} = ?" for name in assignments)
        self.conn.execute(
            f"UPDATE {ent.table} SET {sets} WHERE id = ?", (*assignments.values(), record_id)
        )
        self._capture(stamp, ent, record_id, current["vault_id"], ",".join(changed))
        if ent.text_fields and not current["deleted"] and any(
            c.split(".", 1)[0] in ent.text_fields for c in changed
        ):
            self.index.put(ent, current)
        return True

    def delete(self, entity: str, record_id: str) -> bool:
        """Tombstone a register record; it stays (for sync) but is no longer read."""
        ent = entity_named(entity)
        if ent.append_only:
            raise TypeError(f"{entity} is append-only and cannot be deleted")
        row = self.conn.execute(
            f"SELECT vault_id, clocks, deleted FROM {ent.table} WHERE id = ?", (record_id,)
        ).fetchone()
        if row is None or row[2]:
            return False
        stamp = self._stamp()
        clocks = json.loads(row[1])
        clocks["deleted"] = stamp
        self.conn.execute(
            f"UPDATE {ent.table} SET deleted = 1, clocks = ? WHERE id = ?", (_jsonify(clocks), record_id)
        )
        self._capture(stamp, ent, record_id, row[0], "deleted")
        self.index.remove(ent, record_id)
        return True

    def append(self, entity: str, values: dict, *, vault_id: str, record_id: str | None = None) -> str:
        """Write an append-only record once; returns its id."""
        ent = entity_named(entity)
        if not ent.append_only:
            raise TypeError(f"{entity} is a register record; use insert()")
        self._check_fields(ent, values)
        record_id = record_id or new_id()
        stamp = self._stamp()
        params = (record_id, vault_id, stamp, *(encode(ent, f, values.get(f)) for f in ent.fields))
        return self._write_new(ent, record_id, vault_id, stamp, params, values)

    def _write_new(self, ent: Entity, record_id: str, vault_id: str, stamp: str, params: tuple,
                   values: dict) -> str:
        """A new row (all of ent.columns, in order), its change row and its search document."""
        cols = ent.columns
        self.conn.execute(
            f"INSERT INTO {ent.table} ({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))})", params
        )
        self._capture(stamp, ent, record_id, vault_id, ALL_FIELDS)
        if ent.text_fields:
            self.index.put_new(ent, [{"id": record_id, **values}])
        return record_id


def _public(record: dict) -> dict:
    record.pop("clocks", None)
    return record
