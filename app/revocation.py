"""A revoked laptop's last contact, and the office taking in what it had not sent.

When the store refuses this device as revoked, the refusal counts only if the organisation
signed it (checked against the key pinned at enrolment). Then, in this order: every change the
store never acknowledged is sealed to the organisation's recovery key in a file beside the
profile (`sync.client.unsent`), the file is written and synced to disk, and only then is the
profile emptied of everything synced (`storage.wipe`). A refusal the organisation did not sign
changes nothing here: the user is told to ask the office.

The office opens such a file with the organisation's recovery key, checks the device's
signature with the key the organisation signed for it, and merges the operations through the
same path as a pull; they become the office's own changes, sent at its next sync.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import time
from dataclasses import dataclass
from pathlib import Path

from app.errors import DeviceStopped, Refused
from storage import atomic, outbound, wipe
from sync import protocol
from sync.client import revocation, unsent
from sync.client.errors import DeviceRevoked, IntegrityFailure, ProtocolError, SyncError
from sync.client.identity import Identity
from sync.client.local import Received

SUFFIX = ".yorisoi-unsent"
IMPORTED = "imported."  # sync state key prefix: a file taken in here, by its digest
# What survives the wipe in the device's sync state: enough to say what happened and where.
KEEP_STATE = ("server", "cert_pem", "device_id", "token", "box_private", "sign_private", "org_id", "org_name",
              "org_sign_public", "org_box_public", "account_id", "login", "role")


def stopped_before(state: dict[str, str]) -> DeviceStopped | None:
    """What an earlier last contact did, from the state it left (None if it never happened)."""
    if not state.get("stopped_ms"):
        return None
    number = lambda key: int(state[key]) if state.get(key) else None  # noqa: E731
    return DeviceStopped(signed=True, revoked_ms=number("revoked_ms"), file=state.get("stopped_file") or None,
                         count=number("stopped_count") or 0, oldest_ms=number("stopped_oldest_ms"),
                         newest_ms=number("stopped_newest_ms"))


def stop(service, identity: Identity, refusal: DeviceRevoked) -> DeviceStopped:
    """The revoked device's last contact: seal what was not sent, keep the file, wipe the rest."""
    revoked_ms = revocation.of_this_device(identity, refusal.revocation)
    if revoked_ms is None:
        return DeviceStopped(signed=False)
    replica = service.replica()
    count, oldest, newest = replica.unsent_summary()
    earlier = stopped_before(replica.state())
    file = None
    if count:
        sealed_ms = int(time.time() * 1000)
        data = unsent.seal(identity, sealed_ms, count, oldest, newest, replica.unsent_operations())
        stamp = dt.datetime.fromtimestamp(sealed_ms / 1000).strftime("%Y%m%d-%H%M%S")
        target = Path(service.session.folder) / f"unsent-{identity.login}-{stamp}{SUFFIX}"
        atomic.write_bytes(target, data)  # on disk before anything is deleted
        file = str(target)
    wipe.wipe_synced(service.store, service.session.me or None)
    stopped = DeviceStopped(signed=True, revoked_ms=revoked_ms, file=file, count=count, oldest_ms=oldest,
                            newest_ms=newest)
    if not count and earlier is not None:
        stopped = DeviceStopped(signed=True, revoked_ms=revoked_ms, file=earlier.file, count=earlier.count,
                                oldest_ms=earlier.oldest_ms, newest_ms=earlier.newest_ms)
    state = replica.state()
    updates: dict[str, str | None] = {key: None for key in state if key not in KEEP_STATE}
    updates.update(status="revoked", revoked_ms=str(revoked_ms), stopped_ms=str(int(time.time() * 1000)),
                   stopped_file=stopped.file, stopped_count=str(stopped.count),
                   stopped_oldest_ms=_text(stopped.oldest_ms), stopped_newest_ms=_text(stopped.newest_ms))
    replica.save_state(updates)
    with service.store.write() as records:
        service.session.audit(records, "sync.revoked", detail=f"unsent={count}")
    return stopped


def _text(value: int | None) -> str | None:
    return None if value is None else str(value)


@dataclass(frozen=True)
class Imported:
    login: str
    device: str
    count: int
    oldest_ms: int | None
    newest_ms: int | None
    records: int
    households: int
    again: bool  # this file was taken in before: nothing changed


def import_file(service, path: str | Path) -> Imported:
    """Take in a revoked device's sealed file (the office device only)."""
    identity = service.identity()
    if not identity.is_office or identity.org_keys is None:
        raise Refused("この操作は事務局（多機関協働）の端末でのみ行えます。")
    path = Path(path)
    try:
        with path.open("rb") as handle:
            data = handle.read(protocol.MAX_UNSENT_FILE_BYTES + 1)
    except OSError as exc:
        raise Refused(f"ファイルを読めません: {path}（{exc.strerror or type(exc).__name__}）") from None
    try:
        header = unsent.header(data)
        devices = _signed_devices(service, identity)
        opened = unsent.open_sealed(data, identity.org_id, identity.org_keys,
                                    lambda device_id: devices[device_id]["sign_public"] if device_id in devices else None)
    except ProtocolError:
        raise Refused(f"停止した端末の未送信ファイルではありません: {path}") from None
    except IntegrityFailure:
        raise Refused("このファイルは開けないか、組織が承認した端末の署名を確認できません（この組織のファイルでないか、"
                      "内容が変えられています）。何も取り込んでいません。") from None
    digest = hashlib.sha256(data).hexdigest()[:32]
    replica = service.replica()
    again = bool(replica.state().get(f"{IMPORTED}{digest}"))
    records = households = 0
    if not again:
        # Through the same gate as a pull; the file is signed as a whole, so its stamps are
        # declared by what it holds.
        # Each vault of the file needs a place of its own if the gate sets it aside: negative
        # numbers (the store's seqs are positive), unique per import.
        base = -int(time.time() * 1000) * 1000
        received = [Received(base - i, v["vault"], header["device"], v["ops"], None, outbound.latest_ms(v["ops"]))
                    for i, v in enumerate(opened.vaults)]
        applied = replica.merge_as_own(received)
        records, households = applied.records, len(applied.households)
        replica.save_state({f"{IMPORTED}{digest}": f"{opened.device}:{opened.count}:{opened.oldest_ms or ''}:"
                                                   f"{opened.newest_ms or ''}:{int(time.time() * 1000)}"})
        with service.store.write() as rec:
            service.session.audit(rec, "sync.import_unsent", detail=f"{opened.login}:{opened.count}")
        if applied.households:
            service.session.changed(set(applied.households))
    return Imported(opened.login, opened.device, opened.count, opened.oldest_ms, opened.newest_ms, records,
                    households, again)


def imported(state: dict[str, str]) -> dict[str, tuple[int, int | None, int | None, int]]:
    """What files taken in here held, per device: (changes, oldest, newest, when imported)."""
    out: dict[str, tuple[int, int | None, int | None, int]] = {}
    for key, value in state.items():
        parts = value.split(":")
        if not key.startswith(IMPORTED) or len(parts) != 5 or not parts[1].isdigit():
            continue
        number = lambda text: int(text) if text.isdigit() else None  # noqa: E731
        count, oldest, newest, at = int(parts[1]), number(parts[2]), number(parts[3]), number(parts[4]) or 0
        if parts[0] in out:
            before = out[parts[0]]
            count += before[0]
            oldest = min((x for x in (oldest, before[1]) if x is not None), default=None)
            newest = max((x for x in (newest, before[2]) if x is not None), default=None)
            at = max(at, before[3])
        out[parts[0]] = (count, oldest, newest, at)
    return out


def _signed_devices(service, identity: Identity) -> dict[str, dict]:
    """The organisation's devices whose keys it signed (revoked ones included: that is whose
    files are imported), fetched now or, offline, as last verified."""
    try:
        return service.verified_devices(identity)
    except SyncError:  # offline: the list verified at the last sync
        stored = service.replica().devices()
        return {i: d for i, d in stored.items() if d["verified"]}
