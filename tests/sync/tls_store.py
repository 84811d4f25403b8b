"""The real central store served over TLS in-process (uvicorn in a thread, a certificate from
make-cert), restartable on the same port with another certificate: what a laptop meets when the
store's certificate is rotated, or when someone in between presents their own."""

from __future__ import annotations

import socket
import threading
import time
from pathlib import Path

import uvicorn

from sync.server import tls
from sync.server.app import create_app


def make_cert(folder: Path) -> tuple[Path, Path]:
    cert, key, _fp = tls.make_cert(folder, [])
    return cert, key


class TlsStore:
    def __init__(self, engine, cert: Path, key: Path, host: str = "127.0.0.1") -> None:
        self.engine = engine
        self.host = host
        with socket.socket() as probe:
            probe.bind((host, 0))
            self.port = probe.getsockname()[1]
        self.url = f"https://{host}:{self.port}"
        self._server = None
        self.serve(cert, key)

    def serve(self, cert: Path, key: Path) -> None:
        """(Re)start on the same port presenting this certificate."""
        self.stop()
        self.cert = cert
        server = uvicorn.Server(uvicorn.Config(create_app(self.engine), host=self.host, port=self.port,
                                               log_level="warning", access_log=False, lifespan="off",
                                               ssl_certfile=str(cert), ssl_keyfile=str(key),
                                               timeout_graceful_shutdown=1))
        thread = threading.Thread(target=server.run, daemon=True)
        thread.start()
        deadline = time.monotonic() + 10
        while not server.started:
            if time.monotonic() > deadline or not thread.is_alive():
                raise RuntimeError("the TLS test store did not start")
            time.sleep(0.01)
        self._server, self._thread = server, thread

    def stop(self) -> None:
        if self._server is not None:
            self._server.should_exit = True
            self._thread.join(timeout=10)
            self._server = None

    def sha256(self) -> bytes:
        return tls.sha256(self.cert.read_bytes())


def own_address() -> str | None:
    """An address of this machine that is not loopback (a store 'on another machine' for the
    client's rules), or None when the machine has none."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        try:
            probe.connect(("192.0.2.254", 9))  # no packet is sent: this only picks the route
            address = probe.getsockname()[0]
        except OSError:
            return None
    return None if address.startswith("127.") else address
