"""Rotating the store's certificate, played through the real store over real TLS with two real
self-signed certificates: a certificate the organisation signed (`yorisoi server-cert sign`) is
accepted and re-pinned at the next sync; one it did not sign — or one whose signature the store
forged or took from another organisation — is refused with a warning and nothing is re-pinned."""

from __future__ import annotations

import pytest
from sqlalchemy import insert, select

from app import profiles
from app.errors import describe
from sync import protocol
from sync.client.errors import CertificateMismatch, ServerRefused
from sync.client.remote import cert_sha256
from sync.server import admin, migrations
from sync.server.db import make_engine
from sync.server.schema import org, server_cert
from tests.conftest import FAST_KDF, PASSPHRASE
from tests.sync.tls_store import TlsStore, make_cert
from tests.ui.cli_helpers import assert_no_traceback, yorisoi


@pytest.fixture
def city(tmp_path):
    """A store over TLS, its office and an approved laptop that synced once."""
    engine = make_engine("sqlite:///" + str(tmp_path / "central.db"))
    migrations.upgrade(engine)
    first = make_cert(tmp_path / "first")
    store = TlsStore(engine, *first)
    sessions = {}
    try:
        founding = admin.create_org(engine, "みその市", cert_sha256=store.sha256())
        sessions["office"] = profiles.create(tmp_path / "office", PASSPHRASE, owner_name="事務局 花子", kdf=FAST_KDF)
        sessions["office"].sync.enrol(store.url, founding.ticket, device_name="office")
        admin.add_user(engine, "sato")
        sessions["laptop"] = profiles.create(tmp_path / "laptop", PASSPHRASE, owner_name="佐藤 一郎", kdf=FAST_KDF)
        done = sessions["laptop"].sync.enrol(
            store.url, admin.enrol_code_for(engine, "sato", cert_sha256=store.sha256()).ticket)
        sessions["office"].sync.approve(done.fingerprint)
        assert sessions["laptop"].sync.run().complete
        yield store, sessions, tmp_path
    finally:
        for session in sessions.values():
            session.close()
        store.stop()
        engine.dispose()


def pinned(session) -> bytes:
    return cert_sha256(session.sync.identity().cert_pem)


def test_a_certificate_the_organisation_signed_is_accepted_and_pinned(city):
    store, sessions, tmp_path = city
    old = store.sha256()
    new_cert, new_key = make_cert(tmp_path / "second")
    # The office signs the new certificate with the CLI while the store still presents the old.
    sessions.pop("office").close()
    signed = yorisoi("server-cert", "sign", "--profile", str(tmp_path / "office"), str(new_cert),
                     passphrase=PASSPHRASE)
    assert_no_traceback(signed)
    assert signed.code == 0, signed.err
    assert "署名" in signed.out
    sessions["office"] = profiles.unlock(tmp_path / "office", PASSPHRASE)

    store.serve(new_cert, new_key)
    laptop = sessions["laptop"]
    home = sessions["office"].households.create("山田家", "みその市本町1-2-3",
                                                sessions["office"].directory.add_station("中央").id)
    assert sessions["office"].sync.run().complete
    assert pinned(sessions["office"]) == store.sha256() != old
    sessions["office"].sync.assign(home.id, "sato")
    assert laptop.sync.run().complete
    assert pinned(laptop) == store.sha256()
    assert laptop.households.get(home.id).name == "山田家"
    assert laptop.sync.run().complete  # and from then on, without re-pinning again
    repinned = laptop.store.connection().execute(
        "SELECT count(*) FROM audit WHERE action = 'sync.certificate_repinned'").fetchone()[0]
    assert repinned == 1


def test_a_certificate_nobody_signed_is_refused_and_nothing_is_re_pinned(city):
    store, sessions, tmp_path = city
    old = store.sha256()
    store.serve(*make_cert(tmp_path / "impostor"))
    laptop = sessions["laptop"]
    with pytest.raises(CertificateMismatch) as refused:
        laptop.sync.run()
    assert describe(refused.value).startswith("中央ストアの証明書が変わりました")
    assert pinned(laptop) == old
    assert laptop.store.connection().execute(
        "SELECT count(*) FROM audit WHERE action = 'sync.certificate_repinned'").fetchone()[0] == 0


def test_a_signature_the_store_forged_or_took_from_another_organisation_is_refused(city):
    store, sessions, tmp_path = city
    old = store.sha256()
    impostor = make_cert(tmp_path / "impostor")
    digest = cert_sha256(impostor[0].read_text())
    # Another organisation on the same store signs the impostor's certificate, honestly for
    # itself; the store's operator then files that signature (and, failing that, garbage) under
    # みその市, bypassing the store's own check.
    other = admin.create_org(store.engine, "さくら町", cert_sha256=old)
    sessions["other"] = profiles.create(tmp_path / "other", PASSPHRASE, owner_name="さくら", kdf=FAST_KDF)
    sessions["other"].sync.enrol(store.url, other.ticket)
    sessions["other"].sync.sign_server_cert(impostor[0].read_bytes())
    with store.engine.begin() as conn:
        misoro = conn.scalar(select(org.c.id).where(org.c.name == "みその市"))
        theirs = conn.scalar(select(server_cert.c.signature))
        conn.execute(insert(server_cert).values(org_id=misoro, cert_sha256=digest, signature=theirs,
                                                signed_by="forged00", created_ms=0))
    store.serve(*impostor)
    with pytest.raises(CertificateMismatch):
        sessions["laptop"].sync.run()
    assert pinned(sessions["laptop"]) == old


def test_the_store_refuses_a_signature_that_does_not_verify(city):
    store, sessions, tmp_path = city
    office = sessions["office"]
    remote = office.sync.remote()
    try:
        with pytest.raises(ServerRefused) as refused:
            remote.post_server_cert(b"\x01" * 32, b"\x00" * 64)
        assert refused.value.code == protocol.E_BAD_SIGNATURE
        laptop_remote = sessions["laptop"].sync.remote()
        try:
            with pytest.raises(ServerRefused) as not_office:
                laptop_remote.post_server_cert(b"\x01" * 32, b"\x00" * 64)
            assert not_office.value.status == 403
        finally:
            laptop_remote.close()
    finally:
        remote.close()
