"""Membership decided by the organisation, played through the real central store: a store
that adds a member, planted and garbage key copies, removing a worker from a household, and
the staff transfer (人事異動). Each test fails if the attack works or the feature is broken."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from sqlalchemy import insert, select

from app.services.timeline import build
from sync.client import crypto, enrolment
from sync.client.errors import ServerRefused
from sync.server import schema

NOTE = "面談記録テキストZQ81。母の介護の相談。"


def _home(session, name="山田家"):
    station = session.directory.add_station("中央")
    home = session.households.create(name, "みその市本町1-2-3", station.id)
    session.contacts.add_note(home.id, NOTE)
    return home


def _copies_for(central, device_id: str, vault_id: str | None = None) -> list:
    with central.engine.begin() as conn:
        query = select(schema.vault_key).where(schema.vault_key.c.recipient == device_id)
        if vault_id:
            query = query.where(schema.vault_key.c.vault_id == vault_id)
        return conn.execute(query).fetchall()


def test_a_member_the_store_adds_gets_no_key(central):
    """The store's operator inserts a worker into a household's membership table: the store then
    lists the worker's device as needing the key, and every honest device refuses to wrap it."""
    office = central.office()
    sato = central.worker(office, "sato")
    suzuki = central.worker(office, "suzuki")
    home = _home(office)
    office.sync.assign(home.id, "sato")
    sato.sync.run()
    vault_id = office.households.get(home.id).vault_id
    suzuki_id = suzuki.sync.identity().device_id
    with central.engine.begin() as conn:
        account_id = conn.scalar(select(schema.account.c.id).where(schema.account.c.login == "suzuki"))
        conn.execute(insert(schema.vault_member).values(vault_id=vault_id, account_id=account_id, granted_seq=1))
        conn.execute(schema.org.update().values(keys_epoch=schema.org.c.keys_epoch + 1))
    needed = office.sync.remote().keys_needed()
    assert suzuki_id in {n["device_id"] for n in needed}  # the store asks for it…
    office.sync.run()
    sato.sync.run()
    assert _copies_for(central, suzuki_id, vault_id) == []  # …and nobody gives it
    suzuki.sync.run()
    assert suzuki.households.rows() == []
    assert suzuki.search.find("面談記録テキスト") == []


def _approved_quietly(central, office, login: str):
    """A new device of `login`, approved without the office syncing afterwards (so no honest
    copy has been supplied yet when the attacker acts)."""
    laptop = central.worker(office, login, approve=False)
    identity = office.sync.identity()
    remote = office.sync.remote(identity)
    enrolment.approve(identity, remote, laptop.sync.identity().keys.fingerprint)
    return laptop


def test_a_planted_wrong_key_and_a_garbage_copy_are_detected_and_replaced(central):
    """sato (a member) plants, for his colleague's new device, a well-made copy of a wrong key
    for one household and 60 random bytes for another. The new device finds both bad, reports
    them, receives good copies from the office and reads both households."""
    office = central.office()
    sato = central.worker(office, "sato")
    central.worker(office, "tanaka")
    first, second = _home(office, "山田家"), _home(office, "佐藤家")
    office.sync.assign([first.id, second.id], "tanaka")
    office.sync.assign([first.id, second.id], "sato")
    sato.sync.run()
    victim = _approved_quietly(central, office, "tanaka")
    victim_id = victim.sync.identity().device_id
    vaults = [office.households.get(h.id).vault_id for h in (first, second)]

    identity = sato.sync.identity()
    copier = crypto.KeyCopier(identity.keys.box_private)
    wrong = copier.wrap(crypto.new_vault_key(), victim.sync.identity().keys.box_public, sender=identity.device_id,
                        recipient=victim_id, vault_id=vaults[0], key_version=1)
    planted = [{"vault_id": vaults[0], "key_version": 1, "recipient": victim_id, "wrapped": _b64(wrong)},
               {"vault_id": vaults[1], "key_version": 1, "recipient": victim_id, "wrapped": _b64(os.urandom(60))}]
    assert sato.sync.remote(identity).upload_keys(planted) == 2

    report = victim.sync.run()
    assert report.bad_copies == 2
    assert victim.households.rows() == []
    assert _copies_for(central, victim_id) == [] or all(
        c.wrapped_by != identity.device_id for c in _copies_for(central, victim_id))
    office.sync.run()  # supplies good copies in place of the reported ones
    report = victim.sync.run()
    assert report.complete and report.bad_copies == 0
    assert {h.name for h in victim.households.rows()} == {"山田家", "佐藤家"}
    assert [n.text for n in victim.contacts.notes(first.id)] == [NOTE]


def _b64(data: bytes) -> str:
    import base64

    return base64.b64encode(data).decode("ascii")


def _holds_anything_of(session, household_id: str, vault_id: str) -> list[str]:
    conn = session.store.connection()
    found = []
    for table in ("household", "person", "note", "contact", "cases"):
        if conn.execute(f"SELECT 1 FROM {table} WHERE vault_id = ? LIMIT 1", (vault_id,)).fetchone():
            found.append(table)
    if conn.execute("SELECT 1 FROM draft WHERE household_id = ? LIMIT 1", (household_id,)).fetchone():
        found.append("draft")
    index = session.store.index.reader()  # the search index file, once it holds every change
    if index.execute("SELECT 1 FROM search_doc WHERE household_id = ? LIMIT 1", (household_id,)).fetchone():
        found.append("search_doc")
    for table in ("sync_key", "sync_vault", "change"):
        if conn.execute(f"SELECT 1 FROM {table} WHERE vault_id = ? LIMIT 1", (vault_id,)).fetchone():
            found.append(table)
    return found


def test_unassign_purges_the_household_from_the_workers_devices_and_rotates_the_key(central):
    office = central.office()
    sato = central.worker(office, "sato")
    sato2 = central.worker(office, "sato", owner="佐藤 二台目")
    tanaka = central.worker(office, "tanaka")
    home, other = _home(office, "山田家"), _home(office, "鈴木家")
    office.sync.assign(home.id, "sato")
    office.sync.assign([home.id, other.id], "tanaka")
    office.sync.assign(other.id, "sato")
    for device in (sato, sato2, tanaka):
        device.sync.run()
    vault_id = office.households.get(home.id).vault_id
    sato.drafts.save("contact:new", "contact", {"summary": "下書き"}, household_id=home.id)
    assert sato.search.find("面談記録テキスト")
    assert _holds_anything_of(sato, home.id, vault_id)

    office.sync.unassign(home.id, "sato")
    for device in (sato, sato2):
        report = device.sync.run()
        assert home.id in report.purged
        assert _holds_anything_of(device, home.id, vault_id) == []
        assert [h.name for h in device.households.rows()] == ["鈴木家"]  # the other household stays
        assert device.search.find("面談記録テキスト") == [] or all(
            r.household_id != home.id for r in device.search.find("面談記録テキスト"))
        with pytest.raises(ServerRefused) as refused:
            device.sync.remote().backfill([{"id": vault_id, "after": 0, "before": 10**9}], 100)
        assert refused.value.status == 403
    assert sato.drafts.load("contact:new") is None

    # A new key version: the remaining member gets it, the removed worker's devices do not, and
    # later envelopes are sealed with it.
    with central.engine.begin() as conn:
        version = conn.scalar(select(schema.vault.c.key_version).where(schema.vault.c.id == vault_id))
    assert version == 2
    for device in (sato, sato2):
        assert all(c.key_version == 1 for c in _copies_for(central, device.sync.identity().device_id, vault_id))
    office.contacts.add_note(home.id, "異動後の記録。")
    office.sync.run()
    tanaka.sync.run()
    assert "異動後の記録。" in [n.text for n in tanaka.contacts.notes(home.id)]
    with central.engine.begin() as conn:
        kvs = conn.scalars(select(schema.log.c.kv).where(schema.log.c.vault_id == vault_id,
                                                         schema.log.c.kind == "env").order_by(schema.log.c.seq)).all()
    assert kvs[-1] == 2
    for device in (sato, sato2):
        device.sync.run()
        assert _holds_anything_of(device, home.id, vault_id) == []


def test_a_removal_the_store_invents_purges_nothing(central):
    """Only a removal the organisation signed makes a device forget a household: a store that
    drops a worker from its membership table merely refuses them."""
    office = central.office()
    sato = central.worker(office, "sato")
    home = _home(office)
    office.sync.assign(home.id, "sato")
    sato.sync.run()
    vault_id = office.households.get(home.id).vault_id
    with central.engine.begin() as conn:
        conn.execute(schema.vault_member.update().where(schema.vault_member.c.vault_id == vault_id)
                     .values(removed_ms=1))
    sato.sync.run()
    assert [h.name for h in sato.households.rows()] == ["山田家"]


def test_transfer_moves_every_household_of_a_worker_in_one_action(central):
    office = central.office()
    sato = central.worker(office, "sato", owner="佐藤 一郎")  # each laptop names its owner's staff entry
    tanaka = central.worker(office, "tanaka", owner="田中 花子")
    homes = [_home(office, name) for name in ("山田家", "鈴木家")]
    kept = _home(office, "高橋家")  # not sato's: stays where it is
    office.sync.assign([h.id for h in homes], "sato")
    sato.sync.run()
    tanaka.sync.run()
    office.sync.run()  # the staff directory with both names
    assert tanaka.households.rows() == []

    moved = office.sync.transfer("sato", "tanaka")
    assert sorted(moved) == sorted(h.id for h in homes)
    tanaka.sync.run()
    sato.sync.run()
    assert {h.name for h in tanaka.households.rows()} == {"山田家", "鈴木家"}
    assert sato.households.rows() == []
    assert kept.id not in {h.id for h in tanaka.households.rows()}
    for home in homes:
        assert NOTE in [n.text for n in tanaka.contacts.notes(home.id)]  # the history came along
        timeline = build(tanaka.store.read(), home.id)
        assert any(item.body == "担当交代: 佐藤 一郎 → 田中 花子" for item in timeline)
    assert office.sync.households_of("sato") == []
    assert sorted(office.sync.households_of("tanaka")) == sorted(h.id for h in homes)


def test_transfer_of_chosen_households_and_refusals(central):
    office = central.office()
    central.worker(office, "sato")
    central.worker(office, "tanaka")
    first, second = _home(office, "山田家"), _home(office, "鈴木家")
    office.sync.assign([first.id, second.id], "sato")
    assert office.sync.transfer("sato", "tanaka", [first.id]) == [first.id]
    assert office.sync.households_of("sato") == [second.id]
    from app.errors import Refused

    with pytest.raises(Refused):
        office.sync.transfer("sato", "tanaka", [first.id])  # not sato's any more
    with pytest.raises(Refused):
        office.sync.unassign(first.id, "sato")
    with pytest.raises(Refused):
        office.sync.transfer("sato", "sato")


def test_a_grant_the_store_replays_after_a_removal_changes_nothing(central):
    office = central.office()
    sato = central.worker(office, "sato")
    home = _home(office)
    office.sync.assign(home.id, "sato")
    sato.sync.run()
    vault_id = office.households.get(home.id).vault_id
    office.sync.unassign(home.id, "sato")
    # The store relays the old grant again as if it were new (a copy of its row, a later id).
    with central.engine.begin() as conn:
        old = conn.execute(select(schema.vault_statement).where(schema.vault_statement.c.vault_id == vault_id,
                                                                 schema.vault_statement.c.action == "grant")).first()
        row = {k: v for k, v in old._mapping.items() if k != "id"}
        conn.execute(insert(schema.vault_statement).values(**row))
        account_id = row["account_id"]
        conn.execute(schema.vault_member.update().where(schema.vault_member.c.vault_id == vault_id,
                                                        schema.vault_member.c.account_id == account_id)
                     .values(removed_ms=None))
        conn.execute(schema.org.update().values(keys_epoch=schema.org.c.keys_epoch + 1))
    office.sync.run()
    sato_id = sato.sync.identity().device_id
    assert all(c.key_version == 1 for c in _copies_for(central, sato_id, vault_id))


def test_what_a_removed_worker_had_not_sent_is_sealed_for_the_office_before_the_purge(central):
    office = central.office()
    sato = central.worker(office, "sato")
    home = _home(office)
    office.sync.assign(home.id, "sato")
    sato.sync.run()
    sato.contacts.add_note(home.id, "外される前に書いた記録。")  # written offline, not sent yet
    office.sync.unassign(home.id, "sato")
    report = sato.sync.run()
    assert home.id in report.purged
    [sealed] = report.sealed_files
    assert "外される前".encode() not in Path(sealed).read_bytes()  # sealed, not plain
    assert "外される前に書いた記録。" not in [n.text for n in office.contacts.notes(home.id)]
    office.sync.import_unsent(sealed)
    assert "外される前に書いた記録。" in [n.text for n in office.contacts.notes(home.id)]


def test_a_member_added_and_removed_offline_by_a_removed_worker_reaches_the_other_members(central):
    """The removed worker's sealed file holds a member created and deleted offline (never sent):
    the office takes it in and sends it on, and the household's other member merges it (found by
    the convergence property test: the office's envelope was quarantined for an empty base stamp)."""
    office = central.office()
    sato = central.worker(office, "sato")
    tanaka = central.worker(office, "tanaka")
    home = _home(office)
    office.sync.assign(home.id, "sato")
    office.sync.assign(home.id, "tanaka")
    sato.sync.run()
    tanaka.sync.run()
    person = sato.households.add_person(home.id, "山田 次郎", relation="長男")
    sato.households.add_person(home.id, "山田 花子", relation="母")
    sato.households.remove_person(person.id)
    office.sync.unassign(home.id, "sato")
    [sealed] = sato.sync.run().sealed_files
    office.sync.import_unsent(sealed)
    office.sync.run()
    tanaka.sync.run()
    assert office.sync.quarantined() == []
    assert tanaka.sync.replica().store.connection().execute("SELECT reason, detail FROM sync_quarantine").fetchall() == []
    assert sorted(p.name for p in tanaka.households.persons(home.id)) == sorted(
        p.name for p in office.households.persons(home.id))
    assert tanaka.store.connection().execute("SELECT deleted FROM person WHERE id = ?", (person.id,)).fetchone() == (1,)


def test_a_household_granted_again_after_a_removal_comes_back(central):
    office = central.office()
    sato = central.worker(office, "sato")
    home = _home(office)
    office.sync.assign(home.id, "sato")
    sato.sync.run()
    office.sync.unassign(home.id, "sato")
    sato.sync.run()
    assert sato.households.rows() == []
    office.sync.assign(home.id, "sato")
    sato.sync.run()
    sato.sync.run()
    assert [h.id for h in sato.households.rows()] == [home.id]
    assert NOTE in [n.text for n in sato.contacts.notes(home.id)]
