"""The `yorisoi-server` command: admin operations, migrate, make-cert, and serve's refusals.
Exit 0 done, 2 refused input (Japanese message), 1 failure; never a traceback."""

from __future__ import annotations

import json
import os
import re
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from cryptography import x509

from sync.server import cli, config, serve, tls

CODE = re.compile(r"[A-Z2-7]{5}(?:-[A-Z2-7]{5}){3}")
ROOT = Path(__file__).resolve().parents[2]


def run(capsys, *argv) -> tuple[int, str, str]:
    status = cli.main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return status, out, err


@pytest.fixture
def admin(tmp_path, db_url, capsys):
    """`yorisoi-server admin --data DIR --db URL …` in-process."""
    data = tmp_path / "data"

    def call(*argv):
        return run(capsys, "admin", "--data", data, "--db", db_url, *argv)

    return call


def test_create_org_prints_a_one_time_bootstrap_code(admin, engine, client):
    from .helpers import Device

    status, out, _ = admin("create-org", "みその市")
    assert status == 0 and "みその市" in out
    [code] = CODE.findall(out)
    resp = Device(client).enrol(code)
    assert resp.status_code == 200 and resp.json()["bootstrap"] is True


def test_add_user_enrol_code_and_list_devices(admin, org):
    status, out, _ = admin("add-user", "tanaka")  # the org may be omitted: there is one
    assert status == 0 and "tanaka" in out
    status, out, _ = admin("enrol-code", "tanaka", "--org", "みその市", "--hours", "2")
    assert status == 0
    [code] = CODE.findall(out)
    from .helpers import Device

    device = Device(org.client, name="田中のPC")
    assert device.enrol(code).status_code == 200
    status, out, _ = admin("list-devices")
    assert status == 0
    rows = {line.split("\t")[0]: line.split("\t") for line in out.splitlines()[1:]}
    assert rows[device.id][1:5] == ["tanaka", "支援員", "田中のPC", "承認待ち"]
    from sync import protocol as p

    assert rows[device.id][5] == p.fingerprint(device.box_public, device.sign_public)
    assert rows[org.office.id][4] == "承認済み" and rows[org.office.id][6] != "-"


def test_add_user_as_office_and_new_accounts_join_shared_vaults(admin, org):
    vault_id, _ = org.office.register_vault("meetings")
    status, out, _ = admin("add-user", "kobayashi", "--role", "office")
    assert status == 0 and "1 件" in out
    member = org.member("kobayashi", role="office", new_account=False)
    assert vault_id in {v["id"] for v in member.get("/v2/vaults").json()["vaults"]}


@pytest.mark.parametrize("argv, words", [
    (["create-org", "  "], "組織名が空"),
    (["add-user", "tanaka", "--org", "ない市"], "ありません"),
    (["add-user", "Tanaka"], "使えません"),
    (["add-user", "a b"], "使えません"),
    (["add-user", "office"], "既にあります"),
    (["enrol-code", "nobody"], "ありません"),
    (["enrol-code", "office", "--hours", "0"], "有効時間"),
    (["create-org", "みその市"], "既にあります"),
])
def test_admin_refuses_bad_input_with_a_japanese_message_and_exit_2(admin, argv, words):
    assert admin("create-org", "みその市")[0] == 0
    status, out, err = admin(*argv)
    assert status == 2 and words in err and "Traceback" not in err


def test_commands_without_a_single_org_ask_for_one(admin):
    status, _, err = admin("add-user", "tanaka")
    assert status == 2 and "create-org" in err
    admin("create-org", "みその市")
    admin("create-org", "さくら町")
    status, _, err = admin("list-devices")
    assert status == 2 and "--org" in err
    assert admin("add-user", "tanaka", "--org", "さくら町")[0] == 0


def test_worker_codes_wait_for_the_org_keys(admin):
    admin("create-org", "みその市")
    admin("add-user", "tanaka")
    status, _, err = admin("enrol-code", "tanaka")
    assert status == 2 and "鍵" in err


def test_default_database_is_a_sqlite_file_in_the_data_dir(tmp_path, capsys):
    data = tmp_path / "fresh"
    status, out, _ = run(capsys, "migrate", "--data", data)
    assert status == 0 and (data / "central.db").exists()
    assert run(capsys, "migrate", "--data", data)[0] == 0
    assert run(capsys, "admin", "--data", data, "create-org", "みその市")[0] == 0


def test_db_given_once_is_remembered_for_later_commands(tmp_path, capsys, db_url):
    data = tmp_path / "data"
    assert run(capsys, "admin", "--data", data, "--db", db_url, "create-org", "みその市")[0] == 0
    saved = json.loads((data / "server.json").read_text())
    assert saved == {"db": db_url}
    assert stat.S_IMODE((data / "server.json").stat().st_mode) == 0o600
    status, _, err = run(capsys, "admin", "--data", data, "add-user", "tanaka")  # finds the org
    assert status == 0, err


def test_a_database_that_cannot_be_reached_is_a_failure_and_not_remembered(tmp_path, capsys):
    data = tmp_path / "data"
    status, _, err = run(capsys, "admin", "--data", data, "--db", "postgresql://postgres@127.0.0.1:1/none",
                         "list-devices")
    assert status == 1 and "データベース" in err and "Traceback" not in err
    assert not (data / "server.json").exists()


def test_environment_names_the_database(tmp_path, capsys, monkeypatch, db_url):
    monkeypatch.setenv(config.DB_ENV, db_url)
    assert run(capsys, "admin", "--data", tmp_path / "a", "create-org", "みその市")[0] == 0
    status, _, err = run(capsys, "admin", "--data", tmp_path / "b", "create-org", "みその市")
    assert status == 2 and "既に" in err  # the same database, from another data dir


def test_bad_db_urls_are_refused(tmp_path, capsys):
    status, _, err = run(capsys, "migrate", "--data", tmp_path, "--db", "mysql://x")
    assert status == 2 and "postgresql://" in err


def test_usage_errors_exit_2_in_japanese(capsys):
    status, _, err = run(capsys, "admin", "--data", "x", "frobnicate")
    assert status == 2 and "引数が正しくありません" in err
    assert run(capsys, "--help")[0] == 0


def test_serve_refuses_a_network_address_without_tls(tmp_path, capsys):
    for host in ("0.0.0.0", "192.168.1.10", "yorisoi.example.jp", "::"):
        status, _, err = run(capsys, "serve", "--data", tmp_path, "--host", host)
        assert status == 2 and "TLS" in err and "make-cert" in err, host
    status, _, err = run(capsys, "serve", "--data", tmp_path, "--cert", tmp_path / "c.pem")
    assert status == 2 and "--key" in err
    status, _, err = run(capsys, "serve", "--data", tmp_path, "--port", "70000")
    assert status == 2


def test_serve_refuses_a_certificate_and_key_that_do_not_belong_together(tmp_path, capsys):
    assert run(capsys, "make-cert", "--data", tmp_path / "a")[0] == 0
    assert run(capsys, "make-cert", "--data", tmp_path / "b")[0] == 0
    cert, _ = tls.paths(tmp_path / "a")
    _, key = tls.paths(tmp_path / "b")
    status, _, err = run(capsys, "serve", "--data", tmp_path, "--cert", cert, "--key", key)
    assert status == 2 and "対になっていない" in err
    status, _, err = run(capsys, "serve", "--data", tmp_path, "--cert", tmp_path / "none.pem", "--key", key)
    assert status == 2 and "読めません" in err


def test_serve_accepts_only_loopback_names_for_plain_http():
    assert all(serve.is_loopback(h) for h in ("127.0.0.1", "::1", "localhost", "127.0.0.2"))
    assert not any(serve.is_loopback(h) for h in ("0.0.0.0", "::", "10.0.0.1", "example.jp", "localhost.evil"))


def test_serve_uses_the_certificate_in_the_data_dir(tmp_path, capsys):
    assert run(capsys, "make-cert", "--data", tmp_path)[0] == 0
    plan = serve.plan(str(tmp_path), None, "0.0.0.0", 8443, None, None, 1)
    assert plan.cert == tls.paths(tmp_path)[0] and plan.url == "https://0.0.0.0:8443/"
    assert plan.fingerprint == tls.fingerprint(plan.cert.read_bytes())
    assert any(plan.fingerprint in line for line in serve.announce(plan))


def test_make_cert_writes_a_private_key_and_a_certificate_for_the_names_given(tmp_path, capsys):
    status, out, _ = run(capsys, "make-cert", "--data", tmp_path, "--host", "yorisoi.city.example.jp",
                         "--host", "192.168.10.5")
    assert status == 0
    cert_path, key_path = tls.paths(tmp_path)
    assert stat.S_IMODE(key_path.stat().st_mode) == 0o600
    pem = cert_path.read_bytes()
    assert tls.fingerprint(pem) in out and re.search(r"([0-9A-F]{2}:){31}[0-9A-F]{2}", out)
    cert = x509.load_pem_x509_certificate(pem)
    san = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    assert "yorisoi.city.example.jp" in san.get_values_for_type(x509.DNSName)
    assert {str(ip) for ip in san.get_values_for_type(x509.IPAddress)} >= {"192.168.10.5", "127.0.0.1"}
    assert (cert.not_valid_after_utc - cert.not_valid_before_utc).days >= 3650
    status, _, err = run(capsys, "make-cert", "--data", tmp_path)
    assert status == 2 and "--force" in err
    assert run(capsys, "make-cert", "--data", tmp_path, "--force")[0] == 0
    assert tls.fingerprint(cert_path.read_bytes()) != tls.fingerprint(pem)
    status, _, err = run(capsys, "make-cert", "--data", tmp_path / "x", "--host", "bad host!")
    assert status == 2 and "bad host!" in err


def subprocess_cli(*argv, env=None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "sync.server", *map(str, argv)], cwd=ROOT, capture_output=True,
                          text=True, timeout=60, env={**os.environ, **(env or {})})


def test_admin_as_a_subprocess_prints_a_code_and_refuses_without_a_traceback(tmp_path):
    done = subprocess_cli("admin", "--data", tmp_path, "create-org", "みその市")
    assert done.returncode == 0, done.stderr
    assert len(CODE.findall(done.stdout)) == 1
    again = subprocess_cli("admin", "--data", tmp_path, "create-org", "みその市")
    assert again.returncode == 2 and "既にあります" in again.stderr and "Traceback" not in again.stderr


def test_without_the_server_extra_the_command_says_what_to_install(tmp_path):
    code = ("import sys; sys.modules['fastapi'] = None; from sync.server.cli import main; "
            f"sys.exit(main(['migrate', '--data', {str(tmp_path)!r}]))")
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert done.returncode == 1 and "yorisoi[server]" in done.stderr and "Traceback" not in done.stderr
