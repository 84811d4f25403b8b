"""Who is a member of a vault, as this device decides it from signed statements alone.

    creation     the vault's kind and creator, signed by the creator device (org-signed entry)
    grant/remove the organisation's word (its signing key, on an office device) for one login
    policy       a household vault's members are its creator's account and the office accounts,
                 then whatever the organisation's latest grant or removal says; a shared vault's
                 members are every account of the organisation

The store's own membership table is never consulted: a row the store adds gives nobody a key.
Statements arrive through GET /v1/membership and are kept only once their signature verified.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from sync import protocol
from sync.client import crypto, unsent
from sync.client.identity import Identity
from sync.client.local import Local
from sync.client.remote import Remote, b64, unb64


@dataclass(frozen=True)
class Statement:
    vault_id: str
    login: str
    action: str  # grant | remove
    serial: int


class Membership:
    def __init__(self, local: Local, remote: Remote, identity: Identity, report, trusted: dict[str, dict]) -> None:
        self.local = local
        self.remote = remote
        self.identity = identity
        self.report = report
        self.trusted = trusted

    # -- receiving -----------------------------------------------------------------------

    def receive(self, newest: int | None = None) -> None:
        """New statements, verified; then forget every vault this account was removed from."""
        after = int(self.local.state().get("statements_cursor", "0"))
        while newest is None or newest > after:
            doc = self.remote.statements(after)
            items = doc.get("statements") or []
            origins, holdings = [], []
            for item in items:
                try:
                    verified = self._verify(item)
                except (KeyError, TypeError, ValueError):
                    verified = None
                if verified is None:
                    self.report.untrusted += 1
                elif item["action"] == "create":
                    origins.append(verified)
                else:
                    holdings.append(verified)
            after = max(after, int(doc.get("next", after)))
            state = {"statements_cursor": str(after)}
            if any(h[1] == self.identity.login and h[2] == "grant" and self._removed_before(h[0]) for h in holdings):
                # Back in a vault this account was removed from: the key copies of its older
                # versions came before the key cursor, and were forgotten with the vault.
                state["keys_cursor"] = "0"
            self.local.save_statements(origins, holdings, state)
            if len(items) < protocol.MAX_STATEMENTS_PER_REQUEST:
                break
        self.forget_removed()

    def _removed_before(self, vault_id: str) -> bool:
        holding = self.local.holding(vault_id, self.identity.login)
        return holding is not None and holding[0] == "remove"

    def _verify(self, item: dict) -> tuple | None:
        vault_id, action, device_id = str(item["vault_id"]), str(item["action"]), str(item["device_id"])
        signature = unb64(item["signature"]) or b""
        if action == "create":
            kind = str(item["kind"])
            device = self.device(device_id)
            if device is None or kind not in protocol.VAULT_KINDS:
                return None
            if kind in protocol.SHARED_VAULT_KINDS and device["role"] != "office":
                return None  # only the office creates the organisation's shared vaults
            statement = protocol.vault_statement(self.identity.org_id, vault_id, kind, device_id)
            if not crypto.verify(device["sign_public"], signature, statement):
                return None
            return (vault_id, kind, device_id, device["login"], signature)
        login, serial = str(item["login"]), int(item["serial"])
        if action not in protocol.MEMBERSHIP_ACTIONS or not self.identity.org_sign_public:
            return None
        statement = protocol.membership_statement(self.identity.org_id, vault_id, login, action, serial, device_id)
        if not crypto.verify(self.identity.org_sign_public, signature, statement):
            return None
        return (vault_id, login, action, serial, device_id, signature)

    def device(self, device_id: str) -> dict | None:
        """This device or one whose keys the organisation signed (login, role, sign key)."""
        if device_id == self.identity.device_id:
            return {"login": self.identity.login, "role": self.identity.role, "sign_public": self.identity.keys.sign_public}
        return self.trusted.get(device_id)

    def forget_removed(self) -> None:
        """A household this account was removed from leaves this device: rows, search index,
        drafts, keys (storage.purge). What was written there and not sent yet is first sealed to
        the organisation's recovery key in a file beside the profile (the office takes it in with
        `yorisoi import-unsent`), so nothing typed is lost."""
        for vault_id in self.local.removed_here(self.identity.login):
            vaults = self.local.unsent_operations([vault_id])
            if vaults:
                sealed_ms = int(time.time() * 1000)
                data = unsent.seal(self.identity, sealed_ms, sum(len(v["ops"]) for v in vaults), None, None, vaults)
                name = f"unsent-{self.identity.login}-{vault_id[:8]}-{sealed_ms}.yorisoi-unsent"
                self.report.sealed_files.append(self.local.keep_file(name, data))
            self.report.purged |= self.local.purge(vault_id)

    # -- the rule ------------------------------------------------------------------------

    def is_member(self, vault_id: str, login: str, role: str) -> bool:
        origin = self.local.vault_origin(vault_id)
        if origin is None:
            return False
        kind, _creator, creator_login = origin
        if kind in protocol.SHARED_VAULT_KINDS:
            return True
        holding = self.local.holding(vault_id, login)
        if holding is not None:
            return holding[0] == "grant"
        return role == "office" or login == creator_login

    # -- issuing (the office) ------------------------------------------------------------

    def issue(self, changes: list[tuple[str, str, str]]) -> list[Statement]:
        """Sign (vault, login, action) with the organisation's key, send them, keep them."""
        org_keys = self.identity.org_keys
        if org_keys is None:
            raise PermissionError("only an office device holds the organisation's key")
        serial = int(time.time() * 1000)
        wire, holdings, issued = [], [], []
        for vault_id, login, action in changes:
            known = self.local.holding(vault_id, login)
            mine = max(serial, known[1] + 1 if known else 1)
            signature = org_keys.sign(protocol.membership_statement(self.identity.org_id, vault_id, login, action, mine,
                                                                    self.identity.device_id))
            wire.append({"vault_id": vault_id, "login": login, "action": action, "serial": mine,
                         "signature": b64(signature)})
            holdings.append((vault_id, login, action, mine, self.identity.device_id, signature))
            issued.append(Statement(vault_id, login, action, mine))
        for start in range(0, len(wire), protocol.MAX_STATEMENTS_PER_REQUEST):
            self.remote.post_statements(wire[start:start + protocol.MAX_STATEMENTS_PER_REQUEST])
        self.local.save_statements([], holdings, {})
        return issued

    def creation(self, vault_id: str, kind: str) -> tuple:
        """This device creates a vault: its signed creation, as kept here (save_statements)."""
        signature = self.identity.keys.sign(protocol.vault_statement(self.identity.org_id, vault_id, kind,
                                                                     self.identity.device_id))
        return (vault_id, kind, self.identity.device_id, self.identity.login, signature)
