"""An office device taking over the organisation's keys (from the recovery sheet or from
another office device's gift): keep them, approve itself with them, and read every vault of
the organisation through the recovery copies the store holds (docs/sync-protocol.md, "The
organisation's keys")."""

from __future__ import annotations

from dataclasses import replace

from sync import protocol
from sync.client import crypto
from sync.client.enrolment import NotOffice
from sync.client.errors import IntegrityFailure
from sync.client.identity import Identity
from sync.client.keyring import RECOVERY, Keyring
from sync.client.local import Local
from sync.client.recovery import OrgSecrets, require_same_org
from sync.client.remote import Remote, unb64


def adopt(local: Local, identity: Identity, secrets: OrgSecrets) -> Identity:
    """Keep the organisation's private keys in this (office) device's encrypted store, after
    checking they are the ones this device pinned at enrolment."""
    if not identity.is_office:
        raise NotOffice("only an office device may hold the organisation's keys")
    require_same_org(secrets, identity.org_id, identity.org_sign_public, identity.org_box_public)
    adopted = replace(identity, org_keys=secrets.keys)
    local.save_state({"org_box_private": secrets.keys.box_private.hex(),
                      "org_sign_private": secrets.keys.sign_private.hex()})
    return adopted


def approve_self(local: Local, remote: Remote, identity: Identity) -> Identity:
    """A pending office device signs its own keys with the organisation's key (no approved
    office device is left to do it)."""
    if identity.status == "approved" or identity.org_keys is None:
        return identity
    signature = identity.org_keys.sign(protocol.device_statement(
        identity.org_id, identity.device_id, identity.account_id, identity.login, identity.role,
        identity.keys.box_public, identity.keys.sign_public))
    remote.approve(identity.device_id, signature)
    local.save_state({"status": "approved"})
    return replace(identity, status="approved")


def read_recovery_copies(local: Local, remote: Remote, identity: Identity, report) -> int:
    """Open every recovery copy of the organisation's vaults with the recovery key, keep the vault
    keys, and give this device its own copies. Returns how many keys were taken in."""
    if identity.org_keys is None:
        raise NotOffice("the organisation's keys are not on this device")
    ring = Keyring(local, remote, identity, report)
    ring.refresh_directory()
    opener = crypto.KeyCopier(identity.org_keys.box_private)
    after, taken = 0, 0
    while True:
        doc = remote.recovery_keys_page(after)
        entries = doc.get("keys") or []
        received, copies = [], []
        for entry in entries:
            vault_id, version, sender = str(entry["vault_id"]), int(entry["key_version"]), str(entry["wrapped_by"])
            sender_box = ring.box_key_of(sender)
            if sender_box is None:
                report.untrusted += 1
                continue
            try:
                key = opener.unwrap(unb64(entry["wrapped"]), sender_box, sender=sender, recipient=RECOVERY,
                                    vault_id=vault_id, key_version=version)
            except IntegrityFailure:
                report.untrusted += 1
                continue
            kind = str(entry.get("kind", "household"))
            received.append((vault_id, version, key, kind if kind in protocol.VAULT_KINDS else "household"))
            copies.append(ring.copy_for(vault_id, version, key, identity.device_id))
        local.save_keys(received, {})
        for start in range(0, len(copies), protocol.MAX_KEYS_PER_REQUEST):
            remote.upload_keys(copies[start:start + protocol.MAX_KEYS_PER_REQUEST])
        taken += len(received)
        after = max(after, int(doc.get("next", after)))
        if len(entries) < protocol.MAX_KEYS_PER_REQUEST:
            return taken
