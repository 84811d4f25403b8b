"""Vault keys: who may receive them, receiving them, creating them, and passing them on.

A key copy is made only for a device `may_receive_key` allows: one whose keys the organisation
signed and whose revocation it has not signed (both verified here, not taken from the server's
word), and whose account the signed statements make a member of the vault
(sync/client/membership.py); and for the organisation's recovery key pinned at enrolment. A key
copy is used only when it opens under the box key of such a device (or of this one) — the key
agreement authenticates its maker — and when the key inside matches the key version's
commitment, signed by the device that made the key. A copy that fails is reported to the store,
which deletes it so that a member supplies a good one.
"""

from __future__ import annotations

from sync import protocol
from sync.client import crypto, revocation
from sync.client.enrolment import decode_device, device_trusted
from sync.client.errors import IntegrityFailure, ProtocolError
from sync.client.identity import Identity
from sync.client.local import Local
from sync.client.membership import Membership
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
        self._refetched = False

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


    @property
    def membership(self) -> Membership:
        return Membership(self.local, self.remote, self.identity, self.report, self.trusted)

    def may_receive_key(self, vault_id: str, device_id: str) -> bool:
        """The one rule for wrapping a vault key for another device: the organisation signed its
        keys and has not signed its revocation, and the signed statements make its account a
        member of the vault (a store listing it as approved or as a member changes nothing)."""
        device = self.trusted.get(device_id)
        if device is None or device_id in self.revoked:
            return False
        return self.membership.is_member(vault_id, device["login"], device["role"])

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
        held = set(self.local.vault_keys())
        while True:
            doc = self.remote.keys(after)
            entries = doc.get("keys") or []
            if not entries:
                break
            received, refused = [], []
            for entry in entries:
                vault_id, version = str(entry["vault_id"]), int(entry["key_version"])
                sender = str(entry.get("wrapped_by", ""))
                if (vault_id, version) in held:
                    continue  # a verified key is kept; another copy changes nothing
                key = self.open_copy(vault_id, version, unb64(entry["wrapped"]), sender, self.identity.device_id)
                if key is None or not self._committed(entry, vault_id, version, key):
                    refused.append({"vault_id": vault_id, "key_version": version, "wrapped_by": sender})
                    continue
                kind = str(entry.get("kind", "household"))
                if kind not in protocol.VAULT_KINDS:
                    kind = "household"
                received.append((vault_id, version, key, kind))
                held.add((vault_id, version))
            after = max(after, int(doc.get("next", after)))
            self.local.save_keys(received, {"keys_cursor": str(after)})
            self.report.keys_received += len(received)
            if refused:
                # Reported, so the store deletes them and a member supplies a good copy.
                self.report.bad_copies += len(refused)
                self.remote.refuse_keys(refused)
            if len(entries) < protocol.MAX_KEYS_PER_REQUEST:
                break

    def _committed(self, entry: dict, vault_id: str, version: int, key: bytes) -> bool:
        """The key matches its version's commitment, signed by the device that made it: the
        vault's creator for version 1, an office device for a rotation."""
        try:
            commitment, signature = unb64(entry.get("commitment")), unb64(entry.get("commitment_signature"))
            maker = str(entry.get("committed_by") or "")
        except ProtocolError:
            return False
        if not commitment or not signature or commitment != protocol.key_commitment(vault_id, version, key):
            return False
        device = self.membership.device(maker)
        if device is None:
            return False
        if version == 1:
            origin = self.local.vault_origin(vault_id)
            if origin is None and not self._refetched:
                # Registered after this sync's hello: its creation is fetched once, not refused.
                self._refetched = True
                self.membership.receive()
                origin = self.local.vault_origin(vault_id)
            if origin is None or origin[1] != maker:
                return False
        elif device["role"] != "office":
            return False
        statement = protocol.key_version_statement(self.identity.org_id, vault_id, version, commitment, maker)
        return crypto.verify(device["sign_public"], signature, statement)

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
        elif self.may_receive_key(vault_id, recipient):
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
            requests, origins = [], []
            for vault_id, kind in chunk:
                key = self.local.vault_key(vault_id, 1)
                copies = [self.copy_for(vault_id, 1, key, self.identity.device_id),
                          self.copy_for(vault_id, 1, key, RECOVERY)]
                origin = self.membership.creation(vault_id, kind)
                origins.append(origin)
                commitment, commitment_sig = self.commit(vault_id, 1, key)
                requests.append({"id": vault_id, "kind": kind,
                                 "wrapped_keys": [{k: v for k, v in c.items() if k != "vault_id"} for c in copies],
                                 "statement": b64(origin[-1]), "commitment": b64(commitment),
                                 "commitment_signature": b64(commitment_sig)})
            # The creations are this device's own word: kept before the store hears of them.
            self.local.save_statements(origins, [], {})
            answers = self.remote.register_vaults(requests)
            self.local.mark_registered([(vault_id, kind, int(answer.get("key_version", 1)))
                                        for (vault_id, kind), answer in zip(chunk, answers, strict=True)])
            self.report.vaults_registered += len(chunk)

    def commit(self, vault_id: str, version: int, key: bytes) -> tuple[bytes, bytes]:
        """The commitment of a key version made here, and this device's signature of it."""
        commitment = protocol.key_commitment(vault_id, version, key)
        return commitment, self.identity.keys.sign(protocol.key_version_statement(
            self.identity.org_id, vault_id, version, commitment, self.identity.device_id))

    def rotate(self, vault_id: str, kind: str = "household") -> int:
        """A new key version for a vault (the office, after a removal): copies only for the
        devices that may receive it and for the recovery key; later envelopes use it. Returns
        the new version."""
        version = max((v for (vid, v) in self.local.vault_keys() if vid == vault_id), default=0) + 1
        key = crypto.new_vault_key()
        commitment, signature = self.commit(vault_id, version, key)
        recipients = [self.identity.device_id, RECOVERY,
                      *(d for d, device in self.trusted.items() if d != self.identity.device_id
                        and device["status"] == "approved" and self.may_receive_key(vault_id, d))]
        copies = [self.copy_for(vault_id, version, key, r) for r in recipients]
        self.remote.rotate(vault_id, version, commitment, signature,
                           [{k: v for k, v in c.items() if k != "vault_id"} for c in copies])
        self.local.save_keys([(vault_id, version, key, kind)], {})
        return version

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
                if key is None or not self.may_receive_key(vault_id, device_id):
                    continue
                copies.append(self.copy_for(vault_id, version, key, device_id))
            if not copies:
                return
            for start in range(0, len(copies), protocol.MAX_KEYS_PER_REQUEST):
                self.report.keys_supplied += self.remote.upload_keys(copies[start:start + protocol.MAX_KEYS_PER_REQUEST])
            if len(needed) < protocol.MAX_KEYS_PER_REQUEST:
                return
