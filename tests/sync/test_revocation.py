"""Revoking a device, played through the real central store: the token is refused at once, a
store that lists the device as approved again gets it no keys, and the revoked laptop's unsent
work reaches the office through a sealed file while the laptop keeps nothing of any household."""

from __future__ import annotations

import base64
from pathlib import Path

import httpx
import pytest
from sqlalchemy import select, update

from app.errors import DeviceStopped, Refused
from sync import protocol
from sync.client import crypto
from sync.client.errors import DeviceRevoked, Unreachable
from sync.server import schema
from tests.sync.conftest import household_state

NOTE = "停止前に書いた面談記録カナリア一二三"
CONTACT = "停止前の訪問カナリア四五六"
NEW_HOME = "新規世帯カナリア七八九"


def _assigned(central, login="sato"):
    office = central.office()
    laptop = central.worker(office, login)
    station = office.directory.add_station("中央")
    home = office.households.create("山田家", "みその市本町1-2-3", station.id)
    office.contacts.add_note(home.id, "事務局の最初の記録。")
    office.sync.assign(home.id, login)
    laptop.sync.run()
    return office, laptop, home, station


def _fingerprint(session) -> str:
    return session.sync.identity().keys.fingerprint


def _device_id(session) -> str:
    return session.sync.identity().device_id


def _copies_for(central, device_id) -> list:
    with central.engine.begin() as conn:
        return conn.execute(select(schema.vault_key.c.vault_id).where(schema.vault_key.c.recipient == device_id)).all()


def test_the_revoked_token_is_refused_at_once_and_every_device_learns_the_signed_revocation(central_any):
    office, laptop, home, _ = _assigned(central_any)
    other = central_any.worker(office, "suzuki")
    token = laptop.sync.identity().token
    office.sync.revoke(_fingerprint(laptop))
    # At once: no sync of anybody in between.
    for path in ("/me", "/pull?after=0", "/keys?after=0", "/devices"):
        answer = central_any.client.get(protocol.PREFIX + path, headers={"Authorization": f"Bearer {token}"})
        assert answer.status_code == 403, path
        assert answer.json()["error"] == protocol.E_DEVICE_REVOKED
    other.sync.run()
    listed = {d.id: d for d in other.sync.devices()}
    assert listed[_device_id(laptop)].revoked_ms is not None  # the org's signature verified on a worker's device
    assert {d.id: d for d in office.sync.devices()}[_device_id(laptop)].status == "revoked"


def test_the_store_refuses_a_revocation_the_organisation_did_not_sign(central):
    office, laptop, _, _ = _assigned(central)
    office_token = office.sync.identity().token
    forged = crypto.KeyPair.generate().sign(b"anything")
    answer = central.client.post(
        f"{protocol.PREFIX}/devices/{_device_id(laptop)}/revoke",
        json={"revoked_ms": 1, "signature": base64.b64encode(forged).decode()},
        headers={"Authorization": f"Bearer {office_token}"})
    assert answer.status_code == 400 and answer.json()["error"] == protocol.E_BAD_SIGNATURE
    laptop.sync.run()  # still approved
    # A worker cannot revoke anybody, even with a well-formed body.
    answer = central.client.post(
        f"{protocol.PREFIX}/devices/{_device_id(office)}/revoke",
        json={"revoked_ms": 1, "signature": base64.b64encode(forged).decode()},
        headers={"Authorization": f"Bearer {laptop.sync.identity().token}"})
    assert answer.status_code == 403


def test_a_store_that_lists_a_revoked_device_as_approved_gets_it_no_keys(central):
    office, laptop, home, station = _assigned(central)
    second = central.worker(office, "sato", owner="佐藤 さん（2台目）")  # the same worker's other laptop
    second.sync.run()
    revoked_id = _device_id(laptop)
    office.sync.revoke(_fingerprint(laptop))
    second.sync.run()  # sees the signed revocation once
    before = len(_copies_for(central, revoked_id))
    # The store's operator brings the device back, signature and all traces of the revocation gone.
    with central.engine.begin() as conn:
        conn.execute(update(schema.device).where(schema.device.c.id == revoked_id)
                     .values(status="approved", revocation=None, revoked_ms=None))
    fresh = office.households.create("田中家", "みその市本町2-3-4", station.id)
    office.contacts.add_note(fresh.id, "新しい世帯の記録。")
    office.sync.assign(fresh.id, "sato")
    second.sync.run()
    office.sync.run()
    assert len(_copies_for(central, revoked_id)) == before  # no honest device wrapped a key for it
    assert [h.name for h in second.households.rows()] == ["山田家", "田中家"]  # the honest laptop got it
    # The brought-back laptop syncs and still cannot read the new household.
    report = laptop.sync.run()
    assert fresh.id not in {h.id for h in laptop.households.rows()}
    assert report.keys_received == 0


def _cut_push(central):
    def refuse(request: httpx.Request) -> None:
        if request.url.path.endswith("/push"):
            raise httpx.ConnectError("cable pulled", request=request)
    return httpx.Client(base_url=central.url, timeout=30, event_hooks={"request": [refuse]})


def test_the_office_sees_what_a_device_had_not_sent(central):
    office, laptop, home, _ = _assigned(central)
    laptop.contacts.add_note(home.id, "一件目")
    laptop.contacts.add_note(home.id, "二件目")
    cut = _cut_push(central)
    laptop.sync.client_factory = lambda: cut
    with pytest.raises(Unreachable):
        laptop.sync.run()
    listed = {d.id: d for d in office.sync.devices()}[_device_id(laptop)]
    assert listed.unsent is not None
    assert listed.unsent.count == laptop.pending_changes() > 0
    assert listed.unsent.oldest_ms <= listed.unsent.newest_ms
    laptop.sync.client_factory = lambda: central.client
    laptop.sync.run()
    listed = {d.id: d for d in office.sync.devices()}[_device_id(laptop)]
    assert listed.unsent.count == 0
    cut.close()


def _write_offline(laptop, home, station):
    laptop.contacts.add_note(home.id, NOTE)
    laptop.contacts.log_contact(home.id, kind="home_visit", outcome="met", summary=CONTACT)
    new_home = laptop.households.create(NEW_HOME, "みその市山手5-6", station.id)
    laptop.contacts.add_note(new_home.id, "新しい世帯での最初の記録。")
    return new_home


def test_the_revoked_laptops_unsent_work_reaches_the_office_and_the_laptop_keeps_nothing(central_any):
    office, laptop, home, station = _assigned(central_any)
    new_home = _write_offline(laptop, home, station)
    pending = laptop.pending_changes()
    assert pending > 0
    office.sync.revoke(_fingerprint(laptop))

    with pytest.raises(DeviceStopped) as stopped:
        laptop.sync.run()
    assert stopped.value.signed and stopped.value.count == pending
    from app.errors import describe

    assert describe(stopped.value).startswith("この端末は事務局により停止されました")
    sealed = stopped.value.file
    assert sealed and str(laptop.folder) in sealed
    data = Path(sealed).read_bytes()
    # Canary: nothing typed is in the file in any encoding a reader could try.
    for text in (NOTE, CONTACT, NEW_HOME, "山田家"):
        for encoding in ("utf-8", "utf-16-le", "shift_jis"):
            assert text.encode(encoding) not in data
    # The laptop holds nothing of any household afterwards.
    state = household_state(laptop)
    assert all(rows == [] for name, rows in state.items() if name != "staff")
    assert laptop.households.rows() == []
    assert laptop.search.find(NOTE[:6]) == [] and laptop.search.find(NEW_HOME[:4]) == []
    assert laptop.pending_changes() == 0
    assert laptop.sync.replica().vault_keys() == {}
    # Every table of the profile, those other features add later included, is empty but for the
    # settings, the audit chain (ids and actions only) and the owner's own staff entry.
    conn = laptop.store.connection()
    for (table,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'").fetchall():
        if table in ("meta", "audit") or table.startswith(("search_fts", "search_vocab", "sqlite_")):
            continue
        left = conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
        assert left == (1 if table == "staff" else 0), table
    for path in laptop.folder.rglob("*"):
        if path.is_file() and not str(path).endswith(".yorisoi-unsent"):
            blob = path.read_bytes()
            assert NOTE.encode() not in blob and NEW_HOME.encode() not in blob
    # A second contact says the same, and seals nothing new.
    with pytest.raises(DeviceStopped) as again:
        laptop.sync.run()
    assert again.value.file == sealed and again.value.count == pending

    done = office.sync.import_unsent(sealed)
    assert done.count == pending and not done.again
    assert NOTE in [n.text for n in office.contacts.notes(home.id)]
    assert office.households.get(new_home.id).name == NEW_HOME
    assert office.sync.import_unsent(sealed).again
    listed = {d.id: d for d in office.sync.devices()}[_device_id(laptop)]
    assert listed.imported is not None and listed.imported.count == pending  # the file confirms what it held
    from tests.conftest import PASSPHRASE
    from tests.ui.cli_helpers import yorisoi

    shown = yorisoi("devices", "--profile", str(office.folder), passphrase=PASSPHRASE)
    assert shown.code == 0, shown.err
    assert "停止（" in shown.out and "組織の署名あり" in shown.out
    assert "未送信の変更: なし" in shown.out  # what the laptop last reported (its last sync sent everything)
    assert f"封印ファイルから取り込み済み: {pending} 件" in shown.out
    # ... and it goes on to the rest of the organisation through the office's next sync.
    office.sync.run()
    colleague = central_any.worker(office, "suzuki")
    office.sync.assign(new_home.id, "suzuki")
    colleague.sync.run()
    assert colleague.households.get(new_home.id).name == NEW_HOME
    assert "新しい世帯での最初の記録。" in [n.text for n in colleague.contacts.notes(new_home.id)]


def test_an_unsent_file_that_was_changed_or_not_signed_by_an_approved_device_is_refused(central, tmp_path):
    office, laptop, home, station = _assigned(central)
    laptop.contacts.add_note(home.id, NOTE)
    office.sync.revoke(_fingerprint(laptop))
    with pytest.raises(DeviceStopped) as stopped:
        laptop.sync.run()
    data = bytearray(Path(stopped.value.file).read_bytes())
    data[-5] ^= 1
    changed = tmp_path / "changed.yorisoi-unsent"
    changed.write_bytes(bytes(data))
    with pytest.raises(Refused):
        office.sync.import_unsent(changed)
    # A device the organisation never approved seals a file of its own to the recovery key.
    stranger = central.worker(office, "tanaka", approve=False)
    from sync.client import unsent

    identity = stranger.sync.identity()
    forged = unsent.seal(identity, 1, 1, None, None, [{"vault": home.vault_id, "kind": "household", "ops": []}])
    other = tmp_path / "forged.yorisoi-unsent"
    other.write_bytes(forged)
    with pytest.raises(Refused):
        office.sync.import_unsent(other)
    # Anyone can seal to the organisation's public key: garbage inside is refused, never a crash.
    garbage = tmp_path / "garbage.yorisoi-unsent"
    garbage.write_bytes(_sealed_garbage(office.sync.identity(), _device_id(laptop), b"\xc1" * 64))
    with pytest.raises(Refused):
        office.sync.import_unsent(garbage)
    assert NOTE not in [n.text for n in office.contacts.notes(home.id)]


def _sealed_garbage(office_identity, device_id: str, inner: bytes) -> bytes:
    import os

    import msgpack
    from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    from sync.client import unsent

    org, recovery_public = office_identity.org_id, office_identity.org_box_public
    ephemeral = X25519PrivateKey.generate()
    ephemeral_public = ephemeral.public_key().public_bytes_raw()
    context = protocol.unsent_seal_context(org, device_id, ephemeral_public)
    kek = unsent._kek(ephemeral.exchange(X25519PublicKey.from_public_bytes(recovery_public)), ephemeral_public,
                      recovery_public, context)
    nonce = os.urandom(12)
    return protocol.UNSENT_MAGIC + msgpack.packb(
        {"org": org, "device": device_id, "ephemeral": ephemeral_public, "nonce": nonce,
         "sealed": AESGCM(kek).encrypt(nonce, inner, context)}, use_bin_type=True)


def test_a_revocation_the_organisation_did_not_sign_wipes_nothing(central):
    office, laptop, home, _ = _assigned(central)
    laptop.contacts.add_note(home.id, NOTE)
    with central.engine.begin() as conn:
        conn.execute(update(schema.device).where(schema.device.c.id == _device_id(laptop)).values(status="revoked"))
    with pytest.raises(DeviceRevoked) as refused:
        laptop.sync.run()
    assert isinstance(refused.value, DeviceStopped) and not refused.value.signed
    assert NOTE in [n.text for n in laptop.contacts.notes(home.id)]
    assert laptop.pending_changes() > 0
    assert list(laptop.folder.glob("*.yorisoi-unsent")) == []


def test_sync_status_on_a_stopped_laptop_says_why_and_where_the_file_is(central, tmp_path):
    from tests.conftest import PASSPHRASE
    from tests.ui.cli_helpers import yorisoi

    office, laptop, home, _ = _assigned(central)
    laptop.contacts.add_note(home.id, NOTE)
    office.sync.revoke(_fingerprint(laptop))
    with pytest.raises(DeviceStopped) as stopped:
        laptop.sync.run()
    folder = laptop.folder
    central.sessions.remove(laptop)
    laptop.close()
    shown = yorisoi("sync-status", "--profile", str(folder), passphrase=PASSPHRASE)
    assert shown.code == 0
    assert "この端末は事務局により停止されました" in shown.out and stopped.value.file in shown.out.replace("\n", "")


def test_every_refused_vault_of_an_imported_file_is_kept_aside_on_its_own(central, tmp_path):
    """A file whose vaults each carry an operation the gate refuses (here: on the other
    household's record) leaves one quarantined entry per vault — none overwrites another."""
    office, laptop, home, station = _assigned(central)
    other = office.households.create("佐藤家", "みその市本町4-5-6", station.id)
    office.sync.run()
    identity = laptop.sync.identity()
    office.sync.revoke(_fingerprint(laptop))
    from storage.hlc import HybridClock, now_ms
    from sync.client import unsent

    clock = HybridClock(identity.device_id)
    forged = [
        {"vault": home.vault_id, "kind": "household",
         "ops": [["r", "household", other.id, [[clock.tick(), {"memo": "よその世帯を書き換え"}]], None]]},
        {"vault": other.vault_id, "kind": "household",
         "ops": [["r", "household", home.id, [[clock.tick(), {"memo": "こちらも書き換え"}]], None]]},
    ]
    path = tmp_path / "two-vaults.yorisoi-unsent"
    path.write_bytes(unsent.seal(identity, now_ms(), 2, None, None, forged))
    office.sync.import_unsent(path)
    kept = office.sync.replica().quarantined()
    assert sorted(q.vault for q in kept) == sorted([home.vault_id, other.vault_id])
    assert {q.seq for q in kept} and all(q.seq < 0 for q in kept)
    assert office.households.get(home.id).memo != "こちらも書き換え"
    assert office.households.get(other.id).memo != "よその世帯を書き換え"
