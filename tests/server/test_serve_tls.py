"""A real `yorisoi-server serve` over TLS: uvicorn in a subprocess on a free loopback port with
a certificate from `make-cert`, reached with httpx trusting only that certificate."""

from __future__ import annotations

import re
import socket
import ssl
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from sync.server import cli, tls

from .helpers import Device
from .test_cli import CODE, ROOT, subprocess_cli


def logged(path: Path, words: str) -> str:
    deadline = time.monotonic() + 10
    while words not in (text := path.read_text()) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert words in text
    return text


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def server(tmp_path):
    data = tmp_path / "data"
    assert cli.main(["make-cert", "--data", str(data)]) == 0
    port = free_port()
    out = (tmp_path / "serve.out").open("w+")
    proc = subprocess.Popen([sys.executable, "-m", "sync.server", "serve", "--data", str(data), "--port", str(port)],
                            cwd=ROOT, stdout=out, stderr=subprocess.STDOUT, text=True)
    pem = tls.paths(data)[0].read_text()
    ctx = ssl.create_default_context(cadata=pem)  # the store's own certificate is the only anchor
    client = httpx.Client(base_url=f"https://127.0.0.1:{port}", verify=ctx, timeout=10)
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                client.get("/v2/health")
                break
            except httpx.TransportError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    out.seek(0)
                    pytest.fail(f"server did not start: {out.read()}")
                time.sleep(0.1)
        yield data, client, out, port
    finally:
        client.close()
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        out.close()


def test_served_over_tls_with_the_made_certificate_health_and_enrolment(server):
    data, client, out, port = server
    health = client.get("/v2/health")
    assert health.status_code == 200 and health.json()["service"] == "yorisoi-central-store"

    out.seek(0)
    printed = out.read()
    fingerprint = tls.fingerprint(tls.paths(data)[0].read_bytes())
    assert f"https://127.0.0.1:{port}/" in printed and fingerprint in printed

    created = subprocess_cli("admin", "--data", data, "create-org", "みその市")
    assert created.returncode == 0, created.stderr
    [code] = CODE.findall(created.stdout)
    device = Device(client, name="事務局PC")
    resp = device.enrol(code)
    assert resp.status_code == 200 and resp.json()["status"] == "pending"
    assert device.get("/v2/me").json()["account"]["login"] == "office"

    log = logged(data / "logs" / "server.log", "GET /v2/me 200")  # written once the answer is sent
    assert re.search(r"POST /v2/enrol 200 [0-9.]+ms device=" + device.id, log)
    assert device.token not in log and code.replace("-", "") not in log.replace("-", "")


def test_a_client_that_does_not_trust_the_certificate_cannot_connect(server):
    _data, _client, _out, port = server
    with httpx.Client(verify=ssl.create_default_context(), timeout=5) as stranger, \
            pytest.raises(httpx.ConnectError):
        stranger.get(f"https://127.0.0.1:{port}/v2/health")


def test_serve_without_options_in_an_empty_folder_runs_on_loopback_with_a_warning(tmp_path):
    port = free_port()
    (tmp_path / "d").mkdir()
    proc = subprocess.Popen([sys.executable, "-m", "sync.server", "serve", "--port", str(port)],
                            cwd=tmp_path / "d", stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            try:
                assert httpx.get(f"http://127.0.0.1:{port}/v2/health", timeout=2).status_code == 200
                break
            except httpx.TransportError:
                time.sleep(0.1)
        else:
            pytest.fail("server did not start")
    finally:
        proc.terminate()
        output = proc.communicate(timeout=10)[0]
    assert "警告" in output and "TLS" in output and f"http://127.0.0.1:{port}/" in output
    assert Path(tmp_path / "d" / "central.db").exists()
    assert Path(tmp_path / "d" / "central.db").stat().st_mode & 0o077 == 0  # owner only
