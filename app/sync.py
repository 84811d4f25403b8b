"""Sync as the user sees it: enrol this laptop, sync now, approve a device, give a worker a
household, and the flags a merge raised.

The engine (`sync.client`) and the store (`storage.replica`) do the work; this service wires
them to the session: who is acting, which shared vaults exist, the clock correction, the audit
log, the checks after a merge, and telling open views which households changed.
"""

from __future__ import annotations

import datetime as dt
import json
import socket
import threading
from collections.abc import Callable
from dataclasses import dataclass, field, replace

from app import lifecycle, sync_checks
from app import revocation as last_contact
from app.errors import InvalidInput, NotFound, Refused
from app.session import SHARED_VAULTS, Service
from storage import flags
from storage.replica import GateRules, Quarantined, Replica
from sync import protocol
from sync.client import certs, enrolment, office, revocation, ticket
from sync.client.engine import Report, SyncEngine
from sync.client.errors import CertificateMismatch, DeviceRevoked, ServerRefused
from sync.client.identity import Identity
from sync.client.remote import Remote

# A server may correct a laptop's clock, but not by more than a week: a clock further off than
# that is a fault to report, and a hostile server must not push stamps far into the future.
MAX_OFFSET_MS = 7 * 24 * 3600 * 1000
# What the gate on everything received holds to: the store's bound on stamps, and the same
# lifecycle as a step taken here.
GATE_RULES = GateRules(stamp_ahead_ms=protocol.MAX_STAMP_AHEAD_MS, max_offset_ms=MAX_OFFSET_MS,
                       step_refusal=lifecycle.received_step_refusal)


@dataclass(frozen=True)
class SyncStatus:
    enrolled: bool
    server: str
    login: str
    role: str
    device_status: str
    pending_changes: int
    last_sync_ms: int | None
    last_result: str
    open_flags: int
    sheet_missing: bool = False  # this device holds the organisation's keys and no sheet was made
    store_rollback: str | None = None  # the last time the store was found to have gone back, in words
    store_rollback_recent: bool = False  # … within the last fortnight: the window says so
    quarantined: dict[str, int] = field(default_factory=dict)  # envelopes set aside, by sender


def failure_kind(exc: BaseException) -> str:
    """How a failed sync should show: offline, waiting for approval, stopped, or other."""
    from sync.client.errors import DevicePending, DeviceRevoked, Unreachable

    if isinstance(exc, Unreachable):
        return "offline"
    if isinstance(exc, DevicePending):
        return "pending"
    if isinstance(exc, DeviceRevoked):
        return "revoked"
    return "other"


def rollback_words(recorded: str | None) -> str | None:
    """What the device found the last time the store had gone back, in plain words."""
    if not recorded:
        return None
    try:
        found = json.loads(recorded)
        when = dt.datetime.fromtimestamp(int(found["detected_ms"]) / 1000).strftime("%Y-%m-%d %H:%M")
        resent, lost = int(found["resent"]), int(found["seen"]) - int(found["common"])
    except (ValueError, KeyError, TypeError):
        return None
    return (f"中央ストアが以前の状態に戻っていました（{when} に検出。バックアップからの復元などで、"
            f"ストアの記録の最後の {lost} 件分が失われていました）。この端末から送った変更 {resent} 回分を送り直し、"
            "受信をやり直しました。ほかの端末も次の同期で同じように送り直します。")


ROLLBACK_SHOWN_MS = 14 * 24 * 3600 * 1000


def _recent(recorded: str | None) -> bool:
    try:
        return int(json.loads(recorded)["detected_ms"]) > dt.datetime.now().timestamp() * 1000 - ROLLBACK_SHOWN_MS
    except (ValueError, KeyError, TypeError):
        return False


@dataclass(frozen=True)
class MeetingShare:
    """What a held 支援会議 gave its attendees: the non-consented households on its agenda went to
    the logins in `granted`; `without_account` are attendees the store has no account for
    (outside agencies), who receive nothing."""
    households: list[str]
    granted: list[str]
    without_account: list[str]


@dataclass(frozen=True)
class Unsent:
    """What a device said it had not sent (numbers only) and when it said so."""

    count: int
    oldest_ms: int | None
    newest_ms: int | None
    reported_ms: int


@dataclass(frozen=True)
class DeviceInfo:
    id: str
    login: str
    role: str
    name: str
    status: str
    fingerprint: str
    trusted: bool
    this_device: bool
    revoked_ms: int | None = None  # set only when the organisation's revocation verifies
    unsent: Unsent | None = None  # as the device last reported it
    last_seen_ms: int | None = None
    imported: Unsent | None = None  # what its sealed files held, taken in on this device


def _info(device: dict, identity: Identity, trusted: bool | None = None) -> DeviceInfo:
    return DeviceInfo(device["id"], device["login"], device["role"], device["name"], device["status"],
                      protocol.fingerprint(device["box_public"], device["sign_public"]),
                      enrolment.device_trusted(identity, device) if trusted is None else trusted,
                      device["id"] == identity.device_id, revocation.of_device(identity, device),
                      _unsent(device.get("unsent")), _int(device.get("last_seen_ms")))


def _int(value) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _unsent(doc) -> Unsent | None:
    if not isinstance(doc, dict) or _int(doc.get("count")) is None or _int(doc.get("reported_ms")) is None:
        return None
    return Unsent(doc["count"], _int(doc.get("oldest_ms")), _int(doc.get("newest_ms")), doc["reported_ms"])


class SyncService(Service):
    # Tests and the benchmark reach the store in-process through this (an httpx.Client).
    client_factory: Callable[[], object] | None = None

    def __init__(self, session) -> None:
        super().__init__(session)
        # One run at a time per profile: the window's timer, F9 and the office's approval all
        # sync, possibly from different threads; a second caller waits for the first.
        self._running = threading.Lock()

    def replica(self) -> Replica:
        shared = {kind: vid for kind in SHARED_VAULTS if (vid := self.store.meta(f"vault.{kind}"))}
        return Replica(self.store, shared, actor=self.session.me or "-", rules=GATE_RULES)

    def identity(self) -> Identity:
        return Identity.from_state(self.replica().state())

    def is_enrolled(self) -> bool:
        return bool(self.replica().state().get("device_id"))

    def remote(self, identity: Identity | None = None, server: str | None = None) -> Remote:
        identity = identity or self.identity()
        url = server or identity.server
        if self.client_factory is not None:
            return Remote(url, token=identity.token if identity else None, client=self.client_factory())
        return Remote(url, token=identity.token, cert_pem=identity.cert_pem)

    def restore_clock(self) -> None:
        offset = int(self.replica().state().get("clock_offset_ms", "0") or 0)
        self.store.clock.offset_ms = max(-MAX_OFFSET_MS, min(MAX_OFFSET_MS, offset))

    # -- enrolment -----------------------------------------------------------------------

    def enrol(self, server: str, code: str, *, device_name: str | None = None,
              server_fingerprint: str | None = None, org_fingerprint: str | None = None) -> enrolment.Enrolled:
        name = (device_name or socket.gethostname() or "yorisoi")[:100]
        remote = None
        if self.client_factory is not None:
            remote = Remote(server, client=self.client_factory())
        done = enrolment.enrol(self.replica(), server, code.strip(), name, server_fingerprint=server_fingerprint,
                               expected_org=org_fingerprint, remote=remote)
        if done.identity.is_office:
            # The office's shared vaults become the organisation's: created now so the first
            # sync registers them, and every laptop adopts them.
            for kind in SHARED_VAULTS:
                self.session.vault(kind)
        self._name_owner(done.identity.login)
        with self.store.write() as records:
            self.session.audit(records, "sync.enrol", detail=done.identity.role)
        return done

    def _name_owner(self, login: str) -> None:
        me = self.session.me
        if me:
            with self.store.write() as records:
                records.update("staff", me, {"login": login})

    # -- syncing -------------------------------------------------------------------------

    def run(self, progress=None) -> Report:
        """Push and pull once. Raises a `sync.client.errors.SyncError` when the store cannot be
        reached or refuses; what was already exchanged stays exchanged."""
        with self._running:
            identity = self.identity()
            try:
                report = self._exchange(identity, progress)
            except CertificateMismatch:
                # The store presents another certificate: taken only if the organisation
                # signed it (certs.repin raises otherwise), then the sync runs again.
                if self.client_factory is not None or not certs.repin(self.replica(), identity):
                    raise
                with self.store.write() as records:  # who may later ask when the store changed
                    self.session.audit(records, "sync.certificate_repinned", detail="signed by the organisation")
                report = self._exchange(self.identity(), progress)
        with self.store.write() as records:
            sync_checks.check(records, report.households)
            self.session.audit(records, "sync.run", detail=f"{report.pushed_changes}/{report.pulled_envelopes}")
        if report.households or report.purged:
            self.session.changed(set(report.households) | set(report.purged))
        return report

    def _exchange(self, identity: Identity, progress) -> Report:
        remote = self.remote(identity)
        try:
            return SyncEngine(self.replica(), remote, progress=progress, local_ms=self.store.clock.wall_ms).run()
        except DeviceRevoked as refusal:
            # The window empties its views itself when it hears of it (ui main_window).
            raise last_contact.stop(self, identity, refusal) from None
        finally:
            remote.close()
            self.restore_clock()

    def ticket(self, code_or_ticket: str) -> tuple[str, bool | None]:
        """An enrolment ticket made from this device's own pins (see sync.client.ticket)."""
        return ticket.from_pins(self.identity(), code_or_ticket)

    def sign_server_cert(self, pem: bytes) -> str:
        """The office signs a new certificate of the store (before the store presents it), so
        every device re-pins it at its next sync. Returns the certificate's fingerprint."""
        identity = self.identity()
        self._office_only(identity)
        remote = self.remote(identity)
        try:
            return certs.sign(identity, remote, pem.decode("ascii", errors="replace"))
        except certs.NotACertificate:
            raise InvalidInput("証明書のファイルを読めません（PEM 形式の証明書 cert.pem を指定してください）。") from None
        finally:
            remote.close()

    def status(self) -> SyncStatus:
        state = self.replica().state()
        conn = self.store.connection()
        last = state.get("last_sync")
        return SyncStatus(
            enrolled=bool(state.get("device_id")), server=state.get("server", ""), login=state.get("login", ""),
            role=state.get("role", ""), device_status=state.get("status", ""),
            pending_changes=self.session.pending_changes(), last_sync_ms=int(last) if last else None,
            last_result=state.get("last_result", ""), open_flags=flags.count_open(conn),
            sheet_missing=bool(state.get("org_sign_private")) and not state.get("recovery_sheet_ms"),
            store_rollback=rollback_words(state.get("store_rollback")),
            store_rollback_recent=_recent(state.get("store_rollback")),
            quarantined=self.replica().quarantine_count())

    # -- the office ----------------------------------------------------------------------

    def devices(self) -> list[DeviceInfo]:
        identity = self.identity()
        found = self.fetched_devices(identity)
        taken = last_contact.imported(self.replica().state())
        return [replace(_info(d, identity), imported=Unsent(*taken[d["id"]]) if d["id"] in taken else None)
                for d in found]

    def fetched_devices(self, identity: Identity) -> list[dict]:
        """The org's devices as the store lists them now, decoded (not yet checked)."""
        remote = self.remote(identity)
        try:
            return [enrolment.decode_device(d) for d in remote.devices()]
        finally:
            remote.close()

    def verified_devices(self, identity: Identity | None = None) -> dict[str, dict]:
        """The org's devices whose keys the organisation signed, by id (fetched now)."""
        identity = identity or self.identity()
        return {d["id"]: d for d in self.fetched_devices(identity) if enrolment.device_trusted(identity, d)}

    def approve(self, fingerprint: str) -> DeviceInfo:
        identity = self.identity()
        self._office_only(identity)
        remote = self.remote(identity)
        try:
            device = enrolment.approve(identity, remote, fingerprint)
        finally:
            remote.close()
        with self.store.write() as records:
            self.session.audit(records, "sync.approve", detail=device["login"])
        self.run()  # hands the new device the keys of the vaults its account belongs to
        return _info({**device, "status": "approved"}, identity, trusted=True)

    def revoke(self, fingerprint: str) -> DeviceInfo:
        """Stop a device: the organisation signs its revocation, the store refuses its token from
        now on, and every device learns it (and checks the signature) at its next sync."""
        identity = self.identity()
        self._office_only(identity)
        remote = self.remote(identity)
        try:
            device = revocation.revoke(identity, remote, fingerprint)
        finally:
            remote.close()
        replica = self.replica()
        # Kept here for good: a store that later lists the device as approved changes nothing.
        replica.save_state(revocation.to_remember(device["id"], device["revocation"]))
        with self.store.write() as records:
            self.session.audit(records, "sync.revoke", detail=device["login"])
        return _info(device, identity)

    def import_unsent(self, path) -> last_contact.Imported:
        """Take in the sealed file of what a revoked device had not sent (the office only)."""
        return last_contact.import_file(self, path)

    def stopped(self) -> last_contact.DeviceStopped | None:
        """What the organisation's revocation did on this device, if it happened."""
        return last_contact.stopped_before(self.replica().state())

    def assign(self, household_ids: str | list[str], login: str) -> int:
        """Give a worker's account access to households' vaults (their whole history) by a grant
        signed with the organisation's key; returns how many key copies went to their devices
        now (none when no device is approved yet: they follow at a later sync)."""
        identity = self.identity()
        self._office_only(identity)
        ids = [household_ids] if isinstance(household_ids, str) else list(household_ids)
        households = [self.session.households.get(hid) for hid in ids]
        login = login.strip().lower()
        self.run()  # the vaults must be registered (and pushed) before they can be shared
        self._change([(h.vault_id, login, "grant") for h in households], rotate=[])
        with self.store.write() as records:
            for household in households:
                self.session.audit(records, "sync.assign", household_id=household.id, detail=login)
        return self.run().keys_supplied

    def is_office(self) -> bool:
        return self.is_enrolled() and self.identity().is_office and self.identity().org_keys is not None

    def share_support_meeting(self, meeting_id: str) -> MeetingShare:
        """A held 支援会議's attendees who acknowledged the duty of confidentiality receive the
        households on its agenda that have no consent, by the same signed grants as `assign`;
        nobody else does. Granting again what a login already holds is skipped."""
        households, logins = self.session.meetings.support_meeting_grants(meeting_id)
        identity = self.identity()
        self._office_only(identity)
        logins = [x for x in dict.fromkeys(v.strip().lower() for v in logins) if x != identity.login]
        if not households or not logins:
            return MeetingShare(households, [], [])
        self.run()  # the vaults must be registered before they can be shared
        vaults = {hid: self.session.households.get(hid).vault_id for hid in households}
        granted, outside, changed = [], [], False
        for login in logins:
            held = office.member_vaults(self.replica(), login)
            missing = {hid: v for hid, v in vaults.items() if v not in held}
            if missing:
                try:
                    self._change([(v, login, "grant") for v in missing.values()], rotate=[])
                except ServerRefused as exc:
                    if exc.status != 404:  # the vaults were registered just above: 404 is the account
                        raise
                    outside.append(login)
                    continue
                changed = True
                with self.store.write() as records:
                    for hid in missing:
                        self.session.audit(records, "sync.assign", household_id=hid, detail=f"{login} 支援会議")
            granted.append(login)
        if changed:
            self.run()
        return MeetingShare(households, granted, outside)

    def share_held_meeting(self, meeting_id: str) -> str | None:
        """After a meeting is held on the office's device: share its 支援会議 households with the
        attendees and say so; None when there is nothing to share here. A store that cannot be
        reached does not undo the sitting: the words say to apply again later."""
        from sync.client.errors import SyncError

        if not self.is_office():
            return None
        try:
            share = self.share_support_meeting(meeting_id)
        except SyncError:
            return ("支援会議の出席者への世帯の共有ができませんでした（中央ストアにつながりません）。"
                    "つながるときに、もう一度「反映」を行ってください。")
        if not share.households:
            return None
        words = f"支援会議の世帯（本人同意なし {len(share.households)} 世帯）を"
        words += (f"守秘義務を確認した出席者 {', '.join(share.granted)} さんに共有しました。" if share.granted
                  else "共有できる出席者はいませんでした。")
        outside = ", ".join(share.without_account)
        return words + ("ほかの出席者" + (f"（{outside}）" if outside else "")
                        + "は中央ストアにアカウントがない（他機関の方など）ため、何も受け取りません。"
                        if share.without_account else "アカウントのない出席者（他機関の方など）は何も受け取りません。")

    def unassign(self, household_id: str, login: str) -> None:
        """Remove a worker's account from a household's vault: a removal signed with the
        organisation's key, then a new key version for the remaining members and the recovery
        key. The worker's devices forget the household at their next sync."""
        identity = self.identity()
        self._office_only(identity)
        household = self.session.households.get(household_id)
        login = login.strip().lower()
        self.run()
        if household.vault_id not in office.member_vaults(self.replica(), login):
            raise Refused(f"{login} さんはこの世帯の担当ではありません。")
        self._change([(household.vault_id, login, "remove")], rotate=[household.vault_id])
        with self.store.write() as records:
            self.session.audit(records, "sync.unassign", household_id=household.id, detail=login)
        self.run()

    def members_of(self, household_id: str) -> list[str]:
        """The logins the organisation's signed statements make members of a household (its
        creator and those granted, less those removed; the office is a member of every household
        and not listed)."""
        household = self.session.households.get(household_id)
        return [login for login in self.replica().vault_members(household.vault_id)
                if login != self.identity().login]

    def households_of(self, login: str) -> list[str]:
        """Ids of the households whose vault `login` belongs to (by the signed statements)."""
        vaults = office.member_vaults(self.replica(), login.strip().lower())
        if not vaults:
            return []
        conn = self.store.connection()
        found = [r[0] for r in conn.execute("SELECT id, vault_id FROM household WHERE deleted = 0")
                 if r[1] in vaults]
        return sorted(found)

    def transfer(self, from_login: str, to_login: str, household_ids: list[str] | None = None) -> list[str]:
        """The staff transfer (人事異動) as one action: for each household, a grant to the new
        worker, a removal of the former one, a new key version, and 「担当交代: 佐藤 → 田中」 on the
        household's timeline. Without households: every household of the former worker.
        Returns the ids of the households moved."""
        identity = self.identity()
        self._office_only(identity)
        source, target = from_login.strip().lower(), to_login.strip().lower()
        if source == target:
            raise Refused("異動元と異動先が同じ利用者です。")
        self.run()
        theirs = set(self.households_of(source))
        ids = sorted(theirs) if household_ids is None else [self.session.households.get(h).id for h in household_ids]
        if not ids:
            raise Refused(f"{source} さんが担当している世帯はありません。")
        outside = [h for h in ids if h not in theirs]
        if outside:
            raise Refused(f"{source} さんはこの世帯の担当ではありません（{', '.join(outside)}）。")
        households = [self.session.households.get(h) for h in ids]
        changes = [(h.vault_id, target, "grant") for h in households] + \
                  [(h.vault_id, source, "remove") for h in households]
        self._change(changes, rotate=[h.vault_id for h in households])
        line = f"担当交代: {self._name(source)} → {self._name(target)}"
        for household in households:
            self.session.contacts.add_note(household.id, line)
        with self.store.write() as records:
            for household in households:
                self.session.audit(records, "sync.transfer", household_id=household.id, detail=f"{source}>{target}")
        self.run()
        return ids

    def _name(self, login: str) -> str:
        row = self.store.connection().execute(
            "SELECT name FROM staff WHERE login = ? AND deleted = 0 ORDER BY id LIMIT 1", (login,)).fetchone()
        return row[0] if row and row[0] else login

    def _change(self, changes: list[tuple[str, str, str]], rotate: list[str]) -> None:
        remote = self.remote()
        try:
            office.change_membership(self.replica(), remote, changes, rotate)
        finally:
            remote.close()

    @staticmethod
    def _office_only(identity: Identity) -> None:
        if not identity.is_office or identity.org_keys is None:
            raise Refused("この操作は事務局（多機関協働）の端末でのみ行えます。")

    # -- quarantine (the office) ---------------------------------------------------------

    def quarantined(self) -> list[Quarantined]:
        """Envelopes the gate refused on this device, with who sent them and why."""
        self._office_only(self.identity())
        return self.replica().quarantined()

    def quarantine_summary(self) -> dict[str, int]:
        """How many envelopes are set aside, by sender (the window's status line)."""
        return self.replica().quarantine_count()

    def release(self, seqs: list[int]) -> int:
        """Send quarantined envelopes through the gate again (after an update, or once the
        office has looked): admitted, they merge; refused again, they stay. No network needed."""
        self._office_only(self.identity())
        replica = self.replica()
        moved = replica.release(seqs)
        if moved:
            with self._running:
                report = SyncEngine(replica, self.remote(), local_ms=self.store.clock.wall_ms).recheck()
            with self.store.write() as records:
                sync_checks.check(records, report.households)
                self.session.audit(records, "sync.quarantine_release", detail=",".join(map(str, seqs)))
            if report.households:
                self.session.changed(set(report.households))
        return moved

    def drop(self, seqs: list[int]) -> int:
        self._office_only(self.identity())
        dropped = self.replica().drop(seqs)
        with self.store.write() as records:
            self.session.audit(records, "sync.quarantine_drop", detail=",".join(map(str, seqs)))
        return dropped

    # -- flags ---------------------------------------------------------------------------

    def flags(self, household_id: str | None = None) -> list[sync_checks.FlagView]:
        records = self.store.read()
        return [sync_checks.describe(records, f) for f in flags.open_flags(records.conn, household_id)]

    def resolve_flag(self, flag_id: str) -> None:
        with self.store.write() as records:
            if not flags.resolve(records.conn, flag_id, self.session.me or "-"):
                raise NotFound("この確認事項は見つからないか、すでに確認済みです。")
            self.session.audit(records, "sync.flag_seen", entity="sync_flag", entity_id=flag_id)
