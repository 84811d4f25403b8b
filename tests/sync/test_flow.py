"""Two laptops and an office desktop on one central store: enrol, approve, assign, edit
offline, sync in any order, and end up identical."""

from __future__ import annotations

from tests.sync.conftest import household_state


def _household(session, name="山田家"):
    station = session.directory.add_station("中央")
    h = session.households.create(name, "みその市本町1-2-3", station.id, kana="ヤマダケ")
    session.households.add_person(h.id, "山田 一郎", kana="ヤマダ イチロウ", birth_date="1972-05-01", relation="本人")
    return h


def test_office_and_two_laptops_converge(central):
    office = central.office()
    a = central.worker(office, "sato")
    b = central.worker(office, "suzuki")
    h = _household(office)
    office.sync.run()
    office.sync.assign(h.id, "sato")
    office.sync.assign(h.id, "suzuki")
    a.sync.run()
    b.sync.run()
    assert a.households.get(h.id).name == "山田家"
    a.contacts.log_contact(h.id, kind="home_visit", outcome="met", summary="本人と面談。体調は安定")
    b.contacts.add_note(h.id, "母の介護の相談を受けた")
    b.households.update(h.id, memo="民生委員と同行予定")
    for device in (b, a, office, a, b):
        device.sync.run()
    states = [household_state(d) for d in (office, a, b)]
    assert states[0] == states[1] == states[2]
    assert len(office.contacts.contacts(h.id)) == 1
