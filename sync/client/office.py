"""The office changes who belongs to a vault: grants and removals signed with the
organisation's key, and, after a removal, a new key version the removed account never gets."""

from __future__ import annotations

from sync.client.engine import Report
from sync.client.identity import Identity
from sync.client.keyring import Keyring
from sync.client.local import Local
from sync.client.remote import Remote


def change_membership(local: Local, remote: Remote, changes: list[tuple[str, str, str]],
                      rotate: list[str] = ()) -> Report:
    """Issue (vault, login, "grant" | "remove") statements, then rotate the key of each vault in
    `rotate`, with copies only for the devices the statements now allow. Grants go before
    removals in `changes`, so a transfer's new worker receives the new key at once."""
    identity = Identity.from_state(local.state())
    remote.token = identity.token
    report = Report()
    ring = Keyring(local, remote, identity, report)
    ring.refresh_directory()
    ring.membership.receive()
    ring.membership.issue(changes)
    for vault_id in dict.fromkeys(rotate):
        ring.rotate(vault_id)
    return report


def member_vaults(local: Local, login: str) -> set[str]:
    """Household vaults `login` belongs to, by the signed statements this device holds."""
    return set(local.member_vaults(login))
