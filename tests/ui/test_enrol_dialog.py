"""The enrol dialog takes the office's ticket and checks it against the real store over TLS:
a store presenting another certificate gets no code and the dialog says why, in Japanese; the
right store enrols the laptop and the dialog shows the fingerprint to give the office."""

from __future__ import annotations

import pytest

from app import profiles
from sync.server import admin, migrations
from sync.server.db import make_engine
from tests.conftest import FAST_KDF, PASSPHRASE
from tests.sync.test_enrol_ticket import code_used
from tests.sync.tls_store import TlsStore, make_cert
from ui.desktop.dialogs.enrol import EnrolDialog


@pytest.fixture
def store(tmp_path):
    engine = make_engine("sqlite:///" + str(tmp_path / "central.db"))
    migrations.upgrade(engine)
    served = TlsStore(engine, *make_cert(tmp_path / "first"))
    yield served
    served.stop()
    engine.dispose()


def _dialog(qtbot, session):
    dialog = EnrolDialog(session)
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def test_the_dialog_refuses_a_store_whose_certificate_is_not_the_tickets_then_enrols(qtbot, store, tmp_path):
    issued = admin.create_org(store.engine, "みその市", cert_sha256=store.sha256())
    session = profiles.create(tmp_path / "office", PASSPHRASE, owner_name="事務局 花子", kdf=FAST_KDF)
    try:
        genuine = (store.cert, tmp_path / "first" / "tls" / "key.pem")
        store.serve(*make_cert(tmp_path / "impostor"))
        dialog = _dialog(qtbot, session)
        dialog.server.setText(store.url)
        dialog.ticket.setText(issued.ticket)
        dialog.submit()
        qtbot.waitUntil(lambda: dialog.ok.isEnabled(), timeout=15000)
        assert dialog.message.text.text().startswith("中央ストアの証明書が変わりました")
        assert not code_used(store.engine, issued.code) and not session.sync.is_enrolled()

        store.serve(*genuine)
        dialog.ticket.setText(" ".join([issued.ticket[:40], issued.ticket[40:]]))  # pasted across a line break
        dialog.submit()
        qtbot.waitUntil(lambda: dialog.message.text.text() == "登録しました。", timeout=15000)
        assert "事務局の端末" in dialog.result_label.text() and session.sync.is_enrolled()
        dialog.close()
    finally:
        session.close()


def test_the_dialog_refuses_http_to_another_machine(qtbot, tmp_path):
    session = profiles.create(tmp_path / "laptop", PASSPHRASE, owner_name="佐藤 一郎", kdf=FAST_KDF)
    try:
        dialog = _dialog(qtbot, session)
        dialog.server.setText("http://10.0.0.5:8443")
        dialog.ticket.setText("ABCDE-FGHIJ-KLMNO-PQRST")
        dialog.submit()
        qtbot.waitUntil(lambda: dialog.ok.isEnabled(), timeout=15000)
        assert "https://" in dialog.message.text.text() and "10.0.0.5" in dialog.message.text.text()
        dialog.close()
    finally:
        session.close()
