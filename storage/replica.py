"""The store as a sync replica: the tables of schema 3 behind the interface the sync engine
uses (`sync.client.local.Local`), each multi-step change in one transaction.

Secrets (device keys, the token, vault keys) stay inside the encrypted database. Sync state
lives in ``meta`` under ``sync.``; the application decides what the keys mean.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

import msgpack

from storage import atomic, audit, hlc, merge, outbound, purge
from storage.gate import Gate, Signer, StepRefusal
from storage.schema import ENTITIES, entity
from storage.store import Store

STATE_PREFIX = "sync."
SHARED_TABLES = tuple(e.table for e in ENTITIES.values() if e.household_key is None)
SHARED_KINDS = ("directory", "resources", "meetings")


@dataclass(frozen=True)
class VaultRow:
    vault_id: str
    kind: str
    registered: bool
    key_version: int
    backfill_after: int = 0
    backfill_before: int | None = None


@dataclass(frozen=True)
class HeldRow:
    seq: int
    vault: str
    item: bytes
    reason: str
    author: str = ""
    detail: str = ""


# Envelopes kept aside that wait for something still to come (their key, their author's device
# entry) and are tried at every sync. Any other reason is a refusal: quarantined.
WAITING = ("key", "author", "released")


@dataclass(frozen=True)
class Quarantined:
    seq: int
    vault: str
    author: str
    login: str
    reason: str
    detail: str
    at: str


@dataclass(frozen=True)
class GateRules:
    """What the gate needs from above: how far ahead of the store's clock a stamp may be
    (sync.protocol), and the lifecycle's rule for a received step (app.lifecycle)."""

    stamp_ahead_ms: int
    max_offset_ms: int  # the most the store's time may correct this device's clock by
    step_refusal: StepRefusal | None = None


@dataclass
class ApplyResult:
    households: set[str] = field(default_factory=set)
    shared: bool = False
    records: int = 0
    fields: int = 0
    held: int = 0


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


class Replica:
    def __init__(self, store: Store, shared_vaults: dict[str, str], actor: str = "-", *, rules: GateRules,
                 gate: bool = True) -> None:
        """``shared_vaults``: kind → this device's vault id of each shared vault. ``gate=False``
        exists only to measure what the gate costs (bench.sync): nothing received is ever
        merged without it."""
        self.store = store
        self.shared_vaults = dict(shared_vaults)
        self.actor = actor
        self.rules = rules
        self.gate = gate

    @property
    def conn(self):
        return self.store.connection()

    # -- state ---------------------------------------------------------------------------

    def state(self) -> dict[str, str]:
        rows = self.conn.execute("SELECT key, value FROM meta WHERE key >= ? AND key < ?",
                                 (STATE_PREFIX, STATE_PREFIX[:-1] + "/"))
        return {key[len(STATE_PREFIX):]: value for key, value in rows}

    def save_state(self, values: dict[str, str | None]) -> None:
        with self.store.write() as records:
            self._put_state(records.conn, values)

    @staticmethod
    def _put_state(conn, values: dict[str, str | None]) -> None:
        for key, value in values.items():
            if value is None:
                conn.execute("DELETE FROM meta WHERE key = ?", (STATE_PREFIX + key,))
            else:
                conn.execute("INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE "
                             "SET value = excluded.value", (STATE_PREFIX + key, value))

    # -- vaults and keys -----------------------------------------------------------------

    def kind_of(self, vault_id: str) -> str | None:
        for kind, vid in self.shared_vaults.items():
            if vid == vault_id:
                return kind
        row = self.conn.execute("SELECT 1 FROM household WHERE vault_id = ? LIMIT 1", (vault_id,)).fetchone()
        return "household" if row else None

    def _registered(self, vault_ids) -> set[str]:
        ids = list(vault_ids)
        found: set[str] = set()
        for start in range(0, len(ids), 500):
            chunk = ids[start:start + 500]
            found.update(r[0] for r in self.conn.execute(
                f"SELECT vault_id FROM sync_vault WHERE registered = 1 AND vault_id IN ({','.join('?' * len(chunk))})",
                chunk))
        return found

    def unregistered(self) -> list[tuple[str, str]]:
        """Vaults holding changes made here, and the shared vaults, that the central store does
        not know yet."""
        pending = outbound.pending_vaults(self.conn)
        known = self._registered([*pending, *self.shared_vaults.values()])
        out = [(vid, kind) for kind, vid in self.shared_vaults.items() if vid not in known]
        known.update(vid for vid, _ in out)
        for vault_id in pending:
            if vault_id in known:
                continue
            kind = self.kind_of(vault_id)
            if kind is not None:
                out.append((vault_id, kind))
        return out

    def sendable(self) -> dict[str, int]:
        """Registered vaults with changes waiting to be sealed, and their key versions."""
        return {r[0]: r[1] for r in self.conn.execute(
            "SELECT v.vault_id, v.key_version FROM sync_vault AS v WHERE v.registered = 1 AND EXISTS "
            "(SELECT 1 FROM change AS c WHERE c.vault_id = v.vault_id AND c.pushed = 0 AND c.envelope_id IS NULL) "
            # The shared vaults first: a receiver learns a staff record before what it wrote.
            "ORDER BY v.kind = 'household', v.vault_id")}

    def backfills(self) -> dict[str, VaultRow]:
        """Vaults whose history before this account joined is still to be fetched."""
        return {row[0]: VaultRow(row[0], row[1], bool(row[2]), row[3], row[4], row[5]) for row in self.conn.execute(
            "SELECT vault_id, kind, registered, key_version, backfill_after, backfill_before FROM sync_vault "
            "WHERE backfill_before IS NOT NULL")}

    def mark_registered(self, vaults: Iterable[tuple[str, str, int]]) -> None:
        """(vault, kind, key version) of vaults the store now knows."""
        with self.store.write() as records:
            records.conn.executemany(
                "INSERT INTO sync_vault (vault_id, kind, registered, key_version) VALUES (?, ?, 1, ?) "
                "ON CONFLICT (vault_id) DO UPDATE SET registered = 1, kind = excluded.kind, "
                "key_version = max(key_version, excluded.key_version)", list(vaults))

    def adopt_shared(self, kind: str, vault_id: str) -> None:
        """Move this device's own records of a shared vault into the organisation's one (the
        office registered it first); their changes go out under the organisation's id."""
        old = self.shared_vaults.get(kind)
        if old == vault_id:
            return
        with self.store.write() as records:
            if old:
                for table in SHARED_TABLES:
                    records.conn.execute(f"UPDATE {table} SET vault_id = ? WHERE vault_id = ?", (vault_id, old))
                records.conn.execute("UPDATE change SET vault_id = ? WHERE vault_id = ?", (vault_id, old))
                records.conn.execute("DELETE FROM sync_vault WHERE vault_id = ?", (old,))
            records.conn.execute("INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE "
                                 "SET value = excluded.value", (f"vault.{kind}", vault_id))
        self.shared_vaults[kind] = vault_id

    def vault_key(self, vault_id: str, key_version: int) -> bytes | None:
        row = self.conn.execute("SELECT key FROM sync_key WHERE vault_id = ? AND key_version = ?",
                                (vault_id, key_version)).fetchone()
        return bytes(row[0]) if row else None

    def vault_keys(self) -> dict[tuple[str, int], bytes]:
        return {(r[0], r[1]): bytes(r[2]) for r in self.conn.execute("SELECT vault_id, key_version, key FROM sync_key")}

    def save_keys(self, keys: Iterable[tuple[str, int, bytes, str]], state: dict[str, str | None], *,
                  registered: bool = True) -> None:
        """Vault keys (vault, version, key, kind) with the key cursor, at once. Keys received
        from the store belong to registered vaults; a key made here for a vault not yet
        registered is kept first (``registered=False``) so a retry reuses it."""
        with self.store.write() as records:
            conn = records.conn
            conn.executemany("INSERT OR IGNORE INTO sync_key (vault_id, key_version, key) VALUES (?, ?, ?)",
                             [(v, version, key) for v, version, key, _ in keys])
            conn.executemany(
                "INSERT INTO sync_vault (vault_id, kind, registered, key_version) VALUES (?, ?, ?, ?) "
                "ON CONFLICT (vault_id) DO UPDATE SET registered = max(registered, excluded.registered), "
                "key_version = max(key_version, excluded.key_version)",
                [(v, kind, int(registered), version) for v, version, _, kind in keys])
            self._put_state(conn, state)

    def save_devices(self, devices: list[dict]) -> None:
        with self.store.write() as records:
            records.conn.execute("DELETE FROM sync_device")
            records.conn.executemany(
                "INSERT INTO sync_device (device_id, account_id, login, role, name, status, box_public, "
                "sign_public, signature, verified, created_ms) VALUES (:id, :account_id, :login, :role, :name, "
                ":status, :box_public, :sign_public, :signature, :verified, :created_ms)", devices)

    def devices(self) -> dict[str, dict]:
        cols = ("id", "account_id", "login", "role", "name", "status", "box_public", "sign_public", "signature",
                "verified", "created_ms")
        rows = self.conn.execute(
            "SELECT device_id, account_id, login, role, name, status, box_public, sign_public, signature, verified, "
            "created_ms FROM sync_device")
        return {row[0]: dict(zip(cols, row, strict=True)) for row in rows}

    # -- membership (statements verified by the sync engine) ------------------------------

    def save_statements(self, origins: list[tuple], holdings: list[tuple], state: dict[str, str | None]) -> None:
        """Verified creations (vault, kind, device, login, signature) and grants or removals
        (vault, login, action, serial, device, signature), with the cursor. Per vault and login
        the statement with the highest serial is kept; at equal serials a removal."""
        with self.store.write() as records:
            conn = records.conn
            conn.executemany("INSERT OR IGNORE INTO sync_vault_origin (vault_id, kind, device_id, login, signature) "
                             "VALUES (?, ?, ?, ?, ?)", origins)
            conn.executemany(
                "INSERT INTO sync_membership (vault_id, login, action, serial, device_id, signature) "
                "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (vault_id, login) DO UPDATE SET action = excluded.action, "
                "serial = excluded.serial, device_id = excluded.device_id, signature = excluded.signature "
                "WHERE excluded.serial > serial OR (excluded.serial = serial AND excluded.action = 'remove')",
                holdings)
            self._put_state(conn, state)

    def vault_origin(self, vault_id: str) -> tuple[str, str, str] | None:
        """(kind, creator device, creator login) of a vault, as its creator signed it."""
        row = self.conn.execute("SELECT kind, device_id, login FROM sync_vault_origin WHERE vault_id = ?",
                                (vault_id,)).fetchone()
        return (row[0], row[1], row[2]) if row else None

    def holding(self, vault_id: str, login: str) -> tuple[str, int] | None:
        """(action, serial) of the grant or removal that holds for a login in a vault."""
        row = self.conn.execute("SELECT action, serial FROM sync_membership WHERE vault_id = ? AND login = ?",
                                (vault_id, login)).fetchone()
        return (row[0], row[1]) if row else None

    def member_vaults(self, login: str) -> list[str]:
        """Household vaults a login is a member of by the statements known here: granted, or
        created by its device and not removed since."""
        return [r[0] for r in self.conn.execute(
            "SELECT vault_id FROM sync_membership WHERE login = ? AND action = 'grant' "
            "UNION SELECT o.vault_id FROM sync_vault_origin AS o WHERE o.login = ? AND o.kind = 'household' "
            "AND NOT EXISTS (SELECT 1 FROM sync_membership AS m WHERE m.vault_id = o.vault_id AND m.login = ?)",
            (login, login, login))]

    def vault_members(self, vault_id: str) -> list[str]:
        """Logins a household vault has by the statements known here (the office accounts,
        members by the organisation's standing rule, are not listed)."""
        return sorted(r[0] for r in self.conn.execute(
            "SELECT login FROM sync_membership WHERE vault_id = ? AND action = 'grant' "
            "UNION SELECT o.login FROM sync_vault_origin AS o WHERE o.vault_id = ? AND NOT EXISTS "
            "(SELECT 1 FROM sync_membership AS m WHERE m.vault_id = o.vault_id AND m.login = o.login)",
            (vault_id, vault_id)))

    def removed_here(self, login: str) -> list[str]:
        """Vaults this device still holds something of although its login was removed."""
        return [r[0] for r in self.conn.execute(
            "SELECT m.vault_id FROM sync_membership AS m WHERE m.login = ? AND m.action = 'remove' AND "
            "(EXISTS (SELECT 1 FROM sync_vault AS v WHERE v.vault_id = m.vault_id) OR "
            "EXISTS (SELECT 1 FROM household AS h WHERE h.vault_id = m.vault_id))", (login,))]

    def keep_file(self, name: str, data: bytes) -> str:
        """A file beside the profile (a sealed file of unsent changes), on disk before anything
        it saves is deleted; returns its path."""
        target = self.store.path.parent / name
        atomic.write_bytes(target, data)
        return str(target)

    def purge(self, vault_id: str) -> set[str]:
        """Forget a household vault entirely (storage.purge); returns its household ids."""
        with self.store.write() as records:
            households = purge.purge_vault(records, vault_id)
            audit.append_many(records.conn, [{"actor": self.actor, "action": "sync.purge", "household_id": h}
                                             for h in sorted(households)])
        return households

    # -- push ----------------------------------------------------------------------------

    def outbox(self) -> list[dict]:
        return [{"vault": r[0], "id": r[1], "kv": r[2], "ms": r[6], "nonce": bytes(r[3]), "body": bytes(r[4]),
                 "sig": bytes(r[5])} for r in self.conn.execute(
                    "SELECT vault_id, envelope_id, key_version, nonce, body, sig, stamp_ms FROM sync_outbox "
                    "ORDER BY rowid")]

    def batches(self, vault_ids: Iterable[str]) -> Iterator[outbound.Batch]:
        return outbound.batches(self.conn, list(vault_ids))

    def stage(self, envelope: dict, change_seqs: list[int]) -> None:
        """An envelope built from these changes is kept until the store acknowledges it."""
        with self.store.write() as records:
            conn = records.conn
            conn.execute(
                "INSERT INTO sync_outbox (envelope_id, vault_id, key_version, nonce, body, sig, changes, created_at, "
                "stamp_ms) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (envelope["id"], envelope["vault"], envelope["kv"], envelope["nonce"], envelope["body"],
                 envelope["sig"], len(change_seqs), _now(), envelope["ms"]))
            for start in range(0, len(change_seqs), 500):
                chunk = change_seqs[start:start + 500]
                conn.execute(f"UPDATE change SET envelope_id = ? WHERE seq IN ({','.join('?' * len(chunk))})",
                             (envelope["id"], *chunk))

    def acknowledge(self, envelope_ids: list[str], seqs: list[int] | None = None,
                    state: dict[str, str | None] | None = None) -> None:
        """The store holds these envelopes (at these seqs): their changes are sent, and which
        envelope got which seq is remembered, in case the store later loses them."""
        with self.store.write() as records:
            conn = records.conn
            for envelope_id in envelope_ids:
                conn.execute("UPDATE change SET pushed = 1 WHERE envelope_id = ?", (envelope_id,))
                conn.execute("DELETE FROM sync_outbox WHERE envelope_id = ?", (envelope_id,))
            if seqs is not None:
                conn.executemany(
                    "INSERT INTO sync_sent (envelope_id, vault_id, seq) SELECT ?, vault_id, ? FROM change "
                    "WHERE envelope_id = ? LIMIT 1 ON CONFLICT (envelope_id) DO UPDATE SET seq = excluded.seq",
                    [(e, s, e) for e, s in zip(envelope_ids, seqs, strict=True)])
            self._put_state(conn, state or {})

    def rewind(self, common: int, office: bool) -> int:
        """The store no longer holds its log past ``common``: every change this device sent in an
        envelope past it is to be sealed and sent again, what was held from past it is dropped
        (it will come again, if it still exists), history to backfill from a lost membership is
        forgotten, and vaults with changes to resend are registered again (registering is
        idempotent). Returns how many envelopes are to be sent again."""
        with self.store.write() as records:
            conn = records.conn
            lost = [r[0] for r in conn.execute("SELECT envelope_id FROM sync_sent WHERE seq > ?", (common,))]
            for start in range(0, len(lost), 500):
                chunk = lost[start:start + 500]
                marks = ",".join("?" * len(chunk))
                conn.execute(f"UPDATE change SET pushed = 0, envelope_id = NULL WHERE envelope_id IN ({marks})", chunk)
                conn.execute(f"DELETE FROM sync_sent WHERE envelope_id IN ({marks})", chunk)
            conn.execute("DELETE FROM sync_held WHERE seq > ?", (common,))
            conn.execute("UPDATE sync_vault SET backfill_before = NULL, backfill_after = 0 WHERE backfill_before > ?",
                         (common,))
            kinds = ("household", *(SHARED_KINDS if office else ()))
            conn.execute(
                f"UPDATE sync_vault SET registered = 0 WHERE kind IN ({','.join('?' * len(kinds))}) AND vault_id IN "
                "(SELECT DISTINCT vault_id FROM change WHERE pushed = 0 AND envelope_id IS NULL)", kinds)
            if office:
                conn.execute(f"UPDATE sync_vault SET registered = 0 WHERE kind IN ({','.join('?' * len(SHARED_KINDS))})",
                             SHARED_KINDS)
        return len(lost)

    # -- what was never acknowledged (a revoked device's, or a report of it) -------------

    def unsent_summary(self) -> tuple[int, int | None, int | None]:
        """How many changes the store has not acknowledged, and their span (ms): numbers only."""
        count, oldest, newest = outbound.unsent_summary(self.conn)
        if not count:
            return 0, None, None
        return count, hlc.stamp_millis(oldest), hlc.stamp_millis(newest)

    def unsent_operations(self, vault_ids: list[str] | None = None) -> list[dict]:
        """Every change the store has not acknowledged (of these vaults only, if given), as
        record operations per vault (those sealed in the outbox included: their vault key may be
        one the office lacks)."""
        out: dict[str, dict] = {}
        vaults = outbound.unsent_vaults(self.conn)
        if vault_ids is not None:
            vaults = [v for v in vaults if v in set(vault_ids)]
        for batch in outbound.batches(self.conn, vaults, sealed_too=True):
            doc = out.setdefault(batch.vault_id, {"vault": batch.vault_id, "kind": self.kind_of(batch.vault_id)
                                                  or "household", "ops": []})
            doc["ops"].extend(batch.ops)
        return list(out.values())

    def merge_as_own(self, received: list) -> ApplyResult:
        """Merge operations another device could not send (an imported unsent file) through the
        same path as a pull, and capture every record they touched as this device's change, so
        they go out at the next sync with their original stamps. One transaction."""
        with self.store.write() as records:
            applied = self.apply(received, [], {}, {})
            rows = []
            for item in received:
                for op in item.ops:
                    if not (isinstance(op, list) and len(op) > 2 and op[1] in ENTITIES and isinstance(op[2], str)):
                        continue  # what merge could not apply was kept aside by it
                    ent = entity(op[1])
                    found = records.conn.execute(f"SELECT vault_id FROM {ent.table} WHERE id = ?", (op[2],)).fetchone()
                    if found:
                        rows.append((self.store.clock.tick(), ent.name, op[2], found[0], outbound.ALL_FIELDS))
            records.conn.executemany(
                "INSERT INTO change (stamp, entity, entity_id, vault_id, fields) VALUES (?, ?, ?, ?, ?)", rows)
        return applied

    # -- pull ----------------------------------------------------------------------------

    @staticmethod
    def prepare(received: list) -> dict[int, tuple]:
        """What can be computed for a page before it is merged, without the database (any
        thread): the rows and search documents of records it creates (`storage.merge.prepare`)."""
        return merge.prepare([(i.vault, i.author, i.ops) for i in received])

    def apply(self, received: list, held: list, state: dict[str, str | None],
              backfill: dict[str, tuple[int, int | None]], release: list[int] = (),
              prepared: dict[int, tuple] | None = None) -> ApplyResult:
        """Judge opened envelopes at the gate and merge those it admits, keep the others aside
        (waiting, or quarantined), move the cursors and forget envelopes held earlier that are
        now settled (``release``), all in one transaction: a sync cut halfway leaves no
        half-checked page.

        The page is merged in bulk; if some envelope cannot be applied by this version, the bulk
        work is rolled back and the page is merged envelope by envelope, setting that one aside."""
        held = list(held)
        with self.store.write() as records:
            conn = records.conn
            conn.executemany("DELETE FROM sync_held WHERE seq = ?", [(seq,) for seq in release])
            gate, stored = None, None
            if self.gate:
                gate = self._gate(conn, received, held)
                verdicts = gate.page(received)
                received = verdicts.admitted
                held += [HeldRow(item.seq, item.vault, msgpack.packb(item.raw, use_bin_type=True), reason,
                                 item.author, detail) for item, reason, detail in verdicts.refused]
                stored = gate.rows
            conn.execute("SAVEPOINT page")
            mark = len(records.index)
            try:
                merged = merge.apply_batch(conn, [(i.vault, i.author, i.ops) for i in received], prepared=prepared,
                                           index=records.index, stored=stored)
            except merge.UnknownOperation:
                conn.execute("ROLLBACK TO page")
                del records.index[mark:]
                merged = self._one_by_one(conn, received, held, records.index)
            finally:
                conn.execute("RELEASE page")
            if gate is not None:
                gate.raise_flags()
            self._keep_aside(conn, held)
            for vault_id, (after, before) in backfill.items():
                # A membership can arrive before its key: the vault is remembered either way.
                conn.execute("INSERT INTO sync_vault (vault_id, kind, registered, backfill_after, backfill_before) "
                             "VALUES (?, 'household', 1, ?, ?) ON CONFLICT (vault_id) DO UPDATE SET "
                             "backfill_after = excluded.backfill_after, backfill_before = excluded.backfill_before",
                             (vault_id, after, before))
            if merged.max_stamp:
                self.store.clock.observe(merged.max_stamp)
            audit.append_many(conn, [{"actor": f"sync:{author}", "action": "sync.receive", "household_id": household}
                                     for household, author in sorted(merged.touched)])
            self._put_state(conn, state)
        return ApplyResult(households=merged.households, shared=merged.shared,
                           records=merged.inserted + merged.updated, fields=merged.fields, held=len(held))

    def _gate(self, conn, received: list, held: list) -> Gate:
        clock = self.store.clock
        own = self.state()
        signers = {row[0]: Signer(row[1], row[2]) for row in conn.execute(
            "SELECT device_id, login, role FROM sync_device")}
        if own.get("device_id"):
            signers[own["device_id"]] = Signer(own.get("login", ""), own.get("role", ""))
        # The store's clock as this device knows it (its own, corrected by the offset measured at
        # the start of this sync), plus the same allowance the store gives at push.
        limit = self.rules.max_offset_ms
        offset = max(-limit, min(limit, int(own.get("clock_offset_ms") or clock.offset_ms)))
        bound = clock.wall_ms() + offset + self.rules.stamp_ahead_ms
        return Gate(conn, shared_vaults=self.shared_vaults, signers=signers, bound_ms=bound,
                    step_refusal=self.rules.step_refusal)

    def _keep_aside(self, conn, held: list) -> None:
        waiting = [h for h in held if h.reason in WAITING]
        refused = [h for h in held if h.reason not in WAITING]
        conn.executemany("INSERT OR IGNORE INTO sync_held (seq, vault_id, item, reason, held_at) "
                         "VALUES (?, ?, ?, ?, ?)", [(h.seq, h.vault, h.item, h.reason, _now()) for h in waiting])
        if refused:
            logins = dict(conn.execute("SELECT device_id, login FROM sync_device"))
            conn.executemany(
                "INSERT OR REPLACE INTO sync_quarantine (seq, vault_id, item, author, login, reason, detail, "
                "quarantined_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                [(h.seq, h.vault, h.item, h.author or "", logins.get(h.author, ""), h.reason.partition(":")[0],
                  h.detail or h.reason.partition(":")[2].strip(), _now()) for h in refused])

    @staticmethod
    def _one_by_one(conn, received: list, held: list, index) -> merge.MergeResult:
        merged = merge.MergeResult()
        for item in received:
            conn.execute("SAVEPOINT envelope")
            mark = len(index)
            try:
                merge.apply(conn, item.vault, item.ops, merged, author=item.author, index=index)
            except merge.UnknownOperation as exc:
                conn.execute("ROLLBACK TO envelope")
                del index[mark:]
                held.append(HeldRow(item.seq, item.vault, msgpack.packb(item.raw, use_bin_type=True),
                                    "format", item.author, str(exc)))
            finally:
                conn.execute("RELEASE envelope")
        return merged

    # -- quarantine ----------------------------------------------------------------------

    def quarantined(self) -> list[Quarantined]:
        return [Quarantined(*row) for row in self.conn.execute(
            "SELECT seq, vault_id, author, login, reason, detail, quarantined_at FROM sync_quarantine ORDER BY seq")]

    def release(self, seqs: list[int]) -> int:
        """Send quarantined envelopes through the gate again at the next opening (`held`):
        admitted, they merge; refused again, they come back here."""
        with self.store.write() as records:
            conn = records.conn
            moved = 0
            for seq in seqs:
                row = conn.execute("SELECT seq, vault_id, item FROM sync_quarantine WHERE seq = ?", (seq,)).fetchone()
                if row is None:
                    continue
                conn.execute("INSERT OR REPLACE INTO sync_held (seq, vault_id, item, reason, held_at) "
                             "VALUES (?, ?, ?, 'released', ?)", (*row, _now()))
                conn.execute("DELETE FROM sync_quarantine WHERE seq = ?", (seq,))
                moved += 1
        return moved

    def drop(self, seqs: list[int]) -> int:
        with self.store.write() as records:
            return sum(records.conn.execute("DELETE FROM sync_quarantine WHERE seq = ?", (seq,)).rowcount
                       for seq in seqs)

    def held(self) -> list[HeldRow]:
        return [HeldRow(r[0], r[1], bytes(r[2]), r[3]) for r in self.conn.execute(
            "SELECT seq, vault_id, item, reason FROM sync_held ORDER BY seq")]

    def quarantine_count(self) -> dict[str, int]:
        """How many envelopes are set aside, by the login (or device) that sent them."""
        return {row[0]: row[1] for row in self.conn.execute(
            "SELECT CASE WHEN login <> '' THEN login ELSE author END, count(*) FROM sync_quarantine GROUP BY 1")}
