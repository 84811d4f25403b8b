"""Who may read what: another organisation's device, a worker not assigned to a household, a
device the office has not approved, and a device whose key the organisation never signed."""

from __future__ import annotations

import pytest
from sqlalchemy import update

from sync.client.errors import DevicePending, DeviceRevoked, ServerRefused
from sync.server import schema


def _home(session, name="山田家"):
    station = session.directory.add_station("中央")
    home = session.households.create(name, "みその市本町1-2-3", station.id)
    session.contacts.add_note(home.id, "本人と面談した。母の介護の相談。")
    return home


def test_a_worker_sees_only_the_households_assigned_to_them(central_any):
    office = central_any.office()
    sato = central_any.worker(office, "sato")
    suzuki = central_any.worker(office, "suzuki")
    mine, theirs = _home(office, "山田家"), _home(office, "佐藤家")
    office.sync.assign(mine.id, "sato")
    sato.sync.run()
    suzuki.sync.run()
    assert [h.name for h in sato.households.rows()] == ["山田家"]
    assert suzuki.households.rows() == []
    assert theirs.id not in {h.id for h in sato.households.rows()}


def test_a_household_created_on_a_laptop_reaches_the_office_and_no_other_worker(central):
    office = central.office()
    sato = central.worker(office, "sato")
    suzuki = central.worker(office, "suzuki")
    home = _home(sato, "鈴木家")
    sato.sync.run()
    office.sync.run()
    suzuki.sync.run()
    assert office.households.get(home.id).name == "鈴木家"
    assert [n.text for n in office.contacts.notes(home.id)] == ["本人と面談した。母の介護の相談。"]
    assert suzuki.households.rows() == []


def test_a_device_of_another_organisation_receives_nothing(central):
    office = central.office("みその市")
    home = _home(office)
    office.sync.run()
    other_office = central.office("となり町", owner="隣町 事務局")
    other_office.sync.run()
    assert other_office.households.rows() == []
    # Asking for the household's vault directly is refused, not answered.
    remote = other_office.sync.remote()
    with pytest.raises(ServerRefused) as refused:
        remote.backfill([{"id": office.households.get(home.id).vault_id, "after": 0, "before": 10**9}], 100)
    assert refused.value.status in (403, 404)
    with pytest.raises(ServerRefused):
        remote.post_statements([{"vault_id": office.households.get(home.id).vault_id, "login": "office",
                                 "action": "grant", "serial": 1, "signature": "A" * 86 + "=="}])


def test_a_device_waiting_for_approval_cannot_sync(central):
    office = central.office()
    laptop = central.worker(office, "sato", approve=False)
    with pytest.raises(DevicePending):
        laptop.sync.run()
    assert laptop.sync.status().device_status == "pending"


def test_a_revoked_device_is_refused(central):
    office = central.office()
    laptop = central.worker(office, "sato")
    laptop.sync.run()
    with central.engine.begin() as conn:
        conn.execute(update(schema.device).where(schema.device.c.id == laptop.sync.identity().device_id)
                     .values(status="revoked"))
    with pytest.raises(DeviceRevoked):
        laptop.sync.run()


def test_no_key_is_wrapped_for_a_device_the_organisation_never_signed(central):
    """A breached server marks a device approved without the office's signature: the office's
    device and the laptops refuse to hand it any vault key."""
    office = central.office()
    sato = central.worker(office, "sato")
    home = _home(office)
    office.sync.assign(home.id, "sato")
    intruder = central.worker(office, "sato", owner="侵入者", approve=False)
    intruder_id = intruder.sync.identity().device_id
    with central.engine.begin() as conn:
        conn.execute(update(schema.device).where(schema.device.c.id == intruder_id)
                     .values(status="approved", signature=b"\x00" * 64))
    office.sync.run()
    sato.sync.run()
    with central.engine.begin() as conn:
        copies = conn.execute(schema.vault_key.select().where(schema.vault_key.c.recipient == intruder_id)).fetchall()
    assert copies == []
    report = intruder.sync.run()
    assert intruder.households.rows() == []
    assert report.held > 0 or report.pulled_envelopes == 0
