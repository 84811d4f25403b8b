"""Moving envelopes: sealing and pushing local changes, pulling and opening others'.

Push: the outbox (envelopes built earlier and not yet acknowledged) goes first, unchanged, so
a resend is recognised by the store as the same envelope. New batches are sealed, kept in the
outbox in the same local transaction that marks their changes, then sent.

Pull: each page of the log is opened and merged in one local transaction together with the
new cursor, so a cut connection repeats at most the page in flight. An envelope that cannot be
opened yet (its key has not arrived, or a newer version wrote it) is kept as received and tried
again at the next sync; nothing is skipped.
"""

from __future__ import annotations

import base64
import os
from concurrent.futures import ThreadPoolExecutor

import msgpack

from sync import protocol
from sync.client import codec, continuity, crypto
from sync.client.errors import IntegrityFailure, ProtocolError
from sync.client.identity import Identity
from sync.client.local import Held, Local, Received
from sync.client.remote import unb64

SEND_BYTES = 8 * 1024 * 1024
FIRST_PAGES = (100, 400)  # envelopes in the first pull pages (then the engine's pull_limit)


def envelope_id() -> str:
    return base64.b32encode(os.urandom(15)).decode("ascii").lower()


def _held(item: dict, reason: str) -> Held:
    """An envelope kept as received (to try again later, or quarantined), with why."""
    return Held(int(item["seq"]), str(item["vault"]), msgpack.packb(item, use_bin_type=True), reason,
                str(item.get("device", ""))[:64])


class Transfer:
    def __init__(self, local: Local, remote, identity: Identity, report, keyring, progress, pull_limit: int,
                 memory: continuity.Memory | None = None) -> None:
        self.local = local
        self.remote = remote
        self.identity = identity
        self.report = report
        self.keyring = keyring
        self.progress = progress
        self.pull_limit = pull_limit
        self.memory = memory or continuity.Memory(local.state())
        # Every vault key in memory for the run: opening envelopes then touches no database, so
        # it can run on the prefetching thread while the previous page is merged.
        self._keys: dict[tuple[str, int], bytes] = dict(local.vault_keys())

    # -- push ----------------------------------------------------------------------------

    def push(self) -> None:
        self._send(self.local.outbox())
        versions = self.local.sendable()
        waiting: list[dict] = []
        size = 0
        for batch in self.local.batches(list(versions)):
            version = versions[batch.vault_id]
            key = self._key(batch.vault_id, version)
            if key is None:
                continue
            plaintext = codec.encode(batch.ops)
            sealed = crypto.seal(plaintext, key, batch.vault_id, envelope_id(), version, self.identity.device_id,
                                 self.identity.keys, batch.stamp_ms).wire()
            self.local.stage(sealed, batch.change_seqs)
            self.report.pushed_changes += len(batch.change_seqs)
            waiting.append(sealed)
            size += len(sealed["body"]) + 200
            if len(waiting) >= protocol.MAX_PUSH_ENVELOPES or size >= SEND_BYTES:
                self._send(waiting)
                waiting, size = [], 0
        self._send(waiting)

    def _send(self, envelopes: list[dict]) -> None:
        start = 0
        while start < len(envelopes):
            chunk, size = [], 0
            for env in envelopes[start:start + protocol.MAX_PUSH_ENVELOPES]:
                if chunk and size + len(env["body"]) > SEND_BYTES:
                    break
                chunk.append(env)
                size += len(env["body"])
            doc = self.remote.push(chunk)
            seqs = [int(seq) for seq in doc["seqs"]]
            for env, seq, prev, chain in zip(chunk, seqs, doc["prevs"], doc["chains"], strict=True):
                continuity.check_own(unb64(prev), seq, unb64(chain), env, self.identity.device_id)
            head = doc.get("log") or {}
            marks = self.memory.see(head.get("epoch"), seqs[-1], unb64(doc["chains"][-1]))
            marks = {**marks, **self.memory.see(head.get("epoch"), int(head.get("head", 0)), unb64(head.get("chain")))}
            self.local.acknowledge([env["id"] for env in chunk], seqs, marks)
            self.report.pushed_envelopes += len(chunk)
            start += len(chunk)

    # -- opening -------------------------------------------------------------------------

    def _key(self, vault_id: str, version: int) -> bytes | None:
        return self._keys.get((vault_id, version))

    def open(self, item: dict) -> Received | Held:
        seq, vault = int(item["seq"]), str(item["vault"])
        try:
            env = crypto.Envelope(vault, str(item["id"]), int(item["kv"]), str(item["device"]), int(item["ms"]),
                                  bytes(item["nonce"]), bytes(item["body"]), bytes(item["sig"]))
        except (KeyError, TypeError, ValueError):
            raise ProtocolError("malformed log item") from None
        key = self._key(vault, env.kv)
        if key is None:
            return _held(item, "key")  # waits: the key may come at a later sync
        signer = self.keyring.sign_key_of(env.device)
        if signer is None:
            return _held(item, "author")  # waits: the author's device entry may come later
        if not crypto.verify(signer, env.sig, env.statement()):
            return _held(item, "signature")
        try:
            ops = codec.decode(crypto.open_envelope(env, key))
        except IntegrityFailure:
            return _held(item, "integrity")
        except codec.Oversize:
            return _held(item, "oversize")
        except ProtocolError:
            return _held(item, "format")
        return Received(seq, vault, env.device, ops, item, env.ms)

    def _opened(self, items: list[dict]) -> tuple[list[Received], list[Held]]:
        received, held = [], []
        for item in items:
            opened = self.open(item)
            (received if isinstance(opened, Received) else held).append(opened)
        return received, held

    def _account(self, applied) -> None:
        self.report.merged_records += applied.records
        self.report.merged_fields += applied.fields
        self.report.households |= applied.households
        self.report.shared_changed = self.report.shared_changed or applied.shared

    # -- pull ----------------------------------------------------------------------------

    def pull(self) -> None:
        """The log to its head. The next page is fetched and opened on a second thread while
        this one merges the current page, so the network, the decryption and the database work
        overlap; pages are still merged strictly in order, each with its cursor."""
        cursor = start = int(self.local.state().get("cursor", "0"))
        # Pages grow from a small first one: nothing overlaps until the first page is in, so it
        # should come quickly; later pages are full size.
        sizes = (min(self.pull_limit, n) for n in (*FIRST_PAGES, self.pull_limit))
        with ThreadPoolExecutor(max_workers=1, thread_name_prefix="yorisoi-pull") as ahead:
            coming = ahead.submit(self._page, cursor, next(sizes))
            while True:
                doc, received, held, backfill, following, prepared = coming.result()
                if following < cursor:
                    raise ProtocolError("the log went backwards")
                if doc.get("more"):
                    coming = ahead.submit(self._page, following, next(sizes, self.pull_limit))
                chain = doc.get("chain")
                marks = self.memory.see(doc.get("epoch"), following, bytes(chain) if chain is not None else None)
                applied = self.local.apply(received, held, {"cursor": str(following), **marks}, backfill,
                                           prepared=prepared)
                self._account(applied)
                self.report.pulled_envelopes += len(received) + len(held)
                head = int(doc.get("head", following))
                self.progress("pull", following - start, max(head - start, 1))
                cursor = following
                if not doc.get("more"):
                    return

    def _page(self, cursor: int, limit: int):
        doc = self.remote.pull(cursor, limit)
        items = doc.get("items") or []
        envelopes = [i for i in items if i.get("kind") == "env"]
        backfill = {str(i["vault"]): (0, int(i["seq"])) for i in items
                    if i.get("kind") == "grant" and int(i.get("count", 0)) > 0}
        received, held = self._opened(envelopes)
        # The store's own preparation of the page (rows, search text) is pure CPU work done
        # here, overlapping with the previous page's database writes.
        return doc, received, held, backfill, int(doc.get("next", cursor)), self.local.prepare(received)

    def backfill(self) -> None:
        """History of vaults this account joined after they had envelopes."""
        while True:
            wanted = self.local.backfills()
            if not wanted:
                return
            ask = [{"id": v, "after": s.backfill_after, "before": s.backfill_before}
                   for v, s in list(wanted.items())[:protocol.MAX_BACKFILL_VAULTS]]
            doc = self.remote.backfill(ask, self.pull_limit)
            items = doc.get("items") or []
            received, held = self._opened(items)
            progress: dict[str, tuple[int, int | None]] = {}
            for item in items:
                vault = str(item["vault"])
                progress[vault] = (max(int(item["seq"]), progress.get(vault, (0, None))[0]),
                                   wanted[vault].backfill_before)
            for vault in doc.get("done") or []:
                if vault in wanted:
                    progress[vault] = (progress.get(vault, (wanted[vault].backfill_after, None))[0], None)
            if not progress:
                raise ProtocolError("backfill made no progress")
            self._account(self.local.apply(received, held, {}, progress))
            self.report.pulled_envelopes += len(items)

    def retry_held(self) -> None:
        held = self.local.held()
        if not held:
            return
        received, still, released = [], [], []
        for row in held:
            item = msgpack.unpackb(row.item, raw=False)
            opened = self.open(item)
            if isinstance(opened, Received):
                received.append(opened)
                released.append(row.seq)
            elif opened.reason != row.reason:
                still.append(opened)
                released.append(row.seq)
        if released:
            self._account(self.local.apply(received, still, {}, {}, release=released))
