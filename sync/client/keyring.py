"""Vault keys: who may receive them, receiving them, creating them, and passing them on.

A key copy is made only for a device whose keys the organisation signed and whose revocation it
has not signed (both verified here, not taken from the server's word: `may_receive_key`), and for
the organisation's recovery key pinned at enrolment. A
key copy is used only when it opens under the box key of such a device (or of this one): the
key agreement authenticates its maker, so a server cannot slip in a key of its own and read
what is written with it afterwards.
"""

from __future__ import annotations

from sync import protocol
from sync.client import crypto, revocation
from sync.client.enrolment import decode_device, device_trusted
from sync.client.errors import IntegrityFailure
from sync.client.identity import Identity
from sync.client.local import Local
from sync.client.remote import Remote, b64, unb64

RECOVERY = "recovery"


class Keyring:
    def __init__(self, local: Local, remote: Remote, identity: Identity, report) -> None:
        self.local = local
        self.remote = remote
        self.identity = identity
        self.report = report
        self.trusted: dict[str, dict] = {}  # devices whose keys the org signed (revoked ones too)
        self.revoked: set[str] = set()  # ... and whose revocation it signed
        self.copier = crypto.KeyCopier(identity.keys.box_private)

    # -- directory -----------------------------------------------------------------------

    def refresh_directory(self, version: str | None = None) -> None:
        """The org's devices, verified here; skipped when the server says the list has not
        changed since last time (the verified copy is kept locally). Revocations the org signed
        are remembered for good and applied on both paths."""
        known = revocation.remembered(self.local.state())
        if version is not None and version == self.local.state().get("directory_version"):
            stored = self.local.devices()
            if stored:
                self.trusted = {d["id"]: d for d in stored.values() if d["verified"]}
                self.revoked = {i for i, d in self.trusted.items() if self._revoked(d, known)}
                return
        devices = []
        learnt: dict[str, str] = {}
        for doc in self.remote.devices():
            device = decode_device(doc)
            device["verified"] = 1 if device_trusted(self.identity, device) else 0
            if device["status"] != "pending" and not device["verified"]:
                self.report.untrusted += 1
            if revocation.of_device(self.identity, device) is not None and device["id"] not in known:
                learnt.update(revocation.to_remember(device["id"], device["revocation"]))
            if self._revoked(device, known):
                device["status"] = "revoked"  # whatever status the store lists
            devices.append(device)
        if learnt:
            self.local.save_state(learnt)
        self.local.save_devices(devices)
        if version is not None:
            self.local.save_state({"directory_version": version})
        self.trusted = {d["id"]: d for d in devices if d["verified"]}
        self.revoked = {d["id"] for d in devices if d["status"] == "revoked" and self._revoked(d, known)}

    def _revoked(self, device: dict, known: dict[str, dict]) -> bool:
        """The org signed this device's revocation: relayed now, or seen (verified) before."""
        if revocation.of_device(self.identity, device) is not None:
            return True
        earlier = known.get(device["id"])
        return earlier is not None and revocation.of_device(self.identity, {**device, "revocation": earlier}) is not None

    def may_receive_key(self, device_id: str) -> bool:
        """The one rule for wrapping a vault key for another device: the organisation signed its
        keys and has not signed its revocation (a store listing it as approved changes nothing)."""
        return device_id in self.trusted and device_id not in self.revoked

    def load_directory(self) -> None:
        """The devices as verified at the last sync, without asking the store (offline work)."""
        self.trusted = {d["id"]: d for d in self.local.devices().values() if d["verified"]}

    def sign_key_of(self, device_id: str) -> bytes | None:
        if device_id == self.identity.device_id:
            return self.identity.keys.sign_public
        device = self.trusted.get(device_id)
        return device["sign_public"] if device else None

    def box_key_of(self, device_id: str) -> bytes | None:
        if device_id == self.identity.device_id:
            return self.copier.public
        device = self.trusted.get(device_id)
        return device["box_public"] if device else None

    # -- receiving -----------------------------------------------------------------------

    def receive_keys(self, newest: int | None = None) -> None:
        state = self.local.state()
        after = int(state.get("keys_cursor", "0"))
        if newest is not None and newest <= after:
            return  # no copy addressed to this device since the last time
        while True:
            doc = self.remote.keys(after)
            entries = doc.get("keys") or []
            if not entries:
                break
            received = []
            for entry in entries:
                vault_id, version = str(entry["vault_id"]), int(entry["key_version"])
                key = self.open_copy(vault_id, version, unb64(entry["wrapped"]), str(entry.get("wrapped_by", "")),
                                     self.identity.device_id)
                if key is None:
                    self.report.untrusted += 1
                    continue
                kind = str(entry.get("kind", "household"))
                if kind not in protocol.VAULT_KINDS:
                    kind = "household"
                received.append((vault_id, version, key, kind))
            after = max(after, int(doc.get("next", after)))
            self.local.save_keys(received, {"keys_cursor": str(after)})
            self.report.keys_received += len(received)
            if len(entries) < protocol.MAX_KEYS_PER_REQUEST:
                break

    def open_copy(self, vault_id: str, version: int, wrapped: bytes, sender: str, recipient: str) -> bytes | None:
        """The vault key in a copy made by a trusted device, or None (not used, counted)."""
        sender_box = self.box_key_of(sender)
        if sender_box is None:
            return None
        try:
            return self.copier.unwrap(wrapped, sender_box, sender=sender, recipient=recipient, vault_id=vault_id,
                                      key_version=version)
        except IntegrityFailure:
            return None

    # -- creating ------------------------------------------------------------------------

    def copy_for(self, vault_id: str, version: int, key: bytes, recipient: str) -> dict:
        if recipient == RECOVERY:
            if not self.identity.org_box_public:
                raise IntegrityFailure("organisation recovery key not pinned")
            box = self.identity.org_box_public
        elif recipient == self.identity.device_id:
            box = self.identity.keys.box_public
        elif self.may_receive_key(recipient):
            box = self.trusted[recipient]["box_public"]
        else:
            raise IntegrityFailure("a key copy for a device the organisation did not approve or revoked")
        wrapped = self.copier.wrap(key, box, sender=self.identity.device_id, recipient=recipient, vault_id=vault_id,
                                   key_version=version)
        return {"vault_id": vault_id, "key_version": version, "recipient": recipient, "wrapped": b64(wrapped)}

    def register_vaults(self) -> None:
        """Vaults created here, registered with their first two key copies (this device's and
        the recovery key's), many per request."""
        todo = [(v, kind) for v, kind in self.local.unregistered()
                # The office registers the organisation's shared vaults; laptops adopt them.
                if kind == "household" or self.identity.is_office]
        for start in range(0, len(todo), protocol.MAX_REGISTER_VAULTS):
            chunk = todo[start:start + protocol.MAX_REGISTER_VAULTS]
            fresh = [(v, 1, crypto.new_vault_key(), kind) for v, kind in chunk if self.local.vault_key(v, 1) is None]
            # Kept before the server hears of the vaults, so a retry reuses the same keys.
            self.local.save_keys(fresh, {}, registered=False)
            requests = []
            for vault_id, kind in chunk:
                key = self.local.vault_key(vault_id, 1)
                copies = [self.copy_for(vault_id, 1, key, self.identity.device_id),
                          self.copy_for(vault_id, 1, key, RECOVERY)]
                requests.append({"id": vault_id, "kind": kind,
                                 "wrapped_keys": [{k: v for k, v in c.items() if k != "vault_id"} for c in copies]})
            answers = self.remote.register_vaults(requests)
            self.local.mark_registered([(vault_id, kind, int(answer.get("key_version", 1)))
                                        for (vault_id, kind), answer in zip(chunk, answers, strict=True)])
            self.report.vaults_registered += len(chunk)

    # -- passing on ----------------------------------------------------------------------

    def supply_keys(self, epoch: int | None = None) -> None:
        """Wrap keys this device holds for member devices that lack them (a newly approved
        device, a member added to a household). Skipped when the org's key epoch has not moved
        since this device last supplied everything it could."""
        if epoch is not None and str(epoch) == self.local.state().get("supplied_epoch"):
            return
        self._supply()
        if epoch is not None:
            self.local.save_state({"supplied_epoch": str(epoch)})

    def _supply(self) -> None:
        while True:
            needed = self.remote.keys_needed()
            copies = []
            for entry in needed:
                vault_id, version, device_id = str(entry["vault_id"]), int(entry["key_version"]), str(
                    entry["device_id"])
                key = self.local.vault_key(vault_id, version)
                if key is None or not self.may_receive_key(device_id):
                    continue
                copies.append(self.copy_for(vault_id, version, key, device_id))
            if not copies:
                return
            for start in range(0, len(copies), protocol.MAX_KEYS_PER_REQUEST):
                self.report.keys_supplied += self.remote.upload_keys(copies[start:start + protocol.MAX_KEYS_PER_REQUEST])
            if len(needed) < protocol.MAX_KEYS_PER_REQUEST:
                return
