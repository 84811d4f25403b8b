"""The gate on everything received, attacked through the real central store (issue 9).

The attacker is a worker with a real, approved laptop and one assigned household: what it
seals is signed with its real keys, encrypted with a vault key it really holds, and pushed to
the store like any envelope. Each test fails if the attack works."""

from __future__ import annotations

import time
from types import SimpleNamespace

import pytest
import zstandard

from storage import outbound
from sync import protocol
from sync.client import codec, crypto, transfer
from sync.client.errors import ServerRefused
from sync.server import log_store


def _home(session, name: str, station=None):
    station = station or session.directory.add_station("中央")
    home = session.households.create(name, "みその市本町1-2-3", station.id)
    session.contacts.add_note(home.id, f"{name}の記録。")
    return home, station


@pytest.fixture
def city(central):
    """The office holds two households; sato is assigned the first only."""
    office = central.office()
    sato = central.worker(office, "sato")
    mine, station = _home(office, "山田家")
    theirs, _ = _home(office, "佐藤家", station)
    office.sync.assign(mine.id, "sato")
    sato.sync.run()
    assert [h.id for h in sato.households.rows()] == [mine.id]
    return SimpleNamespace(central=central, office=office, sato=sato, mine=mine, theirs=theirs, station=station)


def _stamp(session) -> str:
    return session.store.clock.tick()


def _seal(session, vault_id: str, ops: list | None = None, *, plaintext: bytes | None = None,
          stamp_ms: int | None = None):
    """An envelope sealed by this device's real keys into a vault it holds."""
    identity = session.sync.identity()
    replica = session.sync.replica()
    kv = max(v for (vid, v) in replica.vault_keys() if vid == vault_id)
    key = replica.vault_key(vault_id, kv)
    body = plaintext if plaintext is not None else codec.encode(ops)
    if stamp_ms is None:  # what an honest sealer declares: the time of its latest stamp
        stamp_ms = outbound.Batch(vault_id, ops or [], []).stamp_ms if ops else int(time.time() * 1000)
    return crypto.seal(body, key, vault_id, transfer.envelope_id(), kv, identity.device_id, identity.keys, stamp_ms)


def _push(session, envelope) -> None:
    remote = session.sync.remote()
    try:
        remote.push([envelope.wire()])
    finally:
        remote.close()


def _quarantine(session) -> list:
    return session.sync.quarantined()


def test_operations_on_another_households_records_are_quarantined_and_the_rest_merges(city):
    office, sato = city.office, city.sato
    my_vault = sato.households.get(city.mine.id).vault_id
    their_note = office.contacts.notes(city.theirs.id)[0]
    now = _stamp(sato)
    forged = [
        # Rename and delete the other household, from inside the household sato holds.
        ["r", "household", city.theirs.id, [[now, {"name": "乗っ取り", "deleted": 1}]], None],
        # A member written into the other household.
        ["r", "person", "p" * 24, [[now, {"household_id": city.theirs.id, "name": "偽の世帯員"}]], now],
    ]
    _push(sato, _seal(sato, my_vault, forged))
    # A record of sato's own household moved into the other one.
    sato_person = sato.households.add_person(city.mine.id, "山田 花子")
    sato.sync.run()
    _push(sato, _seal(sato, my_vault, [["r", "person", sato_person.id,
                                        [[_stamp(sato), {"household_id": city.theirs.id}]], None]]))
    # The directory (a staff record, a station) rewritten from inside a household envelope.
    _push(sato, _seal(sato, my_vault, [["r", "station", city.station.id, [[_stamp(sato), {"name": "偽"}]], None]]))
    # And the other household's note, re-sent into the shared directory vault sato belongs to.
    directory = sato.sync.replica().shared_vaults["directory"]
    _push(sato, _seal(sato, directory, [["a", "note", "n" * 24, _stamp(sato),
                                         {"household_id": city.theirs.id, "text": "偽の記録"}]]))
    honest = sato.contacts.add_note(city.mine.id, "正直な記録。")
    sato.sync.run()

    report = office.sync.run()
    assert report.complete
    theirs = office.households.get(city.theirs.id)
    assert theirs.name == "佐藤家" and not getattr(theirs, "deleted", 0)
    assert [m.name for m in office.households.persons(city.theirs.id)] == []
    assert [n.id for n in office.contacts.notes(city.theirs.id)] == [their_note.id]
    assert office.households.person(sato_person.id).household_id == city.mine.id
    assert office.directory.stations()[0].name == "中央"
    assert honest.id in {n.id for n in office.contacts.notes(city.mine.id)}  # the rest merged
    quarantined = _quarantine(office)
    assert len(quarantined) == 4
    assert {q.login for q in quarantined} == {"sato"} and {q.reason for q in quarantined} == {"foreign"}


def test_a_forged_author_is_quarantined(city):
    office, sato = city.office, city.sato
    office_staff = office.me  # the office's own staff record, bound to the office's account
    my_vault = sato.households.get(city.mine.id).vault_id
    now = _stamp(sato)
    _push(sato, _seal(sato, my_vault, [["a", "note", "f" * 24, now, {
        "household_id": city.mine.id, "at": "2025-04-02T09:00:00+09:00", "text": "事務局が書いたことにする",
        "staff_id": office_staff}]]))
    own = sato.contacts.add_note(city.mine.id, "自分の記録。")
    sato.sync.run()
    office.sync.run()
    notes = {n.id: n for n in office.contacts.notes(city.mine.id)}
    assert "f" * 24 not in notes
    assert notes[own.id].staff_id == sato.me  # an honest author stands
    [kept] = _quarantine(office)
    assert (kept.login, kept.reason) == ("sato", "forged_author")


def test_an_impossible_received_step_is_kept_and_flagged(city):
    office, sato = city.office, city.sato
    case = office.cases.open_case(city.mine.id)
    office.sync.run()
    sato.sync.run()
    vault = sato.households.get(city.mine.id).vault_id
    with sato.store.write() as r:  # intake → closed in one step, no meeting, through sato's own store
        r.update("case", case.id, {"stage": "closed"})
        event = r.append("case_event", {"household_id": city.mine.id, "case_id": case.id,
                                        "at": "2025-04-02T09:00:00+09:00", "action": "close",
                                        "from_stage": "intake", "to_stage": "closed", "staff_id": sato.me},
                         vault_id=vault)
    sato.sync.run()
    office.sync.run()
    assert event in {e.id for e in office.cases.events(case.id)}  # kept
    flags = office.sync.flags(city.mine.id)
    assert [(f.kind, f.record_id) for f in flags] == [("impossible_step", event)]
    assert "要確認" in flags[0].message or "確認" in flags[0].message


def test_a_stage_set_without_any_step_is_flagged(city):
    office, sato = city.office, city.sato
    case = office.cases.open_case(city.mine.id)
    office.sync.run()
    sato.sync.run()
    with sato.store.write() as r:
        r.update("case", case.id, {"stage": "in_support"})
    sato.sync.run()
    office.sync.run()
    assert [(f.kind, f.record_id) for f in office.sync.flags(city.mine.id)] == [("impossible_step", case.id)]


def test_a_frozen_stamp_is_refused_by_the_store_at_push(city):
    sato = city.sato
    vault = sato.households.get(city.mine.id).vault_id
    frozen = "f" * 16 + "-" + sato.store.device_id
    envelope = _seal(sato, vault, [["r", "household", city.mine.id, [[frozen, {"memo": "凍結"}]], None]],
                     stamp_ms=2**62)
    with pytest.raises(ServerRefused) as refused:
        _push(sato, envelope)
    assert refused.value.status == 400 and refused.value.code == protocol.E_STAMP_AHEAD
    # Declaring an honest time over a frozen stamp inside: the store takes it (it cannot read
    # it), every receiver refuses it.
    _push(sato, _seal(sato, vault, [["r", "household", city.mine.id, [[frozen, {"memo": "凍結"}]], None]],
                      stamp_ms=int(time.time() * 1000)))
    city.office.sync.run()
    assert city.office.households.get(city.mine.id).memo != "凍結"
    [kept] = _quarantine(city.office)
    assert kept.reason == "stamp"


def test_a_receiver_refuses_a_frozen_stamp_the_store_let_through(city):
    """The store bypassed (or complicit): the envelope is written straight into its database."""
    office, sato, central = city.office, city.sato, city.central
    vault = sato.households.get(city.mine.id).vault_id
    frozen = "f" * 16 + "-" + sato.store.device_id
    env = _seal(sato, vault, [["r", "household", city.mine.id, [[frozen, {"memo": "凍結"}]], None]],
                stamp_ms=2**62)
    with central.engine.begin() as conn:  # as the store's own push would, without its checks
        log_store.lock_head(conn)
        digest = protocol.envelope_entry(env.vault, env.id, env.kv, env.device, env.ms, env.nonce, env.body)
        row = log_store._env_row(SimpleNamespace(vault=env.vault, id=env.id, kv=env.kv, ms=env.ms, nonce=env.nonce,
                                                 body=env.body, sig=env.sig), digest, env.device,
                                 int(time.time() * 1000))
        log_store.append(conn, [row], [digest])
    before = office.store.clock.last
    office.sync.run()
    assert office.households.get(city.mine.id).memo != "凍結"
    assert office.store.clock.last < (1 << 63)  # not dragged to the end of time
    assert office.store.clock.last >= before
    [kept] = _quarantine(office)
    assert (kept.login, kept.reason) == ("sato", "stamp")
    # Later edits still order after earlier ones on every device.
    office.households.update(city.mine.id, memo="後の変更")
    office.sync.run()
    sato.sync.run()
    assert sato.households.get(city.mine.id).memo == "後の変更"


def test_a_decompression_bomb_in_the_shared_directory_is_quarantined_and_sync_goes_on(city):
    office, sato = city.office, city.sato
    bomb = zstandard.ZstdCompressor(level=19).compress(bytes(100 * 1024 * 1024))
    assert len(bomb) < 4096
    directory = sato.sync.replica().shared_vaults["directory"]
    _push(sato, _seal(sato, directory, plaintext=bomb))
    report = office.sync.run()
    assert report.complete
    [kept] = _quarantine(office)
    assert (kept.login, kept.reason) == ("sato", "oversize")
    # Every sync after it still completes, and later changes still arrive.
    note = sato.contacts.add_note(city.mine.id, "爆弾の後の記録。")
    sato.sync.run()
    assert office.sync.run().complete
    assert note.id in {n.id for n in office.contacts.notes(city.mine.id)}
    assert len(_quarantine(office)) == 1


def test_the_office_releases_or_drops_what_was_quarantined(city):
    office, sato = city.office, city.sato
    directory = sato.sync.replica().shared_vaults["directory"]
    _push(sato, _seal(sato, directory, plaintext=b"not a zstd frame"))
    office.sync.run()
    [kept] = office.sync.quarantined()
    assert office.sync.release([kept.seq]) == 1
    [again] = office.sync.quarantined()  # through the gate again: refused again, kept again
    assert (again.seq, again.reason) == (kept.seq, "format")
    assert office.sync.drop([kept.seq]) == 1
    assert office.sync.quarantined() == []
    with pytest.raises(Exception) as refused:
        sato.sync.quarantined()
    assert "事務局" in str(getattr(refused.value, "message", refused.value))


def test_the_office_sees_and_settles_the_quarantine_from_the_command_line(city):
    from tests.conftest import PASSPHRASE
    from tests.ui.cli_helpers import assert_no_traceback, yorisoi

    office, sato = city.office, city.sato
    directory = sato.sync.replica().shared_vaults["directory"]
    _push(sato, _seal(sato, directory, plaintext=zstandard.ZstdCompressor(level=19).compress(bytes(100 << 20))))
    office.sync.run()
    [kept] = office.sync.quarantined()
    folder = str(office.folder)
    status = yorisoi("sync-status", "--profile", folder, passphrase=PASSPHRASE)
    assert "取り分けた束: 1 件（sato 1件）" in status.out, status.out
    listed = yorisoi("quarantine", "--profile", folder, passphrase=PASSPHRASE)
    assert listed.code == 0 and f"{kept.seq}  sato の端末" in listed.out and "大きすぎる" in listed.out, listed.out
    again = yorisoi("quarantine", "release", "--profile", folder, str(kept.seq), passphrase=PASSPHRASE)
    assert again.code == 1 and "取り分けたまま" in again.out, again.out
    dropped = yorisoi("quarantine", "drop", "--profile", folder, str(kept.seq), passphrase=PASSPHRASE)
    assert dropped.code == 0 and "捨てました: 1 件" in dropped.out
    worker = yorisoi("quarantine", "--profile", str(sato.folder), passphrase=PASSPHRASE)
    assert worker.code != 0 and "事務局" in worker.err + worker.out
    for result in (status, listed, again, dropped, worker):
        assert_no_traceback(result)
    assert office.sync.quarantined() == []
