"""Enrolment without trust on first use, played through the real store over real TLS: a laptop
sends its code only after the store presented the certificate and the organisation key its
ticket names; anything else is refused with nothing sent and nothing kept."""

from __future__ import annotations

import pytest
from sqlalchemy import select, update

from app import profiles
from app.errors import describe
from sync import protocol
from sync.client import crypto
from sync.client.errors import CertificateMismatch, InsecureServer, OrgKeyMismatch, TicketRefused
from sync.server import admin, migrations
from sync.server.db import make_engine
from sync.server.ids import code_hash, normalise_code
from sync.server.schema import enrol_code, org
from tests.conftest import FAST_KDF, PASSPHRASE
from tests.sync.tls_store import TlsStore, make_cert, own_address


@pytest.fixture
def store(tmp_path):
    engine = make_engine("sqlite:///" + str(tmp_path / "central.db"))
    migrations.upgrade(engine)
    cert, key = make_cert(tmp_path / "first")
    served = TlsStore(engine, cert, key)
    yield served
    served.stop()
    engine.dispose()


@pytest.fixture
def profile(tmp_path):
    opened = []

    def make(name: str = "佐藤 一郎"):
        session = profiles.create(tmp_path / f"p{len(opened)}", PASSPHRASE, owner_name=name, kdf=FAST_KDF)
        opened.append(session)
        return session

    yield make
    for session in opened:
        session.close()


def code_used(engine, code: str) -> bool:
    with engine.connect() as conn:
        return conn.scalar(select(enrol_code.c.used_ms).where(
            enrol_code.c.code_hash == code_hash(normalise_code(code)))) is not None


def founded(store, profile):
    issued = admin.create_org(store.engine, "みその市", cert_sha256=store.sha256())
    office = profile("事務局 花子")
    office.sync.enrol(store.url, issued.ticket, device_name="office")
    admin.add_user(store.engine, "sato")
    return office


def test_a_ticket_enrols_the_office_and_a_laptop_over_tls(store, profile):
    office = founded(store, profile)
    issued = admin.enrol_code_for(store.engine, "sato", cert_sha256=store.sha256())
    assert issued.org_fingerprint and issued.cert_sha256 == store.sha256()
    laptop = profile()
    done = laptop.sync.enrol(store.url, issued.ticket, device_name="sato-laptop")
    assert protocol.normalise_fingerprint(done.org_fingerprint) == protocol.normalise_fingerprint(
        issued.org_fingerprint)
    office.sync.approve(done.fingerprint)
    assert laptop.sync.run().complete


def test_a_store_presenting_another_certificate_gets_no_code(store, profile, tmp_path):
    founded(store, profile)
    # Someone in between (or a swapped server) presents a certificate of their own.
    genuine = store.sha256()
    issued = admin.enrol_code_for(store.engine, "sato", cert_sha256=genuine)
    store.serve(*make_cert(tmp_path / "impostor"))
    laptop = profile()
    with pytest.raises(CertificateMismatch) as refused:
        laptop.sync.enrol(store.url, issued.ticket)
    assert not code_used(store.engine, issued.code)
    assert not laptop.sync.is_enrolled()
    assert "証明書" in describe(refused.value)


def test_a_store_presenting_another_organisation_key_gets_no_code(store, profile):
    founded(store, profile)
    issued = admin.enrol_code_for(store.engine, "sato", cert_sha256=store.sha256())
    # The store's operator replaces the organisation's keys with keys of their own (validly
    # self-signed), hoping new laptops pin them and later accept devices the operator signs.
    theirs = crypto.KeyPair.generate()
    with store.engine.begin() as conn:
        org_id = conn.scalar(select(org.c.id))
        conn.execute(update(org).values(
            sign_public=theirs.sign_public, box_public=theirs.box_public,
            keys_signature=theirs.sign(protocol.org_keys_statement(org_id, theirs.sign_public, theirs.box_public))))
    laptop = profile()
    with pytest.raises(OrgKeyMismatch) as refused:
        laptop.sync.enrol(store.url, issued.ticket)
    assert not code_used(store.engine, issued.code)
    assert not laptop.sync.is_enrolled()
    assert "組織の鍵" in describe(refused.value) and "送らずに" in describe(refused.value)


def test_a_code_of_another_organisation_behind_the_right_key_is_refused_and_nothing_kept(store, profile):
    """The store shows the ticket's organisation key first, then answers the code with another
    organisation's keys: the answer is checked too, and nothing of it is kept."""
    founded(store, profile)
    other = admin.create_org(store.engine, "さくら町", cert_sha256=store.sha256())
    profile("さくら 事務局").sync.enrol(store.url, other.ticket)
    admin.add_user(store.engine, "sato", org_name="さくら町")
    mine = admin.enrol_code_for(store.engine, "sato", org_name="みその市", cert_sha256=store.sha256())
    theirs = admin.enrol_code_for(store.engine, "sato", org_name="さくら町", cert_sha256=store.sha256())
    mixed = protocol.encode_ticket(theirs.code, store.sha256(), mine.org_fingerprint)
    laptop = profile()
    with pytest.raises(OrgKeyMismatch):
        laptop.sync.enrol(store.url, mixed)
    assert not laptop.sync.is_enrolled()


def test_http_to_another_machine_is_refused_before_any_connection(profile):
    laptop = profile()
    ticket = protocol.encode_ticket("ABCDE-FGHIJ-KLMNO-PQRST", None, None)
    for url in ("http://10.0.0.5:8443", "http://yorisoi.city.local", "http://127.0.0.1.evil.example"):
        with pytest.raises(InsecureServer) as refused:
            laptop.sync.enrol(url, ticket)
        assert "https://" in describe(refused.value)
    assert not laptop.sync.is_enrolled()


def test_https_to_another_machine_needs_the_certificate_fingerprint(profile):
    laptop = profile()
    with pytest.raises(TicketRefused) as refused:
        laptop.sync.enrol("https://10.0.0.5:8443", "ABCDE-FGHIJ-KLMNO-PQRST")
    assert refused.value.reason == "no_certificate"


def test_a_mistyped_ticket_is_caught_by_its_check(store, profile):
    founded(store, profile)
    issued = admin.enrol_code_for(store.engine, "sato", cert_sha256=store.sha256())
    i = len(issued.ticket) // 2
    typo = issued.ticket[:i] + ("B" if issued.ticket[i] != "B" else "C") + issued.ticket[i + 1:]
    laptop = profile()
    with pytest.raises(TicketRefused) as refused:
        laptop.sync.enrol(store.url, typo)
    assert refused.value.reason == "unreadable"
    assert not code_used(store.engine, issued.code)


def test_the_founding_ticket_refuses_a_store_that_already_has_organisation_keys(tmp_path, profile):
    """A founding ticket names no organisation key: a store on another machine that answers a
    code with keys would have them pinned on trust alone, so the laptop keeps nothing. (The
    store listens on this machine's network address, where the loopback allowance ends.)"""
    address = own_address()
    if address is None:
        pytest.skip("this machine has no address besides loopback")
    engine = make_engine("sqlite:///" + str(tmp_path / "c.db"))
    migrations.upgrade(engine)
    store = TlsStore(engine, *make_cert(tmp_path / "c"), host=address)
    try:
        founding = admin.create_org(engine, "みその市", cert_sha256=store.sha256())
        profile("事務局").sync.enrol(store.url, founding.ticket)
        admin.add_user(engine, "sato")
        issued = admin.enrol_code_for(engine, "sato", cert_sha256=store.sha256())
        stripped = protocol.encode_ticket(issued.code, store.sha256(), None)
        laptop = profile()
        with pytest.raises(TicketRefused) as refused:
            laptop.sync.enrol(store.url, stripped)
        assert refused.value.reason == "org_unverified"
        assert not laptop.sync.is_enrolled()
        # With the organisation's fingerprint, the same store and a new code enrol the laptop.
        again = admin.enrol_code_for(engine, "sato", cert_sha256=store.sha256())
        assert laptop.sync.enrol(store.url, again.ticket).identity.login == "sato"
    finally:
        store.stop()
        engine.dispose()


def test_the_office_makes_and_checks_tickets_from_its_own_pins_not_the_stores_word(store, profile):
    """enrol-code reads the fingerprints from the store; an operator who swapped the
    organisation's key prints tickets naming their own. The office's device checks a ticket
    against what it pinned, and makes one from a bare code that the swapped store fails."""
    office = founded(store, profile)
    honest = admin.enrol_code_for(store.engine, "sato", cert_sha256=store.sha256())
    assert office.sync.ticket(honest.ticket) == (honest.ticket, True)

    theirs = crypto.KeyPair.generate()
    with store.engine.begin() as conn:
        org_id = conn.scalar(select(org.c.id))
        conn.execute(update(org).values(
            sign_public=theirs.sign_public, box_public=theirs.box_public,
            keys_signature=theirs.sign(protocol.org_keys_statement(org_id, theirs.sign_public, theirs.box_public))))
    printed = admin.enrol_code_for(store.engine, "sato", cert_sha256=store.sha256())  # the operator's word
    made, matches = office.sync.ticket(printed.ticket)
    assert matches is False and made != printed.ticket
    assert office.sync.ticket(printed.code) == (made, None)
    laptop = profile()
    with pytest.raises(OrgKeyMismatch):
        laptop.sync.enrol(store.url, made)
    assert not code_used(store.engine, printed.code) and not laptop.sync.is_enrolled()


def test_yorisoi_ticket_on_the_command_line(store, profile, tmp_path):
    from tests.ui.cli_helpers import assert_no_traceback, yorisoi

    office = founded(store, profile)
    folder = office.folder
    office.close()
    issued = admin.enrol_code_for(store.engine, "sato", cert_sha256=store.sha256())
    same = yorisoi("ticket", "--profile", str(folder), issued.ticket, passphrase=PASSPHRASE)
    assert_no_traceback(same)
    assert same.code == 0 and "一致します" in same.out and issued.ticket in same.out
    other = protocol.encode_ticket(issued.code, b"\x07" * 32, issued.org_fingerprint)
    differs = yorisoi("ticket", "--profile", str(folder), other, passphrase=PASSPHRASE)
    assert differs.code == 1 and "違います" in differs.err and issued.ticket in differs.out


def test_the_readable_form_typed_by_hand_enrols_on_another_machine(tmp_path, profile):
    """What `enrol-code` prints for reading aloud (code, certificate and organisation
    fingerprints), typed as three flags, enrols a laptop on a store reached by its network
    address; without the certificate's fingerprint the same command sends nothing."""
    import re

    from tests.sync.test_cli_flow import server_cli
    from tests.ui.cli_helpers import assert_no_traceback, yorisoi

    address = own_address()
    if address is None:
        pytest.skip("this machine has no address besides loopback")
    url = "sqlite:///" + str(tmp_path / "c.db")
    engine = make_engine(url)
    migrations.upgrade(engine)
    cert, key = make_cert(tmp_path / "c")
    store = TlsStore(engine, cert, key, host=address)
    try:
        founding = admin.create_org(engine, "みその市", cert_sha256=store.sha256())
        profile("事務局").sync.enrol(store.url, founding.ticket)
        admin.add_user(engine, "sato")
        printed = server_cli("admin", "--data", tmp_path / "admin", "--db", url, "enrol-code", "sato", "--cert", cert)
        assert printed.returncode == 0, printed.stderr
        code = re.search(r"登録コード:\s+(\S+)", printed.stdout).group(1)
        cert_fp = re.search(r"サーバ証明書の指紋:\s+(\S+)", printed.stdout).group(1)
        org_fp = re.search(r"組織の鍵の指紋:\s+(\S+)", printed.stdout).group(1)
        laptop = tmp_path / "laptop"
        assert yorisoi("init", "--profile", str(laptop), passphrase=PASSPHRASE).code == 0
        bare = yorisoi("enrol", "--profile", str(laptop), "--server", store.url, "--code", code, passphrase=PASSPHRASE)
        assert_no_traceback(bare)
        assert bare.code != 0 and "登録チケット" in bare.err and not code_used(engine, code)
        typed = yorisoi("enrol", "--profile", str(laptop), "--server", store.url, "--code", code,
                        "--server-fingerprint", cert_fp, "--org-fingerprint", org_fp, passphrase=PASSPHRASE)
        assert_no_traceback(typed)
        assert typed.code == 0, typed.err
        assert "事務局に" in typed.out and code_used(engine, code)
    finally:
        store.stop()
        engine.dispose()
