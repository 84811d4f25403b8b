"""The central store as the device sees it: one method per endpoint of docs/sync-protocol.md.

TLS trust is the certificate pinned at enrolment and nothing else: the pinned PEM is the only
trust anchor of the connection, so a city's self-signed certificate works and no other
certificate (even one signed by a public CA) is accepted. Plain HTTP is used only when the
enrolment URL said so, and only to a loopback address (the server serves it nowhere else).

Every failure becomes a typed `SyncError`; nothing from httpx escapes.
"""

from __future__ import annotations

import base64
import hashlib
import ssl
from dataclasses import dataclass
from urllib.parse import urlsplit

import httpx
import msgpack

from sync import protocol
from sync.client.errors import (
    CertificateMismatch,
    CodeRejected,
    DevicePending,
    DeviceRevoked,
    InsecureServer,
    ProtocolError,
    ProtocolOld,
    ServerRefused,
    Unreachable,
)

TIMEOUT = httpx.Timeout(connect=5.0, read=120.0, write=120.0, pool=5.0)
_REFUSALS = {
    protocol.E_DEVICE_PENDING: DevicePending,
    protocol.E_DEVICE_REVOKED: DeviceRevoked,
    protocol.E_CODE_INVALID: CodeRejected,
    protocol.E_CODE_EXPIRED: CodeRejected,
    protocol.E_PROTOCOL_OLD: ProtocolOld,
}


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def unb64(text: str | None) -> bytes | None:
    if text is None:
        return None
    try:
        return base64.b64decode(text, validate=True)
    except (ValueError, TypeError):
        raise ProtocolError("bad base64 from server") from None


def cert_sha256(pem: str) -> bytes:
    return hashlib.sha256(ssl.PEM_cert_to_DER_cert(pem)).digest()


def cert_fingerprint(pem: str) -> str:
    return ":".join(f"{b:02X}" for b in cert_sha256(pem))


def fetch_certificate(url: str, timeout: float = 5.0) -> str | None:
    """The server's certificate (PEM) for pinning at enrolment; None for plain HTTP."""
    parts = urlsplit(url)
    if parts.scheme == "http":
        return None
    if parts.scheme != "https" or not parts.hostname:
        raise ProtocolError(f"not an https URL: {url}")
    try:
        return ssl.get_server_certificate((parts.hostname, parts.port or 443), timeout=timeout)
    except (OSError, ssl.SSLError) as exc:
        raise Unreachable(type(exc).__name__) from None


def pinned_context(pem: str) -> ssl.SSLContext:
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    ctx.minimum_version = ssl.TLSVersion.TLSv1_2
    # The pinned certificate itself is the only anchor; names do not matter once it is pinned
    # (laptops reach the same server by IP, by name, through a tether).
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_REQUIRED
    ctx.load_verify_locations(cadata=pem)
    if hasattr(ssl, "VERIFY_X509_PARTIAL_CHAIN"):
        ctx.verify_flags |= ssl.VERIFY_X509_PARTIAL_CHAIN
    return ctx


@dataclass
class Traffic:
    """Bytes that crossed the wire (request and answer, headers included)."""

    sent: int = 0
    received: int = 0
    requests: int = 0

    def add(self, response: httpx.Response) -> None:
        request = response.request
        self.sent += len(request.content or b"") + sum(len(k) + len(v) + 4 for k, v in request.headers.raw) + 40
        # What crossed the wire: a gzipped answer counts compressed, as it travelled.
        body = response.num_bytes_downloaded or len(response.content)
        self.received += body + sum(len(k) + len(v) + 4 for k, v in response.headers.raw) + 20
        self.requests += 1


class Remote:
    def __init__(self, url: str, *, token: str | None = None, cert_pem: str | None = None,
                 client: httpx.Client | None = None) -> None:
        self.url = url.rstrip("/")
        self.token = token
        self.traffic = Traffic()
        self._owned = client is None
        if client is not None:
            self._client = client
        else:
            verify: ssl.SSLContext | bool = pinned_context(cert_pem) if cert_pem else False
            parts = urlsplit(self.url)
            if parts.scheme == "https" and not cert_pem:
                raise ProtocolError("an https server needs its pinned certificate")
            if parts.scheme == "http" and not protocol.is_loopback(parts.hostname or ""):
                raise InsecureServer(parts.hostname or "")
            self._client = httpx.Client(base_url=self.url, verify=verify, timeout=TIMEOUT,
                                        headers={"User-Agent": "yorisoi"})
        self._cert_expected = cert_fingerprint(cert_pem) if cert_pem else ""

    def close(self) -> None:
        if self._owned:  # a client handed in (tests, the benchmark) belongs to whoever made it
            self._client.close()

    # -- plumbing ------------------------------------------------------------------------

    def _call(self, method: str, path: str, *, json: dict | None = None, params: dict | None = None,
              content: bytes | None = None, content_type: str | None = None) -> httpx.Response:
        headers = {}
        if self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        if content_type:
            headers["Content-Type"] = content_type
        try:
            response = self._client.request(method, protocol.PREFIX + path, json=json, params=params,
                                            content=content, headers=headers)
        except httpx.ConnectError as exc:
            if isinstance(exc.__context__, ssl.SSLCertVerificationError) or "CERTIFICATE_VERIFY" in str(exc):
                raise CertificateMismatch(self._cert_expected, "?") from None
            raise Unreachable("connect") from None
        except httpx.TimeoutException:
            raise Unreachable("timeout") from None
        except httpx.TransportError as exc:  # cut mid-way, reset, protocol garbage
            raise Unreachable(type(exc).__name__) from None
        self.traffic.add(response)
        if response.status_code >= 500:
            raise Unreachable(f"server error {response.status_code}")
        if response.status_code >= 400:
            code, detail, doc = protocol.E_BAD_REQUEST, "", {}
            try:
                doc = response.json()
                code, detail = str(doc.get("error", code)), str(doc.get("detail", ""))
            except (ValueError, AttributeError):
                doc = {}
            refusal = _REFUSALS.get(code, ServerRefused)(response.status_code, code, detail)
            if isinstance(refusal, DeviceRevoked) and isinstance(doc.get("revocation"), dict):
                refusal.revocation = doc["revocation"]
            raise refusal
        return response

    def _json(self, method: str, path: str, **kw) -> dict:
        response = self._call(method, path, **kw)
        try:
            doc = response.json()
        except ValueError:
            raise ProtocolError(f"{path}: not JSON") from None
        if not isinstance(doc, dict):
            raise ProtocolError(f"{path}: not an object")
        return doc

    def _msgpack(self, method: str, path: str, **kw) -> dict:
        response = self._call(method, path, **kw)
        try:
            doc = msgpack.unpackb(response.content, raw=False)
        except (ValueError, msgpack.ExtraData, msgpack.FormatError, msgpack.StackError):
            raise ProtocolError(f"{path}: not msgpack") from None
        if not isinstance(doc, dict):
            raise ProtocolError(f"{path}: not a map")
        return doc

    # -- endpoints -----------------------------------------------------------------------

    def health(self) -> dict:
        return self._json("GET", "/health")

    def enrol_org(self, fingerprint: str) -> dict:
        """The organisation keys the store holds under this fingerprint ({} when it has none)."""
        try:
            org = self._json("GET", "/enrol/org", params={"fingerprint": fingerprint}).get("org")
        except ServerRefused as exc:
            if exc.status == 404:
                return {}
            raise
        return org if isinstance(org, dict) else {}

    def enrol(self, code: str, device_name: str, box_public: bytes, sign_public: bytes) -> dict:
        return self._json("POST", "/enrol", json={"code": code, "device_name": device_name,
                                                   "box_public": b64(box_public), "sign_public": b64(sign_public)})

    def post_org_keys(self, sign_public: bytes, box_public: bytes, keys_signature: bytes,
                      device_signature: bytes) -> dict:
        return self._json("POST", "/org/keys", json={
            "sign_public": b64(sign_public), "box_public": b64(box_public),
            "keys_signature": b64(keys_signature), "device_signature": b64(device_signature)})

    def post_server_cert(self, cert_sha256: bytes, signature: bytes) -> dict:
        return self._json("POST", "/server-cert", json={"cert_sha256": b64(cert_sha256), "signature": b64(signature)})

    def server_cert_signature(self, org_id: str, cert_sha256: bytes) -> bytes | None:
        """The organisation's signature of this certificate, if the store has one."""
        try:
            doc = self._json("GET", "/server-cert", params={"org": org_id, "cert": cert_sha256.hex()})
        except ServerRefused as exc:
            if exc.status in (400, 404):
                return None
            raise
        signature = doc.get("signature")
        return unb64(signature) if isinstance(signature, str) else None

    def me(self, at: int | None = None) -> dict:
        return self._json("GET", "/me", params={"at": at} if at is not None else None)

    def log_chains(self, seqs: list[int]) -> dict:
        return self._json("POST", "/log/chains", json={"seqs": seqs})

    def devices(self) -> list[dict]:
        return list(self._json("GET", "/devices").get("devices", []))

    def approve(self, device_id: str, signature: bytes) -> dict:
        return self._json("POST", f"/devices/{device_id}/approve", json={"signature": b64(signature)})

    def revoke(self, device_id: str, revoked_ms: int, signature: bytes) -> dict:
        return self._json("POST", f"/devices/{device_id}/revoke",
                          json={"revoked_ms": revoked_ms, "signature": b64(signature)})

    def report_unsent(self, count: int, oldest_ms: int | None, newest_ms: int | None) -> dict:
        return self._json("POST", "/me/unsent", json={"count": count, "oldest_ms": oldest_ms, "newest_ms": newest_ms})

    def register_vault(self, vault_id: str, kind: str, wrapped_keys: list[dict]) -> dict:
        return self._json("POST", "/vaults", json={"id": vault_id, "kind": kind, "wrapped_keys": wrapped_keys})

    def register_vaults(self, vaults: list[dict]) -> list[dict]:
        return list(self._json("POST", "/vaults/batch", json={"vaults": vaults}).get("vaults", []))

    def vaults(self) -> list[dict]:
        return list(self._json("GET", "/vaults").get("vaults", []))

    def statements(self, after: int) -> dict:
        return self._json("GET", "/membership", params={"after": after})

    def post_statements(self, statements: list[dict]) -> int:
        return int(self._json("POST", "/membership", json={"statements": statements}).get("applied", 0))

    def rotate(self, vault_id: str, key_version: int, commitment: bytes, signature: bytes,
               wrapped_keys: list[dict]) -> dict:
        return self._json("POST", f"/vaults/{vault_id}/keys", json={
            "key_version": key_version, "commitment": b64(commitment), "commitment_signature": b64(signature),
            "wrapped_keys": wrapped_keys})

    def members(self, vault_id: str) -> list[dict]:
        return list(self._json("GET", f"/vaults/{vault_id}/members").get("members", []))

    def keys(self, after: int) -> dict:
        return self._json("GET", "/keys", params={"after": after})

    def recovery_keys(self, vault_id: str) -> list[dict]:
        return list(self._json("GET", "/keys/recovery", params={"vault_id": vault_id}).get("keys", []))

    def recovery_keys_page(self, after: int) -> dict:
        return self._json("GET", "/keys/recovery", params={"after": after})

    def keys_needed(self) -> list[dict]:
        return list(self._json("GET", "/keys/needed").get("needed", []))

    def upload_keys(self, keys: list[dict]) -> int:
        return int(self._json("POST", "/keys", json={"keys": keys}).get("stored", 0))

    def refuse_keys(self, keys: list[dict]) -> int:
        return int(self._json("POST", "/keys/refused", json={"keys": keys}).get("removed", 0))

    def push(self, envelopes: list[dict]) -> dict:
        """The answer: the seq of each envelope, in order (an envelope sent before keeps its first
        seq), the log's chain before and at each, and the log's head."""
        body = msgpack.packb({"envelopes": envelopes}, use_bin_type=True)
        doc = self._json("POST", "/push", content=body, content_type=protocol.MSGPACK)
        for name in ("seqs", "prevs", "chains"):
            found = doc.get(name)
            if not isinstance(found, list) or len(found) != len(envelopes):
                raise ProtocolError("push: answer does not cover the envelopes sent")
        return doc

    def pull(self, after: int, limit: int) -> dict:
        return self._msgpack("GET", "/pull", params={"after": after, "limit": limit})

    def backfill(self, vaults: list[dict], limit: int) -> dict:
        return self._msgpack("POST", "/backfill", json={"vaults": vaults, "limit": limit})
