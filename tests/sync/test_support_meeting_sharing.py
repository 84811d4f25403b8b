"""A held 支援会議 gives its households to those who sat in it, and to nobody else: played through
the real central store. The attendee's laptop receives a household without consent once the
office applies the sitting; a worker who did not attend gets no rows and no key copy, and an
attendee from an outside agency without an account gets nothing."""

from __future__ import annotations

from sqlalchemy import select

from sync.server import schema
from tests.sync.conftest import household_state

NOTE = "支援会議の世帯メモQX47。本人同意はまだない。"
SATO = {"name": "佐藤 花子", "role": "coordinator", "login": "sato"}
SCHOOL = {"name": "学校 担当", "role": "agency", "agency": "みその中学校", "login": "school1"}


def _copies_for(central, device_id: str, vault_id: str) -> list:
    with central.engine.begin() as conn:
        return conn.execute(select(schema.vault_key).where(schema.vault_key.c.recipient == device_id,
                                                           schema.vault_key.c.vault_id == vault_id)).fetchall()


def _support_meeting(office, household_id: str):
    meeting = office.meetings.create("support", "2025-06-10", attendees=[SATO, SCHOOL])
    for a in office.meetings.get(meeting.id).attendee_list():
        office.meetings.acknowledge(meeting.id, a.key)
    office.meetings.set_agenda(meeting.id, [{"household_id": household_id}])
    return office.meetings.get(meeting.id)


def _apply_in_the_window(qtbot, office, meeting) -> str:
    """決定をケースに反映 in the meeting window: the door that records the sitting as held."""
    from ui.desktop.meetings.hold import HoldPane

    pane = HoldPane(office)
    qtbot.addWidget(pane)
    pane.show_meeting(meeting)
    said, failed = [], []
    pane.done.connect(said.append)
    pane.failed.connect(failed.append)
    pane.apply()
    assert not failed and len(said) == 1
    return said[0]


def test_a_held_support_meeting_shares_its_households_with_attendees_only(central, qtbot):
    office = central.office()
    sato = central.worker(office, "sato")  # attended and acknowledged
    suzuki = central.worker(office, "suzuki")  # did not attend
    station = office.directory.add_station("中央")
    home = office.households.create("山田家", "みその市本町1-2-3", station.id)
    office.cases.open_case(home.id)  # no consent: only a 支援会議 may discuss it
    office.contacts.add_note(home.id, NOTE)
    meeting = _support_meeting(office, home.id)
    sato.sync.run()
    assert sato.households.rows() == []  # planning the sitting shares nothing

    words = _apply_in_the_window(qtbot, office, meeting)
    assert "sato" in words and "school1" in words and "アカウントがない" in words
    assert office.sync.members_of(home.id) == ["sato"]

    sato.sync.run()
    suzuki.sync.run()
    assert [h.id for h in sato.households.rows()] == [home.id]
    assert [n.text for n in sato.contacts.notes(home.id)] == [NOTE]
    assert suzuki.households.rows() == []
    vault_id = office.households.get(home.id).vault_id
    assert _copies_for(central, sato.sync.identity().device_id, vault_id)
    assert _copies_for(central, suzuki.sync.identity().device_id, vault_id) == []
    seen = repr(household_state(suzuki))
    assert NOTE not in seen and "山田家" not in seen
    # Applying again grants nothing twice and says the same.
    assert office.sync.share_held_meeting(meeting.id) in words
