"""Test helpers that act as devices and as the office: real keys, real signatures, random
bytes where the protocol carries ciphertext (the store never opens it)."""

from __future__ import annotations

import base64
import os
import secrets
import time
from dataclasses import dataclass, field

import msgpack
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey

from sync import protocol as p
from sync.server import admin

RAW = serialization.Encoding.Raw, serialization.PublicFormat.Raw


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def unb64(text: str) -> bytes:
    return base64.b64decode(text)


def new_id() -> str:
    return secrets.token_hex(15)  # 120 bits, as devices choose vault and envelope ids


@dataclass
class Device:
    client: object
    name: str = "ノートPC"
    box: X25519PrivateKey = field(default_factory=X25519PrivateKey.generate)
    sign: Ed25519PrivateKey = field(default_factory=Ed25519PrivateKey.generate)
    token: str | None = None
    id: str | None = None
    account: dict | None = None
    org: dict | None = None

    @property
    def box_public(self) -> bytes:
        return self.box.public_key().public_bytes(*RAW)

    @property
    def sign_public(self) -> bytes:
        return self.sign.public_key().public_bytes(*RAW)

    @property
    def headers(self) -> dict:
        return {"Authorization": f"Bearer {self.token}"}

    def enrol(self, code: str):
        resp = self.client.post("/v2/enrol", json={"code": code, "device_name": self.name,
                                                   "box_public": b64(self.box_public),
                                                   "sign_public": b64(self.sign_public)})
        if resp.status_code == 200:
            body = resp.json()
            self.token, self.id, self.account, self.org = body["token"], body["device_id"], body["account"], body["org"]
        return resp

    def get(self, path: str, **kw):
        return self.client.get(path, headers=self.headers, **kw)

    def post(self, path: str, json=None, **kw):
        return self.client.post(path, json=json, headers=self.headers, **kw)

    def put(self, path: str, **kw):
        return self.client.put(path, headers=self.headers, **kw)

    def statement(self) -> bytes:
        return p.device_statement(self.org["id"], self.id, self.account["id"], self.account["login"],
                                  self.account["role"], self.box_public, self.sign_public)

    # --- vaults and keys -------------------------------------------------------------
    def wrapped_key(self, recipient: str, key_version: int = 1, wrapped: bytes | None = None) -> dict:
        """A key copy as the store sees it: 60 opaque bytes (nonce, sealed key, tag)."""
        wrapped = wrapped if wrapped is not None else os.urandom(60)
        return {"recipient": recipient, "key_version": key_version, "wrapped": b64(wrapped)}

    def vault_request(self, vault_id: str, kind: str = "household", extra: list[str] = ()) -> dict:
        """A registration as a device sends it: copies, its signed creation and key commitment."""
        keys = [self.wrapped_key(r) for r in [self.id, "recovery", *extra]]
        commitment = os.urandom(32)
        org_id = self.org["id"]
        return {"id": vault_id, "kind": kind, "wrapped_keys": keys,
                "statement": b64(self.sign.sign(p.vault_statement(org_id, vault_id, kind, self.id))),
                "commitment": b64(commitment),
                "commitment_signature": b64(self.sign.sign(p.key_version_statement(org_id, vault_id, 1, commitment,
                                                                                   self.id)))}

    def register_vault(self, kind: str = "household", vault_id: str | None = None, extra: list[str] = ()):
        vault_id = vault_id or new_id()
        return vault_id, self.post("/v2/vaults", json=self.vault_request(vault_id, kind, extra))

    def upload_key(self, vault_id: str, recipient: str, key_version: int = 1):
        item = {"vault_id": vault_id, **self.wrapped_key(recipient, key_version)}
        return self.post("/v2/keys", json={"keys": [item]})

    # --- the log -------------------------------------------------------------------
    def envelope(self, vault_id: str, kv: int = 1, env_id: str | None = None, body: bytes | None = None,
                 ms: int | None = None) -> dict:
        env_id = env_id or new_id()
        nonce, body = os.urandom(12), body if body is not None else os.urandom(64)
        ms = int(time.time() * 1000) if ms is None else ms
        sig = self.sign.sign(p.envelope_statement(vault_id, env_id, kv, self.id, ms, nonce, body))
        return {"vault": vault_id, "id": env_id, "kv": kv, "ms": ms, "nonce": nonce, "body": body, "sig": sig}

    def push(self, envelopes: list[dict]):
        return self.push_raw(msgpack.packb({"envelopes": envelopes}, use_bin_type=True))

    def push_raw(self, content: bytes):
        return self.client.post("/v2/push", content=content, headers={**self.headers, "Content-Type": p.MSGPACK})

    def pull(self, after: int = 0, limit: int | None = None) -> dict:
        params = {"after": after} | ({"limit": limit} if limit else {})
        resp = self.get("/v2/pull", params=params)
        assert resp.status_code == 200, resp.text
        assert resp.headers["content-type"] == p.MSGPACK
        return msgpack.unpackb(resp.content, raw=False)

    def pull_all(self, after: int = 0, limit: int | None = None) -> tuple[list[dict], int]:
        items = []
        while True:
            page = self.pull(after, limit)
            items += page["items"]
            after = page["next"]
            if not page["more"]:
                return items, after

    def backfill(self, vaults: list[dict], limit: int = 1000):
        return self.post("/v2/backfill", json={"vaults": vaults, "limit": limit})


@dataclass
class Org:
    """An organisation as its office holds it: the signing and recovery keys, and devices."""
    engine: object
    client: object
    name: str
    sign: Ed25519PrivateKey = field(default_factory=Ed25519PrivateKey.generate)
    recovery: X25519PrivateKey = field(default_factory=X25519PrivateKey.generate)
    office: Device | None = None

    @property
    def sign_public(self) -> bytes:
        return self.sign.public_key().public_bytes(*RAW)

    @property
    def box_public(self) -> bytes:
        return self.recovery.public_key().public_bytes(*RAW)

    @classmethod
    def create(cls, engine, client, name: str = "みその市") -> Org:
        """create-org, enrol the bootstrap device, post the org's keys (which approves it)."""
        org = cls(engine, client, name)
        code = admin.create_org(engine, name).code
        org.office = Device(client, name="事務局PC")
        assert org.office.enrol(code).status_code == 200
        resp = org.office.post("/v2/org/keys", json=org.keys_request(org.office))
        assert resp.status_code == 200, resp.text
        return org

    def keys_request(self, device: Device) -> dict:
        org_id = device.org["id"]
        return {"sign_public": b64(self.sign_public), "box_public": b64(self.box_public),
                "keys_signature": b64(self.sign.sign(p.org_keys_statement(org_id, self.sign_public, self.box_public))),
                "device_signature": b64(self.sign.sign(device.statement()))}

    def enrol(self, login: str, role: str = "worker", name: str = "ノートPC", new_account: bool = True) -> Device:
        """A pending device of `login` (created unless it exists)."""
        if new_account:
            admin.add_user(self.engine, login, self.name, role)
        code = admin.enrol_code_for(self.engine, login, self.name).code
        device = Device(self.client, name=name)
        assert device.enrol(code).status_code == 200
        return device

    def approve(self, device: Device):
        return self.office.post(f"/v2/devices/{device.id}/approve",
                                json={"signature": b64(self.sign.sign(device.statement()))})

    def statement(self, vault_id: str, login: str, action: str = "grant", serial: int | None = None,
                  by: Device | None = None) -> dict:
        """A grant or removal signed with the organisation's key, issued on `by` (the office)."""
        by = by or self.office
        serial = serial if serial is not None else time.time_ns() // 1000
        sig = self.sign.sign(p.membership_statement(by.org["id"], vault_id, login, action, serial, by.id))
        return {"vault_id": vault_id, "login": login, "action": action, "serial": serial, "signature": b64(sig)}

    def grant(self, vault_id: str, login: str, action: str = "grant", by: Device | None = None):
        by = by or self.office
        return by.post("/v2/membership", json={"statements": [self.statement(vault_id, login, action, by=by)]})

    def member(self, login: str, role: str = "worker", new_account: bool = True) -> Device:
        device = self.enrol(login, role, new_account=new_account)
        assert self.approve(device).status_code == 200
        return device
