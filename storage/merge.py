"""Applying operations received from other devices: per-field last-writer-wins.

Each field of a register record keeps the stamp that last set it (``clocks``). An incoming
value replaces the local one only when its stamp is greater; stamps are HLC strings whose order
is the clock and then the device id, so every device picks the same winner whatever order
operations arrive in. Append-only records (contacts, notes, consent, case events) are inserted
once by id and never changed. A tombstone is the field ``deleted`` like any other.

Received operations are not captured as local changes: they are already in the central log.
A page of envelopes is applied entity by entity in bulk (one lookup, one insert, one index
write per entity per page), because a station's first pull is ten thousand small envelopes.
"""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass, field

from storage import search
from storage.records import encode
from storage.schema import ENTITIES, Entity

_CHUNK = 500


class UnknownOperation(ValueError):
    """An operation this version cannot apply (a newer entity or field, or garbage); the whole
    envelope is kept aside and tried again after an upgrade."""


@dataclass
class MergeResult:
    households: set[str] = field(default_factory=set)
    # (household, author) pairs, for the audit log: who changed which household.
    touched: set[tuple[str, str]] = field(default_factory=set)
    shared: bool = False
    inserted: int = 0
    updated: int = 0
    fields: int = 0
    max_stamp: str = ""


def apply(conn, vault_id: str, ops: list, result: MergeResult | None = None, author: str = "", *,
          index: search.IndexOps) -> MergeResult:
    """Apply one envelope's operations in the caller's transaction."""
    return apply_batch(conn, [(vault_id, author, ops)], result, index=index)


def prepare(envelopes) -> dict[int, tuple]:
    """The stored row and search document of every operation that creates a record, as it
    would be written if the record is new here (keyed by the operation's identity). Pure: no
    database, so it runs on the thread that fetches the next page while this one is merged
    (the page's SQLite work releases the interpreter's lock)."""
    prepared: dict[int, tuple] = {}
    for vault_id, _author, ops in envelopes:
        if not isinstance(ops, list):
            continue
        for op in ops:
            if not isinstance(op, list) or len(op) != 5 or op[1] not in ENTITIES:
                continue
            ent = ENTITIES[op[1]]
            if op[0] == "a" and ent.append_only and isinstance(op[4], dict) and isinstance(op[3], str) \
                    and set(ent.fields).issuperset(op[4]):
                values = op[4]
                row = (op[2], vault_id, op[3], *[values.get(f) for f in ent.fields])
                doc = search.document(ent, {"id": op[2], **values}) if ent.text_fields else None
                prepared[id(op)] = (row, doc)
            elif op[0] == "r" and not ent.append_only and not ent.maps:
                created = _created(ent, vault_id, op, _creatable(ent))
                if created is not None:
                    doc = search.document(ent, created) if ent.text_fields and not created["deleted"] else None
                    prepared[id(op)] = (_stored(ent, created, ent.columns), doc)
    return prepared


def _creatable(ent: Entity) -> frozenset:
    return frozenset((*(f for f in ent.fields if f not in ent.maps), "deleted"))


def apply_batch(conn, envelopes, result: MergeResult | None = None,
                prepared: dict[int, tuple] | None = None, stored: dict[str, dict[str, tuple]] | None = None, *,
                index: search.IndexOps) -> MergeResult:
    """Apply several envelopes' operations, given as (vault, author, ops), in the caller's
    transaction; ``prepared`` comes from `prepare` on the same operations; ``stored``, when
    given, holds the stored row (all columns) of every record the operations name, as the gate
    read them in the same transaction (entity → id → row), so they are not read twice; search
    index changes go to ``index`` (the transaction's, `Records.index`). UnknownOperation leaves
    partial work behind: the caller rolls it back (and drops what it added to ``index``)."""
    result = result or MergeResult()
    prepared = prepared or {}
    stored = stored or {}
    by_entity: dict[str, list] = defaultdict(list)
    for vault_id, author, ops in envelopes:
        if not isinstance(ops, list):
            raise UnknownOperation("operations")
        for op in ops:
            if not isinstance(op, list) or len(op) != 5 or op[1] not in ENTITIES or not isinstance(op[2], str):
                raise UnknownOperation(f"operation {op[:2] if isinstance(op, list) else type(op).__name__}")
            by_entity[op[1]].append((vault_id, author, op))
    for name, items in by_entity.items():
        ent = ENTITIES[name]
        known = stored.get(name)
        if ent.append_only:
            _append(conn, ent, items, result, prepared, index, known)
        else:
            _register(conn, ent, items, result, prepared, index, known)
    return result


def _existing(conn, ent: Entity, ids: list[str], columns: str) -> dict[str, tuple]:
    found: dict[str, tuple] = {}
    unique = list(dict.fromkeys(ids))
    for start in range(0, len(unique), _CHUNK):
        chunk = unique[start:start + _CHUNK]
        for row in conn.execute(
                f"SELECT {columns} FROM {ent.table} WHERE id IN ({','.join('?' * len(chunk))})", chunk):
            found[row[0]] = row
    return found


def _note(result: MergeResult, ent: Entity, record_id: str, values: dict, author: str) -> None:
    """Which household (or the shared vaults) a merged record belongs to, and who changed it."""
    if ent.household_key is None:
        result.shared = True
        return
    household = record_id if ent.household_key == "id" else values.get(ent.household_key)
    if household:
        result.households.add(household)
        result.touched.add((household, author))


def _append(conn, ent: Entity, items: list, result: MergeResult, prepared: dict[int, tuple],
            index: search.IndexOps, stored: dict[str, tuple] | None = None) -> None:
    known = dict(stored) if stored is not None else _existing(conn, ent, [op[2] for _, _, op in items], "id")
    allowed = set(ent.fields)
    rows, docs = [], []
    for vault_id, author, op in items:
        _, _, record_id, stamp, values = op
        if op[0] != "a" or not isinstance(values, dict) or not isinstance(stamp, str):
            raise UnknownOperation(f"{ent.name} operation")
        if record_id in known:
            continue
        known[record_id] = (record_id,)
        ready = prepared.get(id(op))
        if ready is None:
            if not allowed.issuperset(values):
                raise UnknownOperation(f"{ent.name} fields {sorted(set(values) - allowed)}")
            record = {"id": record_id, **values}
            ready = ((record_id, vault_id, stamp, *[values.get(f) for f in ent.fields]),
                     search.document(ent, record) if ent.text_fields else None)
        rows.append(ready[0])
        if ready[1] is not None:
            docs.append(ready[1])
        _note(result, ent, record_id, values, author)
        result.fields += len(values)
        if stamp > result.max_stamp:
            result.max_stamp = stamp
    if rows:
        cols = ent.columns
        rows.sort()  # ids are random: in order, the inserts touch each index page once
        conn.executemany(f"INSERT INTO {ent.table} ({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))})", rows)
        result.inserted += len(rows)
        index.add(ent, docs)


def _created(ent: Entity, vault_id: str, op: list, allowed: frozenset) -> dict | None:
    """The row of a record this device has never seen, built straight from its creation (one
    group stamped with the base, as `storage.outbound` sends a new record); None for anything
    else, which takes the general path."""
    _, _, record_id, groups, base = op
    if not isinstance(base, str) or len(groups) != 1:
        return None
    group = groups[0]
    if not isinstance(group, list) or len(group) != 2 or group[0] != base or not isinstance(group[1], dict):
        return None
    values = group[1]
    if not allowed.issuperset(values):
        return None
    row = {"id": record_id, "vault_id": vault_id, "clocks": {"": base}, "deleted": 1 if values.get("deleted") else 0}
    for name in ent.fields:
        row[name] = values.get(name)
    return row


def _register(conn, ent: Entity, items: list, result: MergeResult, prepared: dict[int, tuple],
              index: search.IndexOps, stored: dict[str, tuple] | None = None) -> None:
    cols = ent.columns
    existing = stored if stored is not None else _existing(conn, ent, [op[2] for _, _, op in items], ", ".join(cols))
    plain = [f for f in ent.fields if f not in ent.maps]
    allowed = _creatable(ent)
    fresh: dict[str, tuple] = {}  # new records whose row and document were prepared
    new_rows: dict[str, dict] = {}
    changed: dict[str, dict] = {}
    reindex: set[str] = set()  # changed records whose searchable text (or tombstone) changed
    columns: dict[str, set[str]] = {}  # changed records: the columns to write
    watched = set(ent.text_fields) | {"deleted"}
    for vault_id, author, op in items:
        _, _, record_id, groups, base = op
        if op[0] != "r" or not isinstance(groups, list):
            raise UnknownOperation(f"{ent.name} operation")
        if record_id not in existing and record_id not in new_rows and record_id not in fresh and not ent.maps:
            ready = prepared.get(id(op))
            row = None if ready is not None else _created(ent, vault_id, op, allowed)
            if ready is not None or row is not None:
                if ready is None:
                    ready = (_stored(ent, row, cols),
                             search.document(ent, row) if ent.text_fields and not row["deleted"] else None)
                fresh[record_id] = ready
                result.fields += len(groups[0][1])
                if base > result.max_stamp:
                    result.max_stamp = base
                _note(result, ent, record_id, groups[0][1], author)
                continue
        if record_id in fresh:
            # Created earlier in this page, changed again: merged the general way.
            stored = fresh.pop(record_id)[0]
            row = dict(zip(cols, stored, strict=True))
            row["clocks"] = json.loads(row["clocks"])
            new_rows[record_id] = row
        row = new_rows.get(record_id) or changed.get(record_id)
        if row is None:
            if record_id in existing:
                row = dict(zip(cols, existing[record_id], strict=True))
                row["clocks"] = json.loads(row["clocks"])
                for name in ent.maps:
                    row[name] = json.loads(row[name]) if row[name] else {}
            else:
                row = dict.fromkeys(cols)
                row.update(id=record_id, vault_id=vault_id, clocks={}, deleted=0)
                for name in ent.maps:
                    row[name] = {}
                new_rows[record_id] = row
        touched = _merge_op(ent, row, groups, base, plain, result)
        if touched:
            _note(result, ent, record_id, row, author)
            if record_id not in new_rows:
                changed[record_id] = row
                columns.setdefault(record_id, set()).update(name.partition(".")[0] for name in touched)
                if any(name.partition(".")[0] in watched for name in touched):
                    reindex.add(record_id)
    if new_rows or fresh:
        conn.executemany(f"INSERT INTO {ent.table} ({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))})",
                         sorted([*(_stored(ent, row, cols) for row in new_rows.values()),
                                 *(ready[0] for ready in fresh.values())]))
        result.inserted += len(new_rows) + len(fresh)
    if changed:
        # Only the columns that changed (and the clocks): untouched indexed columns cost nothing.
        by_columns: dict[tuple[str, ...], list] = defaultdict(list)
        for record_id in sorted(changed):
            wanted = ("clocks", *sorted(columns[record_id]))
            by_columns[wanted].append((*_stored(ent, changed[record_id], wanted), record_id))
        for wanted, rows in by_columns.items():
            conn.executemany(f"UPDATE {ent.table} SET {', '.join(f'{c} = ?' for c in wanted)} WHERE id = ?", rows)
        result.updated += len(changed)
    if ent.text_fields:
        index.add(ent, [ready[1] for ready in fresh.values() if ready[1] is not None])
        index.put_new(ent, [row for row in new_rows.values() if not row["deleted"]])
        index.replace(ent, [changed[i] for i in sorted(reindex)])


def _merge_op(ent: Entity, row: dict, groups: list, base, plain: list[str], result: MergeResult) -> set[str]:
    """Fold one operation into a decoded row; returns the names of the fields it changed."""
    clocks = row["clocks"]
    default = clocks.get("", "")
    changed: set[str] = set()
    mentioned: set[str] = set()
    for group in groups:
        if not isinstance(group, list) or len(group) != 2 or not isinstance(group[1], dict):
            raise UnknownOperation(f"{ent.name} field group")
        stamp, values = group
        if not isinstance(stamp, str):
            raise UnknownOperation(f"{ent.name} stamp")
        if stamp > result.max_stamp:
            result.max_stamp = stamp
        for name, value in values.items():
            mentioned.add(name)
            if stamp <= clocks.get(name, default):
                continue
            _set(ent, row, name, value)
            clocks[name] = stamp
            result.fields += 1
            changed.add(name)
    if base is not None:
        if not isinstance(base, str):
            raise UnknownOperation(f"{ent.name} base stamp")
        if base > result.max_stamp:
            result.max_stamp = base
        if not clocks:
            # A record first seen here: the base is exactly what the sender's "" clock says.
            clocks[""] = base
            default = base
            changed.add("")
        for name in (*plain, "deleted"):
            if name in mentioned or base <= clocks.get(name, default):
                continue
            row[name] = 0 if name == "deleted" else None
            clocks[name] = base
            changed.add(name)
    return changed


def _set(ent: Entity, row: dict, name: str, value) -> None:
    field_name, _, key = name.partition(".")
    if key and field_name in ent.maps:
        row[field_name][key] = value
    elif name == "deleted":
        row["deleted"] = 1 if value else 0
    elif name in ent.fields and name not in ent.maps:
        row[name] = value
    else:
        raise UnknownOperation(f"{ent.name}.{name}")


def _stored(ent: Entity, row: dict, cols: tuple[str, ...]) -> tuple:
    clocks = row["clocks"]
    default = clocks.get("", "")
    # Explicit clocks equal to the default say nothing; dropping them keeps rows small and
    # makes the same state serialise the same way on every device.
    compact = {k: v for k, v in clocks.items() if k == "" or v != default}
    # The common case (a record as created) without json.dumps; a stamp is hex and base32.
    simple = len(compact) == 1 and "" in compact and '"' not in default and "\\" not in default
    clocks_text = '{"":"' + default + '"}' if simple else None
    values = []
    for c in cols:
        if c == "clocks":
            values.append(clocks_text or json.dumps(compact, sort_keys=True, separators=(",", ":")))
        elif c in ent.maps:
            values.append(encode(ent, c, row[c]) or "{}")
        else:
            values.append(row[c])
    return tuple(values)
