"""The audit log: who viewed or changed which household, and when.

Rows form a hash chain: each row's hash covers its own fields and the previous row's hash,
and the newest hash is also kept in ``meta``. Editing a row breaks its hash, deleting one
breaks the chain or the sequence, and cutting rows off the end no longer matches the head.
`verify` names the first row where it goes wrong. Rows are written in the same transaction
as the action they describe.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import UTC, datetime

GENESIS = "0" * 64
HEAD_KEY = "audit_head"


@dataclass(frozen=True)
class AuditEntry:
    seq: int
    at: str
    actor: str
    action: str
    entity: str | None
    entity_id: str | None
    household_id: str | None
    detail: str | None


def _digest(prev: str, seq: int, at: str, actor: str, action: str, entity, entity_id, household_id, detail) -> str:
    body = json.dumps(
        [seq, at, actor, action, entity, entity_id, household_id, detail],
        ensure_ascii=False,
        separators=(",", ":"),
    )
    return hashlib.sha256((prev + body).encode("utf-8")).hexdigest()


def _head(conn) -> tuple[int, str]:
    row = conn.execute("SELECT value FROM meta WHERE key = ?", (HEAD_KEY,)).fetchone()
    if row is None:
        return 0, GENESIS
    seq, digest = row[0].split(":", 1)
    return int(seq), digest


def append(
    conn,
    *,
    actor: str,
    action: str,
    entity: str | None = None,
    entity_id: str | None = None,
    household_id: str | None = None,
    detail: str | None = None,
    at: str | None = None,
) -> int:
    """Add one entry; the caller's transaction makes it atomic with the action."""
    seq, prev = _head(conn)
    seq += 1
    at = at or datetime.now(UTC).isoformat(timespec="seconds")
    digest = _digest(prev, seq, at, actor, action, entity, entity_id, household_id, detail)
    conn.execute(
        "INSERT INTO audit (seq, at, actor, action, entity, entity_id, household_id, detail, hash) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (seq, at, actor, action, entity, entity_id, household_id, detail, digest),
    )
    conn.execute(
        "INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        (HEAD_KEY, f"{seq}:{digest}"),
    )
    return seq


def append_many(conn, rows: list[dict], at: str | None = None) -> None:
    """Several entries at once (a sync page touching many households): the same chain, one
    read and one write of its head."""
    if not rows:
        return
    seq, prev = _head(conn)
    at = at or datetime.now(UTC).isoformat(timespec="seconds")
    values = []
    for row in rows:
        seq += 1
        what = (row["actor"], row["action"], row.get("entity"), row.get("entity_id"), row.get("household_id"),
                row.get("detail"))
        prev = _digest(prev, seq, at, *what)
        values.append((seq, at, *what, prev))
    conn.executemany(
        "INSERT INTO audit (seq, at, actor, action, entity, entity_id, household_id, detail, hash) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", values)
    conn.execute(
        "INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        (HEAD_KEY, f"{seq}:{prev}"),
    )


def verify(conn) -> list[str]:
    """Problems found in the chain, in Japanese for `yorisoi check`; empty when it is intact."""
    problems: list[str] = []
    prev = GENESIS
    expected = 1
    for seq, at, actor, action, entity, entity_id, household_id, detail, digest in conn.execute(
        "SELECT seq, at, actor, action, entity, entity_id, household_id, detail, hash FROM audit ORDER BY seq"
    ):
        if seq != expected:
            problems.append(f"{expected}〜{seq - 1} 番の記録が欠けています")
            return problems
        if _digest(prev, seq, at, actor, action, entity, entity_id, household_id, detail) != digest:
            problems.append(f"{seq} 番の記録が書き換えられています")
            return problems
        prev = digest
        expected += 1
    head_seq, head_digest = _head(conn)
    if head_seq != expected - 1 or head_digest != prev:
        problems.append(f"記録は {expected - 1} 番で終わっていますが、最後の記録は {head_seq} 番のはずです")
    return problems


def entries(conn, household_id: str | None = None, limit: int = 200) -> list[AuditEntry]:
    sql = "SELECT seq, at, actor, action, entity, entity_id, household_id, detail FROM audit"
    params: tuple = ()
    if household_id is not None:
        sql += " WHERE household_id = ?"
        params = (household_id,)
    sql += " ORDER BY seq DESC LIMIT ?"
    return [AuditEntry(*row) for row in conn.execute(sql, (*params, limit))]
