"""One sync run, in explicit stages (docs/sync-protocol.md, "Ordering"):

    hello      device status, the server's time, the pinned organisation keys, shared vaults,
               and the store's log checked against what this device remembers of it; a store
               that went back (restored from an older backup) is caught here, and what it lost
               is sent and pulled again (`rewind`)
    directory  the organisation's devices; only those whose keys the organisation signed count
    members    signed creations, grants and removals; a household this account was removed
               from is forgotten here
    keys       vault keys addressed to this device, each unwrapped and checked against its
               key version's signed commitment (a bad copy is reported and replaced)
    register   vaults created here that the server does not know yet, with their first keys
    supply     key copies other member devices still lack, wrapped by this device
    unsent     how many changes wait here (numbers only), before and after the push, when changed
    push       the outbox, then new batches of changes, sealed and sent until none is left
    pull       the log to its head, then history of vaults this account joined late
    held       envelopes kept aside earlier, tried again now that keys may have arrived

Each stage commits locally as it goes, so a cut connection loses nothing and repeats at most
one batch. The run reports what moved and whether everything was exchanged.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from sync.client import continuity, keyring, transfer
from sync.client.enrolment import verify_org_keys
from sync.client.errors import DevicePending, IntegrityFailure
from sync.client.identity import Identity
from sync.client.local import Local
from sync.client.remote import Remote, unb64

Progress = Callable[[str, int, int], None]


@dataclass
class Report:
    pushed_envelopes: int = 0
    pushed_changes: int = 0
    pulled_envelopes: int = 0
    merged_records: int = 0
    merged_fields: int = 0
    keys_received: int = 0
    keys_supplied: int = 0
    vaults_registered: int = 0
    held: int = 0
    waiting_vaults: int = 0
    untrusted: int = 0
    bad_copies: int = 0
    purged: set[str] = field(default_factory=set)
    sealed_files: list[str] = field(default_factory=list)  # unsent changes of purged households
    households: set[str] = field(default_factory=set)
    shared_changed: bool = False
    clock_offset_ms: int = 0
    complete: bool = False
    store_went_back: bool = False  # this run found the store's log shorter or other than remembered
    resent_envelopes: int = 0  # envelopes whose changes are sent again because the store lost them


class SyncEngine:
    def __init__(self, local: Local, remote: Remote, *, progress: Progress | None = None,
                 pull_limit: int = 1000, local_ms: Callable[[], int] | None = None) -> None:
        self.local = local
        self.remote = remote
        # The clock the device stamps with, uncorrected: the offset is measured against it.
        self.local_ms = local_ms or (lambda: int(time.time() * 1000))
        self.progress = progress or (lambda stage, done, total: None)
        self.pull_limit = pull_limit

    def run(self) -> Report:
        identity = Identity.from_state(self.local.state())
        self.remote.token = identity.token
        report = Report()
        memory = continuity.Memory(self.local.state())
        identity, hints = self._hello(identity, report, memory)
        if "log" in hints and not memory.agrees(hints["log"]):
            self._rewind(identity, memory, hints, report)
        ring = keyring.Keyring(self.local, self.remote, identity, report)
        ring.refresh_directory(hints.get("directory_version"))
        ring.membership.receive(hints.get("statements_after"))
        ring.receive_keys(hints.get("keys_after"))
        ring.register_vaults()
        # Vaults registered just now need copies for the other members whatever /me said.
        ring.supply_keys(None if report.vaults_registered else hints.get("keys_epoch"))
        mover = transfer.Transfer(self.local, self.remote, identity, report, ring, self.progress, self.pull_limit,
                                  memory)
        self._report_unsent()  # before the push: what the office sees if this one fails
        mover.push()
        self._report_unsent()
        mover.pull()
        mover.backfill()
        mover.retry_held()
        report.waiting_vaults = len(self.local.unregistered())
        report.held = len(self.local.held())
        report.complete = (report.held == 0 and report.waiting_vaults == 0 and not self.local.outbox()
                           and not self._unsent(identity))
        self.local.save_state({"last_sync": str(int(time.time() * 1000)),
                               "last_result": "complete" if report.complete else "partial"})
        return report

    def _report_unsent(self) -> None:
        """Tell the store how many changes wait here and their span (numbers only), when that
        changed since the last report: the office's device list shows it, so a laptop revoked
        before it could send says what it still held."""
        count, oldest, newest = self.local.unsent_summary()
        figures = f"{count}:{oldest or ''}:{newest or ''}"
        if figures == self.local.state().get("unsent_reported", "0::"):
            return
        self.remote.report_unsent(count, oldest, newest)
        self.local.save_state({"unsent_reported": figures})

    def recheck(self) -> Report:
        """Open again, and send through the gate again, what is kept aside (the office released
        quarantined envelopes), with the keys and devices known here: no network."""
        identity = Identity.from_state(self.local.state())
        report = Report()
        ring = keyring.Keyring(self.local, self.remote, identity, report)
        ring.load_directory()
        transfer.Transfer(self.local, self.remote, identity, report, ring, self.progress, self.pull_limit).retry_held()
        report.held = len(self.local.held())
        return report

    def _unsent(self, identity: Identity) -> int:
        return len(self.local.sendable())

    def _rewind(self, identity: Identity, memory: continuity.Memory, hints: dict, report: Report) -> None:
        """The store no longer holds the log this device remembers (restored from an older backup,
        or replaced): find the last point it still agrees with, send again every change this
        device sent after it, pull again from there, fetch every key copy and hand out every copy
        again (the store's key table went back too), and say so."""
        log = hints["log"]
        seen = memory.newest or 0
        common = memory.common_point(self.remote.log_chains(sorted(memory.marks))) if memory.marks else 0
        resent = self.local.rewind(common, identity.is_office)
        memory.forget_after(common)
        marks = memory.see(str(log["epoch"]), int(log["head"]), log["chain"])
        cursor = min(int(self.local.state().get("cursor", "0")), common)
        record = {"detected_ms": int(time.time() * 1000), "seen": seen, "head": int(log["head"]), "common": common,
                  "resent": resent}
        self.local.save_state({**marks, "cursor": str(cursor), "keys_cursor": "0", "supplied_epoch": None,
                               "directory_version": None, "store_rollback": json.dumps(record)})
        report.store_went_back, report.resent_envelopes = True, resent
        hints.pop("directory_version", None)
        hints.pop("keys_after", None)
        hints.pop("keys_epoch", None)

    def _hello(self, identity: Identity, report: Report, memory: continuity.Memory) -> tuple[Identity, dict]:
        """The device's status and the org's keys; also the server's hints of what is new, so
        an idle sync is a handful of small requests."""
        sent = self.local_ms()
        me = self.remote.me(memory.newest)
        received = self.local_ms()
        device, org = me.get("device") or {}, me.get("org") or {}
        status = str(device.get("status", "pending"))
        # The server's clock, measured at the middle of the round trip: the HLC adds this
        # offset, so a laptop whose clock is hours off still stamps near the true time.
        offset = int(me.get("time_ms", (sent + received) // 2)) - (sent + received) // 2
        report.clock_offset_ms = offset
        updates: dict[str, str | None] = {"status": status, "clock_offset_ms": str(offset)}
        sign_public, box_public = unb64(org.get("sign_public")), unb64(org.get("box_public"))
        if identity.org_sign_public:
            if sign_public != identity.org_sign_public or box_public != identity.org_box_public:
                raise IntegrityFailure("organisation keys changed since enrolment")
        elif sign_public:
            # Enrolled before the office founded the organisation: pin now, after verifying.
            verify_org_keys(identity.org_id, sign_public, box_public, unb64(org.get("keys_signature")))
            updates.update(org_sign_public=sign_public.hex(), org_box_public=(box_public or b"").hex())
        for kind, vault_id in (me.get("shared_vaults") or {}).items():
            if vault_id:
                self.local.adopt_shared(kind, vault_id)
        self.local.save_state(updates)
        identity = Identity.from_state(self.local.state())
        if status != "approved":
            raise DevicePending(403, "device_pending", status)
        hints = {k: me[k] for k in ("directory_version", "keys_after", "keys_epoch", "statements_after") if k in me}
        log = me.get("log")
        if isinstance(log, dict) and log.get("epoch") and log.get("chain"):
            hints["log"] = {"epoch": str(log["epoch"]), "head": int(log.get("head", 0)), "chain": unb64(log["chain"]),
                            "at": unb64(log.get("at"))}
        return identity, hints
