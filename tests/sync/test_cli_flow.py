"""The README's "try sync on one machine", command by command, against a real
`yorisoi-server serve` (uvicorn, TLS with a certificate from make-cert) on SQLite and on
PostgreSQL. A canary written on the devices never reaches the server's files, dump or log."""

from __future__ import annotations

import json
import os
import re
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest

from tests.sync.conftest import PG_ADMIN
from tests.ui.cli_helpers import assert_no_traceback, yorisoi

ROOT = Path(__file__).resolve().parents[2]
CODE = re.compile(r"[A-Z2-7]{5}(?:-[A-Z2-7]{5}){3}")
TICKET = re.compile(r"yrs1:[A-Z2-7]+")
FINGERPRINT = re.compile(r"この端末の指紋:\s+([0-9a-f]{4}(?:-[0-9a-f]{4}){7})")
CANARY = "カナリア記録ZQX7"


def server_cli(*argv) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith("YORISOI_")}
    proc = subprocess.run([sys.executable, "-m", "sync.server", *map(str, argv)], cwd=ROOT, capture_output=True,
                          text=True, timeout=120, env=env)
    assert "Traceback" not in proc.stderr, proc.stderr
    return proc


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(params=["sqlite", "postgresql"])
def served(request, tmp_path):
    data = tmp_path / "central"
    extra: list[str] = []
    database = None
    if request.param == "postgresql":
        import psycopg

        database = f"yorisoi_cli_{uuid.uuid4().hex[:10]}"
        try:
            with psycopg.connect(PG_ADMIN, autocommit=True, connect_timeout=3) as conn:
                conn.execute(f'CREATE DATABASE "{database}"')
        except psycopg.OperationalError as exc:
            pytest.skip(f"PostgreSQL not reachable on 127.0.0.1:5432: {str(exc).splitlines()[0]}")
        extra = ["--db", f"postgresql://postgres@127.0.0.1:5432/{database}"]
    assert server_cli("make-cert", "--data", data).returncode == 0
    port = free_port()
    log = (tmp_path / "serve.out").open("w+")
    proc = subprocess.Popen([sys.executable, "-m", "sync.server", "serve", "--data", str(data), "--port", str(port),
                             *extra], cwd=ROOT, stdout=log, stderr=subprocess.STDOUT)
    url = f"https://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            break
        except OSError:
            if proc.poll() is not None or time.monotonic() > deadline:
                log.seek(0)
                pytest.fail(f"server did not start: {log.read()}")
            time.sleep(0.1)
    try:
        yield {"data": data, "url": url, "proc": proc, "database": database, "log": tmp_path / "serve.out"}
    finally:
        if proc.poll() is None:
            proc.terminate()
            proc.wait(timeout=15)
        log.close()
        if database:
            import psycopg

            with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')


def ok(result, *words):
    assert_no_traceback(result)
    assert result.code == 0, result.err
    for word in words:
        assert word in result.out, result.out
    return result.out


def _server_bytes(served) -> bytes:
    """Everything the central store keeps: its files (database, WAL, logs) and, on
    PostgreSQL, a full dump."""
    blob = b"".join(p.read_bytes() for p in served["data"].rglob("*") if p.is_file())
    blob += served["log"].read_bytes()
    if served["database"]:
        dump = subprocess.run(["pg_dump", "-h", "127.0.0.1", "-U", "postgres", served["database"]],
                              capture_output=True, timeout=120)
        assert dump.returncode == 0, dump.stderr
        blob += dump.stdout
    return blob


def test_the_readme_flow_on_one_machine(served, tmp_path):
    url, data = served["url"], served["data"]
    office, laptop = tmp_path / "office", tmp_path / "laptop"
    ok(yorisoi("init", "--profile", str(office), "--name", "事務局 花子"))
    ok(yorisoi("init", "--profile", str(laptop), "--name", "佐藤 一郎"))

    created = server_cli("admin", "--data", data, "create-org", "みその市")
    assert created.returncode == 0, created.stderr
    [bootstrap] = TICKET.findall(created.stdout)
    ok(yorisoi("enrol", "--profile", str(office), "--server", url, "--ticket", bootstrap), "事務局の端末")

    assert server_cli("admin", "--data", data, "add-user", "sato").returncode == 0
    issued = server_cli("admin", "--data", data, "enrol-code", "sato")
    [ticket] = TICKET.findall(issued.stdout)
    out = ok(yorisoi("enrol", "--profile", str(laptop), "--server", url, "--ticket", ticket), "事務局に")
    [fingerprint] = FINGERPRINT.findall(out)

    waiting = yorisoi("sync", "--profile", str(laptop))
    assert waiting.code == 2 and "承認されていません" in waiting.err
    ok(yorisoi("devices", "--profile", str(office)), "承認待ちの端末: 1 台", fingerprint)
    ok(yorisoi("devices", "approve", "--profile", str(office), fingerprint), "承認しました")

    records = tmp_path / "household.jsonl"
    records.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in [
        {"type": "household", "id": "H0001", "name": "山田家", "address": "みその市本町1-2-3", "station": "中央"},
        {"type": "note", "id": "N0001", "household_id": "H0001", "at": "2025-04-02T09:00:00+09:00",
         "text": f"{CANARY} 民生委員から連絡があった。"},
    ]) + "\n", encoding="utf-8")
    ok(yorisoi("import", "--profile", str(office), str(records), "--new-stations"))
    ok(yorisoi("assign", "--profile", str(office), "--household", "H0001", "--user", "sato"), "山田家")
    ok(yorisoi("sync", "--profile", str(laptop)), "すべて交換しました")
    ok(yorisoi("search", "--profile", str(laptop), CANARY), "山田家")

    visit = tmp_path / "visit.jsonl"
    visit.write_text(json.dumps({"type": "contact", "id": "C0001", "household_id": "H0001",
                                 "at": "2025-04-03T10:30:00+09:00", "kind": "home_visit", "outcome": "met",
                                 "summary": f"{CANARY} 本人と面談。"}, ensure_ascii=False) + "\n", encoding="utf-8")
    ok(yorisoi("import", "--profile", str(laptop), str(visit)))
    ok(yorisoi("sync", "--profile", str(laptop)), "すべて交換しました")
    ok(yorisoi("sync", "--profile", str(office)), "すべて交換しました")
    found = ok(yorisoi("search", "--profile", str(office), "本人と面談"))
    assert "山田家" in found

    # The README's revocation: a visit logged on the laptop, not sent; the laptop is lost.
    unsent = tmp_path / "unsent-visit.jsonl"
    unsent.write_text(json.dumps({"type": "contact", "id": "C0002", "household_id": "H0001",
                                  "at": "2025-04-03T10:30:00+09:00", "kind": "home_visit", "outcome": "met",
                                  "summary": f"{CANARY} 停止前の訪問。"}, ensure_ascii=False) + "\n", encoding="utf-8")
    ok(yorisoi("import", "--profile", str(laptop), str(unsent)))
    ok(yorisoi("devices", "revoke", "--profile", str(office), fingerprint), "停止しました")
    stopped = yorisoi("sync", "--profile", str(laptop))
    assert_no_traceback(stopped)
    assert stopped.code == 2 and "この端末は事務局により停止されました" in stopped.err, stopped.err
    [sealed] = laptop.glob("unsent-sato-*.yorisoi-unsent")
    assert str(sealed) in stopped.err.replace("\n", "")
    assert CANARY.encode("utf-8") not in sealed.read_bytes()
    gone = yorisoi("search", "--profile", str(laptop), "民生委員")
    assert_no_traceback(gone)
    assert "山田家" not in gone.out
    ok(yorisoi("devices", "--profile", str(office)), "停止")
    ok(yorisoi("import-unsent", "--profile", str(office), str(sealed)), "取り込みました")
    ok(yorisoi("search", "--profile", str(office), "停止前の訪問"), "山田家")
    ok(yorisoi("sync", "--profile", str(office)), "すべて交換しました")

    # 人事異動: tanaka takes over sato's households in one action.
    colleague = tmp_path / "tanaka"
    ok(yorisoi("init", "--profile", str(colleague), "--name", "田中 花子"))
    assert server_cli("admin", "--data", data, "add-user", "tanaka").returncode == 0
    [their_ticket] = TICKET.findall(server_cli("admin", "--data", data, "enrol-code", "tanaka").stdout)
    [their_fp] = FINGERPRINT.findall(ok(yorisoi("enrol", "--profile", str(colleague), "--server", url,
                                                   "--ticket", their_ticket)))
    ok(yorisoi("devices", "approve", "--profile", str(office), their_fp), "承認しました")
    ok(yorisoi("transfer", "--profile", str(office), "--from", "sato", "--to", "tanaka"), "1 世帯", "山田家")
    ok(yorisoi("sync", "--profile", str(colleague)), "すべて交換しました")
    ok(yorisoi("search", "--profile", str(colleague), CANARY), "山田家")
    ok(yorisoi("search", "--profile", str(colleague), "停止前の訪問"), "山田家")

    assert CANARY.encode("utf-8") not in _server_bytes(served)
    assert "山田家".encode() not in _server_bytes(served)

    served["proc"].terminate()
    served["proc"].wait(timeout=15)
    gone = yorisoi("sync", "--profile", str(office))
    assert_no_traceback(gone)
    assert gone.code == 1 and "接続できません" in gone.err


def test_enrolment_refuses_a_server_whose_certificate_is_not_the_one_announced(served, tmp_path):
    laptop = tmp_path / "laptop"
    ok(yorisoi("init", "--profile", str(laptop)))
    created = server_cli("admin", "--data", served["data"], "create-org", "みその市")
    [code] = CODE.findall(created.stdout)
    wrong = ":".join(["AB"] * 32)
    refused = yorisoi("enrol", "--profile", str(laptop), "--server", served["url"], "--code", code,
                      "--server-fingerprint", wrong)
    assert_no_traceback(refused)
    assert refused.code == 1 and "証明書" in refused.err
    status = yorisoi("sync-status", "--profile", str(laptop))
    assert "未登録" in status.out  # nothing was kept from the refused attempt
