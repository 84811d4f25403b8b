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
from .errors import ApiError, bad_request, conflict
from .ids import now_ms
from .models import BackfillVault, Envelope
from .schema import log, log_head, vault_member


def lock_head(conn: Connection) -> int:
    """Take the log's write lock; returns the last seq handed out."""
    return conn.execute(select(log_head.c.seq).where(log_head.c.id == 1).with_for_update()).scalar_one()


def append(conn: Connection, rows: list[dict], entries: list[bytes]) -> int:
    """Append entries to the log (the head lock must be held): each row gets the next seq and its
    chain value (protocol.log_link over the chain before it and its entry digest), and the head
    moves to the last. Returns the first seq. Every writer of the log goes through here, so the
    chain has no gap."""
    head = conn.execute(select(log_head.c.seq, log_head.c.chain).where(log_head.c.id == 1)).one()
    seq, chain = head.seq, head.chain
    for row, entry in zip(rows, entries, strict=True):
        seq += 1
        chain = p.log_link(chain, seq, entry)
        row["seq"], row["chain"] = seq, chain
    conn.execute(update(log_head).where(log_head.c.id == 1).values(seq=seq, chain=chain))
    conn.execute(insert(log), rows)
    return head.seq + 1


def read_head(conn: Connection) -> int:
    return conn.execute(select(log_head.c.seq).where(log_head.c.id == 1)).scalar_one()


def head_state(conn: Connection) -> tuple[str, int, bytes]:
    """(epoch, seq, chain) of the log's head."""
    row = conn.execute(select(log_head.c.epoch, log_head.c.seq, log_head.c.chain).where(log_head.c.id == 1)).one()
    return row.epoch, row.seq, row.chain


def chains_at(conn: Connection, seqs: Sequence[int], head: int) -> dict[int, bytes]:
    """The chain at each seq the log holds (0 is the genesis); seqs beyond the head are left out."""
    found = {0: p.LOG_GENESIS} if 0 in seqs else {}
    wanted = sorted({s for s in seqs if 0 < s <= head})
    for start in range(0, len(wanted), 500):
        found.update((r.seq, r.chain) for r in conn.execute(
            select(log.c.seq, log.c.chain).where(log.c.seq.in_(wanted[start:start + 500]))))
    return found


def head_json(conn: Connection) -> dict:
    epoch, seq, chain = head_state(conn)
    return {"epoch": epoch, "head": seq, "chain": chain}


def push(engine: Engine, caller: Caller, envelopes: Sequence[Envelope]) -> dict:
    """Store envelopes all-or-nothing; answers their seqs in request order, how many were already
    stored, the chain before and at each, and the log's head. Signatures are checked before the
    transaction, to keep the lock short."""
    digests = []
    now = now_ms()
    for env in envelopes:
        statement = p.envelope_statement(env.vault, env.id, env.kv, caller.device_id, env.ms, env.nonce, env.body)
        signatures.require(caller.sign_public, env.sig, statement, f"envelope {env.id}")
        digests.append(hashlib.sha256(statement).digest())
        if env.ms > now + p.MAX_STAMP_AHEAD_MS:
            # A stamp far ahead would drag every receiver's clock with it: refused before it is kept.
            raise ApiError(400, p.E_STAMP_AHEAD, f"envelope {env.id}: its latest stamp is {env.ms - now} ms ahead of "
                                                 f"the store's clock (at most {p.MAX_STAMP_AHEAD_MS})")
    if not envelopes:
        with db.read(engine) as conn:
            return {"seqs": [], "duplicates": 0, "prevs": [], "chains": [], "log": head_json(conn)}
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
            rows = [_env_row(envelopes[i], digests[i], caller.device_id, now) for i in fresh.values()]
            append(conn, rows, [digests[i] for i in fresh.values()])
            for key, row in zip(fresh, rows, strict=True):
                known[key] = (row["seq"], row["digest"])
        seqs = [known[(env.vault, env.id)][0] for env in envelopes]
        chains = chains_at(conn, [s for seq in seqs for s in (seq - 1, seq)], max(seqs))
        answer = {"seqs": seqs, "duplicates": len(envelopes) - len(fresh),
                  "prevs": [chains[s - 1] for s in seqs], "chains": [chains[s] for s in seqs],
                  "log": head_json(conn)}
    return answer


def _stored(conn: Connection, envelopes: Sequence[Envelope]) -> dict[tuple[str, str], tuple[int, bytes]]:
    """(vault, id) → (seq, digest) of the request's envelopes that are stored already."""
    wanted = {(env.vault, env.id) for env in envelopes}
    rows = conn.execute(select(log.c.vault_id, log.c.env_id, log.c.seq, log.c.digest).where(
        log.c.vault_id.in_({v for v, _ in wanted}), log.c.env_id.in_({i for _, i in wanted})))
    return {(r.vault_id, r.env_id): (r.seq, r.digest) for r in rows if (r.vault_id, r.env_id) in wanted}


def _env_row(env: Envelope, digest: bytes, device_id: str, now: int) -> dict:
    return {"vault_id": env.vault, "kind": "env", "env_id": env.id, "kv": env.kv,
            "device_id": device_id, "nonce": env.nonce, "body": env.body, "sig": env.sig, "digest": digest,
            "size": len(env.body), "stamp_ms": env.ms, "account_id": None, "count": None, "created_ms": now}


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
        following = chosen[-1].seq if more else head
        epoch = conn.scalar(select(log_head.c.epoch).where(log_head.c.id == 1))
        chain = chains_at(conn, [following], head)[following]
    return {"items": items, "next": following, "more": more, "head": head, "epoch": epoch, "chain": chain}


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
            "ms": row.stamp_ms or 0, "device": row.device_id, "nonce": row.nonce, "body": row.body, "sig": row.sig}


def count_envelopes(conn: Connection, vault_id: str) -> int:
    return conn.execute(select(func.count()).select_from(log).where(
        log.c.vault_id == vault_id, log.c.kind == "env")).scalar_one()
