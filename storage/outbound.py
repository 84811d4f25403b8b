"""What this device has to send: captured changes turned into record operations.

A change row names fields, not values; the values and their stamps are read from the record
when the batch is built, which is what last-writer-wins needs (a later local edit simply goes
out with its later stamp). Operations (documented in `sync.client.codec`):

    ["r", entity, id, [[stamp, {field: value}], ...], base]
    ["a", entity, id, stamp, {field: value}]

``base`` is given when the record's creation has not been sent yet: every field the operation
does not name holds null (or 0 for ``deleted``) at that stamp. A record's state is then
reproduced exactly on the receiver, without sending a null for every empty field.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass

from storage import hlc
from storage.records import ALL_FIELDS
from storage.schema import Entity, entity

MAX_OPS = 2000
_CHUNK = 500


@dataclass
class Batch:
    vault_id: str
    ops: list
    change_seqs: list[int]

    @property
    def stamp_ms(self) -> int:
        """The physical time of the latest stamp in the batch: declared, signed, in clear on the
        envelope, so the store can refuse a stamp far ahead of its clock without reading it."""
        return latest_ms(self.ops)


def latest_ms(ops: list) -> int:
    """The physical time of the latest well-formed stamp among these operations (0 for none)."""
    return max((hlc.stamp_millis(s) for op in ops for s in stamps(op) if hlc.valid_stamp(s)), default=0)


def stamps(op) -> Iterator:
    """Every stamp an operation carries (as sent: the gate judges their form)."""
    if not isinstance(op, list) or len(op) != 5:
        return
    if op[0] == "a":
        yield op[3]
        return
    for group in op[3] if isinstance(op[3], list) else ():
        if isinstance(group, list) and group:
            yield group[0]
    if op[4] is not None:
        yield op[4]


def pending_vaults(conn) -> list[str]:
    return [r[0] for r in conn.execute(
        "SELECT DISTINCT vault_id FROM change WHERE pushed = 0 AND envelope_id IS NULL")]


def unsent_vaults(conn) -> list[str]:
    """Vaults with any change the store has not acknowledged (sealed in the outbox or not)."""
    return [r[0] for r in conn.execute("SELECT DISTINCT vault_id FROM change WHERE pushed = 0")]


def unsent_summary(conn) -> tuple[int, str | None, str | None]:
    """How many changes the store has not acknowledged, with the oldest and newest stamp."""
    count, oldest, newest = conn.execute("SELECT count(*), min(stamp), max(stamp) FROM change WHERE pushed = 0").fetchone()
    return int(count), oldest, newest


def batches(conn, vault_ids, max_ops: int = MAX_OPS, *, sealed_too: bool = False) -> Iterator[Batch]:
    """Batches of at most ``max_ops`` operations for each of these vaults' unsealed changes
    (``sealed_too``: every change not acknowledged, those in the outbox included)."""
    unsealed = "" if sealed_too else " AND envelope_id IS NULL"
    for vault_id in vault_ids:
        rows = conn.execute(
            "SELECT seq, entity, entity_id, fields FROM change "
            f"WHERE vault_id = ? AND pushed = 0{unsealed} ORDER BY seq", (vault_id,)).fetchall()
        # One operation per record, carrying every field any of its changes named.
        wanted: dict[tuple[str, str], set[str]] = {}
        seqs: dict[tuple[str, str], list[int]] = defaultdict(list)
        for seq, ent_name, record_id, fields in rows:
            key = (ent_name, record_id)
            wanted.setdefault(key, set()).update(fields.split(","))
            seqs[key].append(seq)
        ops: list = []
        op_seqs: list[int] = []
        for ent_name, keys in _by_entity(wanted).items():
            ent = entity(ent_name)
            for record in _records(conn, ent, keys):
                key = (ent_name, record["id"])
                ops.append(_operation(ent, record, wanted[key]))
                op_seqs.extend(seqs[key])
                if len(ops) >= max_ops:
                    yield Batch(vault_id, ops, op_seqs)
                    ops, op_seqs = [], []
        if ops:
            yield Batch(vault_id, ops, op_seqs)


def _by_entity(wanted) -> dict[str, list[str]]:
    grouped: dict[str, list[str]] = defaultdict(list)
    for ent_name, record_id in wanted:
        grouped[ent_name].append(record_id)
    return grouped


def _records(conn, ent: Entity, ids: list[str]) -> Iterator[dict]:
    cols = ent.columns
    for start in range(0, len(ids), _CHUNK):
        chunk = ids[start:start + _CHUNK]
        sql = f"SELECT {', '.join(cols)} FROM {ent.table} WHERE id IN ({','.join('?' * len(chunk))})"
        for row in conn.execute(sql, chunk).fetchall():
            record = dict(zip(cols, row, strict=True))
            if not ent.append_only:
                for name in ent.maps:
                    record[name] = json.loads(record[name]) if record[name] else {}
            yield record


def _operation(ent: Entity, record: dict, fields: set[str]) -> list:
    if ent.append_only:
        values = {f: record[f] for f in ent.fields if record[f] is not None}
        return ["a", ent.name, record["id"], record["stamp"], values]
    clocks = json.loads(record["clocks"])
    # A record first seen here through field groups alone (an imported unsent file's record
    # created and changed before it was ever sent) has no base: it goes without one, and a field
    # no group ever set is not sent (an empty stamp is malformed and every gate refuses it).
    base_stamp = clocks.get("")
    full = ALL_FIELDS in fields
    names: list[str] = []
    for name in ent.fields if full else ():
        if name in ent.maps:
            names.extend(f"{name}.{key}" for key in record[name])
        else:
            names.append(name)
    if full:
        names.append("deleted")
    else:
        names = sorted(fields)
    groups: dict[str, dict] = {}
    for name in names:
        stamp = clocks.get(name, base_stamp)
        if stamp is None:
            continue
        value = _value(ent, record, name)
        if full and stamp == base_stamp and _implied(name, value):
            continue
        groups.setdefault(stamp, {})[name] = value
    return ["r", ent.name, record["id"], [[s, v] for s, v in groups.items()], base_stamp if full else None]


def _implied(name: str, value) -> bool:
    """A plain field the base already says: null, or not deleted. Map keys are always sent, so
    a key holding null stays a key on the receiver too."""
    if name == "deleted":
        return not value
    return value is None and "." not in name


def _value(ent: Entity, record: dict, name: str):
    field, _, key = name.partition(".")
    if key and field in ent.maps:
        return record[field].get(key)
    return record[name]
