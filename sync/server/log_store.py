"""The log: seq allocation under the head lock, push, pull and backfill.

Every writer of the log (push, grant markers) locks the single log_head row before it looks
at what is stored, and allocates seqs by advancing it; a transaction that writes the log takes
this lock before any other row lock it needs, so writers cannot deadlock. Writers therefore queue, and
each commits its seqs before the next can allocate any: seqs become visible in order, with no
gap that fills later. A reader that reads the head first and then the items at or below it
can never miss one, which is what makes the pull cursor safe. On SQLite the same holds because
a write transaction begins IMMEDIATE (one writer at a time).

Answers are cut at MAX_PULL_BYTES by looking at stored sizes first, so a pull never loads
more envelope bodies than it sends."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

from sqlalchemy import Connection, Engine, and_, func, insert, or_, select, update

from sync import protocol as p

from . import access, db, signatures
from .auth import Caller
from .errors import bad_request, conflict
from .ids import now_ms
from .models import BackfillVault, Envelope
from .schema import log, log_head, vault_member


def lock_head(conn: Connection) -> int:
    """Take the log's write lock; returns the last seq handed out."""
    return conn.execute(select(log_head.c.seq).where(log_head.c.id == 1).with_for_update()).scalar_one()


def advance_head(conn: Connection, n: int) -> int:
    """Hand out n seqs (the head lock must be held); returns the first."""
    last = conn.execute(update(log_head).where(log_head.c.id == 1).values(seq=log_head.c.seq + n)
                        .returning(log_head.c.seq)).scalar_one()
    return last - n + 1


def read_head(conn: Connection) -> int:
    return conn.execute(select(log_head.c.seq).where(log_head.c.id == 1)).scalar_one()


def push(engine: Engine, caller: Caller, envelopes: Sequence[Envelope]) -> tuple[list[dict], int]:
    """Store envelopes all-or-nothing; returns their seqs in request order and how many were
    already stored. Signatures are checked before the transaction, to keep the lock short."""
    digests = []
    for env in envelopes:
        statement = p.envelope_statement(env.vault, env.id, env.kv, caller.device_id, env.nonce, env.body)
        signatures.require(caller.sign_public, env.sig, statement, f"envelope {env.id}")
        digests.append(hashlib.sha256(statement).digest())
    if not envelopes:
        return [], 0
    now = now_ms()
    with db.write(engine) as conn:
        vaults = access.member_vaults(conn, caller, [env.vault for env in envelopes])
        for env in envelopes:
            if env.kv > vaults[env.vault].key_version:
                raise bad_request(f"envelope {env.id}: vault {env.vault} has no key version {env.kv}")
        lock_head(conn)
        known = _stored(conn, envelopes)
        fresh: dict[tuple[str, str], int] = {}  # first index in this request of each new envelope
        for i, (env, digest) in enumerate(zip(envelopes, digests, strict=True)):
            key = (env.vault, env.id)
            if key in known:
                earlier = known[key][1]
            elif key in fresh:
                earlier = digests[fresh[key]]
            else:
                fresh[key] = i
                continue
            if earlier != digest:
                raise conflict(f"envelope {env.id} of vault {env.vault} was stored with other content")
        if fresh:
            first = advance_head(conn, len(fresh))
            rows = []
            for n, (key, i) in enumerate(fresh.items()):
                known[key] = (first + n, digests[i])
                rows.append(_env_row(first + n, envelopes[i], digests[i], caller.device_id, now))
            conn.execute(insert(log), rows)
    return [known[(env.vault, env.id)][0] for env in envelopes], len(envelopes) - len(fresh)


def _stored(conn: Connection, envelopes: Sequence[Envelope]) -> dict[tuple[str, str], tuple[int, bytes]]:
    """(vault, id) → (seq, digest) of the request's envelopes that are stored already."""
    wanted = {(env.vault, env.id) for env in envelopes}
    rows = conn.execute(select(log.c.vault_id, log.c.env_id, log.c.seq, log.c.digest).where(
        log.c.vault_id.in_({v for v, _ in wanted}), log.c.env_id.in_({i for _, i in wanted})))
    return {(r.vault_id, r.env_id): (r.seq, r.digest) for r in rows if (r.vault_id, r.env_id) in wanted}


def _env_row(seq: int, env: Envelope, digest: bytes, device_id: str, now: int) -> dict:
    return {"seq": seq, "vault_id": env.vault, "kind": "env", "env_id": env.id, "kv": env.kv,
            "device_id": device_id, "nonce": env.nonce, "body": env.body, "sig": env.sig, "digest": digest,
            "size": len(env.body), "account_id": None, "count": None, "created_ms": now}


def pull(engine: Engine, caller: Caller, after: int, limit: int) -> dict:
    vm = vault_member
    with db.read(engine) as conn:
        head = read_head(conn)  # first: every seq at or below it is committed
        visible = and_(
            log.c.seq > after, log.c.seq <= head,
            or_(and_(log.c.kind == "env", log.c.seq > vm.c.granted_seq, log.c.device_id != caller.device_id),
                and_(log.c.kind == "grant", log.c.seq == vm.c.granted_seq)))
        meta = conn.execute(
            select(log.c.seq, log.c.size)
            .join_from(log, vm, access.current_member(caller.account_id, log.c.vault_id))
            .where(visible).order_by(log.c.seq).limit(limit + 1)).all()
        chosen, more = _take(meta, limit, p.MAX_PULL_BYTES, taken=0)
        items = _load(conn, [m.seq for m in chosen])
    return {"items": items, "next": chosen[-1].seq if more else head, "more": more, "head": head}


def backfill(engine: Engine, caller: Caller, wanted: Sequence[BackfillVault], limit: int) -> dict:
    chosen: list = []
    done: list[str] = []
    more = False
    with db.read(engine) as conn:
        head = read_head(conn)
        access.member_vaults(conn, caller, [v.id for v in wanted])
        budget = p.MAX_PULL_BYTES
        for v in wanted:
            room = limit - len(chosen)
            if room <= 0:
                more = True
                break
            meta = conn.execute(
                select(log.c.seq, log.c.size)
                .where(log.c.vault_id == v.id, log.c.kind == "env", log.c.seq > v.after,
                       log.c.seq < min(v.before, head + 1))
                .order_by(log.c.seq).limit(room + 1)).all()
            taken, cut = _take(meta, room, budget, taken=len(chosen))
            chosen += taken
            budget -= sum(m.size for m in taken)
            if cut:
                more = True
                break
            done.append(v.id)
        items = _load(conn, [m.seq for m in chosen])
    return {"items": items, "done": done, "more": more}


def _take(meta: Sequence, limit: int, budget: int, taken: int) -> tuple[list, bool]:
    """The first rows within `limit` items and `budget` bytes (at least one item per answer,
    whatever its size); and whether any row was left out."""
    chosen, used = [], 0
    for row in meta[:limit]:
        if (chosen or taken) and used + row.size > budget:
            return chosen, True
        chosen.append(row)
        used += row.size
    return chosen, len(meta) > limit


def _load(conn: Connection, seqs: list[int]) -> list[dict]:
    if not seqs:
        return []
    by_seq = {r.seq: r for r in conn.execute(select(log).where(log.c.seq.in_(seqs)))}
    return [_item(by_seq[seq]) for seq in seqs]  # in the caller's order (backfill: vault by vault)


def _item(row) -> dict:
    if row.kind == "grant":
        return {"seq": row.seq, "kind": "grant", "vault": row.vault_id, "count": row.count}
    return {"seq": row.seq, "kind": "env", "vault": row.vault_id, "id": row.env_id, "kv": row.kv,
            "device": row.device_id, "nonce": row.nonce, "body": row.body, "sig": row.sig}


def count_envelopes(conn: Connection, vault_id: str) -> int:
    return conn.execute(select(func.count()).select_from(log).where(
        log.c.vault_id == vault_id, log.c.kind == "env")).scalar_one()
