"""The organisation's keys survive the office PC: a recovery sheet made on the office device
restores a new office device (enrolled with an office code, pending) through the real store; it
then approves a new laptop and reads a household written before the loss. A second office
device is given the keys by the first. Wrong passphrases and damaged sheets are refused with
Japanese words and change nothing."""

from __future__ import annotations

import base64
import shutil
import subprocess

import pytest

from app.errors import Refused
from sync.client import recovery
from sync.server import admin
from tests.sync.conftest import household_state

FAST = recovery.Kdf(memory_kib=8192, iterations=1, lanes=1)
SHEET_PASSPHRASE = "recovery passphrase for the safe"
CANARY = "回復試験カナリア民生委員"


@pytest.fixture(autouse=True)
def _cheap_sheet_kdf(monkeypatch):
    from app.recovery import RecoveryService

    monkeypatch.setattr(RecoveryService, "kdf", FAST)


def _household(session, name="山田家"):
    station = session.directory.add_station("中央")
    h = session.households.create(name, "みその市本町1-2-3", station.id, kana="ヤマダケ")
    session.contacts.add_note(h.id, CANARY)
    return h


def _office_device(central, login="office"):
    code = admin.enrol_code_for(central.engine, login).code
    session = central.profile("事務局 次郎")
    done = session.sync.enrol(central.url, code, device_name="new-office-desktop")
    assert done.identity.status == "pending"
    return session


def _secret_forms(keys) -> list[str]:
    out = []
    for raw in (keys.sign_private, keys.box_private):
        out += [raw.hex(), raw.hex().upper(), base64.b64encode(raw).decode(), base64.b32encode(raw).decode().rstrip("=")]
    return out


def test_sheet_restores_the_office_after_the_office_pc_is_lost(central, tmp_path):
    office = central.office()
    laptop = central.worker(office, "sato")
    h = _household(office)
    office.sync.run()
    office.sync.assign(h.id, "sato")
    laptop.sync.run()
    secrets = office.sync.identity().org_keys

    sheet = office.recovery.make_sheet(SHEET_PASSPHRASE, device_name="office-desktop")
    pdf = tmp_path / "sheet.pdf"
    pdf.write_bytes(sheet.pdf)
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    assert "組織の鍵の回復シート" in text and "yorisoi recover" in text and sheet.check_code in text
    for form in _secret_forms(secrets):  # canary: no plaintext key in the PDF, as text or bytes
        assert form not in text and form.encode() not in sheet.pdf

    # The office PC is lost: its profile is gone.
    central.sessions.remove(office)
    office.close()
    shutil.rmtree(office.folder)

    new_office = _office_device(central)
    restored = new_office.recovery.recover(new_office.recovery.sheet_text(pdf.read_bytes()), SHEET_PASSPHRASE)
    assert restored.keys >= 4  # the household and the three shared vaults
    assert restored.report.complete
    identity = new_office.sync.identity()
    assert identity.status == "approved" and identity.org_keys == secrets
    assert new_office.households.get(h.id).name == "山田家"
    assert [n.text for n in new_office.contacts.notes(h.id)] == [CANARY]

    # It approves devices again: a new laptop, given the household written before the loss.
    tanaka = central.worker(new_office, "tanaka")
    new_office.sync.assign(h.id, "tanaka")
    tanaka.sync.run()
    assert [n.text for n in tanaka.contacts.notes(h.id)] == [CANARY]
    laptop.contacts.add_note(h.id, "回復後の記録")
    laptop.sync.run()
    new_office.sync.run()
    tanaka.sync.run()
    assert household_state(new_office) == household_state(tanaka) == household_state(laptop)


def test_typed_sheet_with_a_typo_wrong_passphrase_and_foreign_sheet_are_refused(central):
    office = central.office()
    office.sync.run()
    sheet = office.recovery.make_sheet(SHEET_PASSPHRASE)
    lines = [line for line in office.recovery.sheet_text(sheet.pdf).splitlines() if line[:2].isdigit()]
    fresh = _office_device(central)

    typo = list(lines)
    number, rest = typo[2].split(None, 1)
    chars, check = rest.rsplit(None, 1)
    # A two-character check misses one typo in 1,024: pick a typo it catches, so the test is exact.
    for letter in "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567":
        typed = letter + chars[1:]
        if typed != chars and recovery.line_check(3, typed.replace(" ", "")) != check:
            break
    typo[2] = f"{number}  {typed}  {check}"
    with pytest.raises(Refused, match="3 行目の文字が合いません"):
        fresh.recovery.recover("\n".join(typo), SHEET_PASSPHRASE)
    with pytest.raises(Refused, match=f"{len(lines)} 行目がありません"):
        fresh.recovery.recover("\n".join(lines[:-1]), SHEET_PASSPHRASE)
    with pytest.raises(Refused, match="回復用パスフレーズが違います"):
        fresh.recovery.recover("\n".join(lines).lower(), "not the passphrase at all")
    assert fresh.sync.identity().org_keys is None and fresh.sync.identity().status == "pending"

    other = central.office(org="となり町", owner="事務局 花子")
    other.sync.run()
    foreign = other.recovery.make_sheet(SHEET_PASSPHRASE).pdf
    with pytest.raises(Refused, match="この端末が登録された組織のものではありません"):
        fresh.recovery.recover(fresh.recovery.sheet_text(foreign), SHEET_PASSPHRASE)
    assert fresh.sync.identity().org_keys is None

    # Typed back by hand, lower case, O for 0: it opens.
    assert fresh.recovery.recover("\n".join(lines).lower(), SHEET_PASSPHRASE).report.complete
    assert fresh.sync.identity().org_keys == office.sync.identity().org_keys


def test_a_second_office_device_is_given_the_keys_by_the_first(central):
    office = central.office()
    h = _household(office)
    office.sync.run()
    second = central.worker(office, "office", owner="事務局 三郎")  # a second device of the office account
    second.sync.run()
    assert second.sync.identity().org_keys is None
    fingerprint = second.sync.identity().keys.fingerprint

    laptop = central.worker(office, "sato")
    with pytest.raises(Refused, match="承認済みの事務局の端末だけ"):
        office.recovery.give(laptop.sync.identity().keys.fingerprint)
    gift = office.recovery.give(fingerprint)
    for form in _secret_forms(office.sync.identity().org_keys):
        assert form.encode() not in gift
    with pytest.raises(Refused, match="別の端末あて"):
        laptop.recovery.take(gift)
    second.recovery.take(gift)
    assert second.sync.identity().org_keys == office.sync.identity().org_keys
    assert [n.text for n in second.contacts.notes(h.id)] == [CANARY]
    tablet = central.worker(second, "sato", approve=False)
    second.sync.approve(tablet.sync.identity().keys.fingerprint)  # the second office approves now
    assert tablet.sync.run().complete


def test_a_pending_device_approves_itself_only_with_the_organisations_key(central):
    from sync import protocol
    from sync.client.crypto import KeyPair
    from sync.client.errors import DevicePending, ServerRefused

    office = central.office()
    worker = central.worker(office, "sato", approve=False)
    fresh = _office_device(central)

    def own_statement(session, signer):
        i = session.sync.identity()
        return i, signer.sign(protocol.device_statement(i.org_id, i.device_id, i.account_id, i.login, i.role,
                                                        i.keys.box_public, i.keys.sign_public))

    forger = KeyPair.generate()
    identity, forged = own_statement(fresh, forger)
    remote = fresh.sync.remote(identity)
    with pytest.raises(ServerRefused) as refused:
        remote.approve(identity.device_id, forged)
    assert refused.value.code == protocol.E_BAD_SIGNATURE
    with pytest.raises(DevicePending):  # a pending device approves nobody else
        remote.approve(worker.sync.identity().device_id, forged)
    w_identity, genuine = own_statement(worker, office.sync.identity().org_keys)
    with pytest.raises(ServerRefused) as refused:  # a worker's device never approves, even itself
        worker.sync.remote(w_identity).approve(w_identity.device_id, genuine)
    assert refused.value.code == protocol.E_FORBIDDEN
    assert fresh.sync.identity().status == "pending"
