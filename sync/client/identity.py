"""Who this device is on a central store: what enrolment pinned and the secrets it made.

Kept as text values in the device's encrypted store (`Local.state`). The organisation's keys
are pinned at enrolment: every later answer of the server must carry the same ones, and every
device key is trusted only when the organisation's signing key signed it.
"""

from __future__ import annotations

from dataclasses import dataclass

from sync.client.crypto import KeyPair
from sync.client.errors import NotEnrolled


@dataclass(frozen=True)
class Identity:
    server: str
    cert_pem: str | None
    device_id: str
    token: str
    keys: KeyPair
    org_id: str
    org_name: str
    org_sign_public: bytes | None
    org_box_public: bytes | None
    account_id: str
    login: str
    role: str
    status: str
    org_keys: KeyPair | None = None  # the office only

    @property
    def is_office(self) -> bool:
        return self.role == "office"

    @classmethod
    def from_state(cls, state: dict[str, str]) -> Identity:
        if not state.get("device_id") or not state.get("token"):
            raise NotEnrolled("this profile is not enrolled")
        hexed = lambda key: bytes.fromhex(state[key]) if state.get(key) else None  # noqa: E731
        org_keys = None
        if state.get("org_box_private") and state.get("org_sign_private"):
            org_keys = KeyPair(hexed("org_box_private"), hexed("org_sign_private"))
        return cls(
            server=state["server"], cert_pem=state.get("cert_pem") or None, device_id=state["device_id"],
            token=state["token"], keys=KeyPair(hexed("box_private"), hexed("sign_private")),
            org_id=state["org_id"], org_name=state.get("org_name", ""),
            org_sign_public=hexed("org_sign_public"), org_box_public=hexed("org_box_public"),
            account_id=state["account_id"], login=state["login"], role=state["role"],
            status=state.get("status", "pending"), org_keys=org_keys)

    def to_state(self) -> dict[str, str | None]:
        hexed = lambda b: b.hex() if b else None  # noqa: E731
        return {
            "server": self.server, "cert_pem": self.cert_pem, "device_id": self.device_id, "token": self.token,
            "box_private": self.keys.box_private.hex(), "sign_private": self.keys.sign_private.hex(),
            "org_id": self.org_id, "org_name": self.org_name, "org_sign_public": hexed(self.org_sign_public),
            "org_box_public": hexed(self.org_box_public), "account_id": self.account_id, "login": self.login,
            "role": self.role, "status": self.status,
            "org_box_private": hexed(self.org_keys.box_private) if self.org_keys else None,
            "org_sign_private": hexed(self.org_keys.sign_private) if self.org_keys else None,
        }
