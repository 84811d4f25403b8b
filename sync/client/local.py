"""What the sync engine needs from the device's store, as an interface.

The engine knows the protocol and the cryptography; the store knows records, clocks and
transactions (`storage.replica.Replica` implements this). Neither imports the other: the
application layer hands one to the other. Every method that changes several things does so in
one local transaction, so a sync cut at any point resumes without loss or double application.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Protocol


class VaultState(Protocol):
    vault_id: str
    kind: str
    registered: bool
    key_version: int
    backfill_after: int
    backfill_before: int | None


@dataclass(frozen=True)
class Received:
    """An envelope opened and decoded, ready to merge."""

    seq: int
    vault: str
    author: str  # the device id (on the central store) that sealed it
    ops: list
    raw: dict | None = None  # the wire item as received, kept if the ops cannot be applied
    stamp_ms: int = 0  # the latest stamp inside, as its author declared and signed it


@dataclass(frozen=True)
class Held:
    """An envelope kept aside as received (msgpack of the wire item), with why: ``key`` and
    ``author`` wait for something still to come (the vault key, the author's device entry) and
    are tried at every sync; the others are refusals (``format``, ``oversize``, ``signature``,
    ``integrity``, and the gate's ``stamp``, ``foreign``, ``forged_author``), quarantined until
    the office releases or drops them."""

    seq: int
    vault: str
    item: bytes
    reason: str
    author: str = ""  # the device that sealed it
    detail: str = ""


class Applied(Protocol):
    households: set[str]
    shared: bool
    records: int
    fields: int
    held: int


class PendingBatch(Protocol):
    vault_id: str
    ops: list
    change_seqs: list[int]
    stamp_ms: int


class Local(Protocol):
    # -- the device's sync state: identity, secrets, cursors (text values) ----------------
    def state(self) -> dict[str, str]: ...
    def save_state(self, values: dict[str, str | None]) -> None: ...

    # -- vaults and their keys ------------------------------------------------------------
    def unregistered(self) -> list[tuple[str, str]]: ...
    def sendable(self) -> dict[str, int]: ...
    def backfills(self) -> dict[str, VaultState]: ...
    def mark_registered(self, vaults: Iterable[tuple[str, str, int]]) -> None: ...
    def adopt_shared(self, kind: str, vault_id: str) -> None: ...
    def vault_key(self, vault_id: str, key_version: int) -> bytes | None: ...
    def vault_keys(self) -> dict[tuple[str, int], bytes]: ...
    def save_keys(self, keys: Iterable[tuple[str, int, bytes, str]], state: dict[str, str | None], *,
                  registered: bool = True) -> None: ...
    def save_devices(self, devices: list[dict]) -> None: ...
    def devices(self) -> dict[str, dict]: ...

    # -- membership: statements verified by the engine, and forgetting a vault -------------
    def save_statements(self, origins: list[tuple], holdings: list[tuple], state: dict[str, str | None]) -> None: ...
    def vault_origin(self, vault_id: str) -> tuple[str, str, str] | None: ...
    def holding(self, vault_id: str, login: str) -> tuple[str, int] | None: ...
    def member_vaults(self, login: str) -> list[str]: ...
    def vault_members(self, vault_id: str) -> list[str]: ...
    def removed_here(self, login: str) -> list[str]: ...
    def purge(self, vault_id: str) -> set[str]: ...
    def unsent_operations(self, vault_ids: list[str] | None = None) -> list[dict]: ...
    def keep_file(self, name: str, data: bytes) -> str: ...

    # -- push -----------------------------------------------------------------------------
    def unsent_summary(self) -> tuple[int, int | None, int | None]: ...
    def outbox(self) -> list[dict]: ...
    def batches(self, vault_ids: Iterable[str]) -> Iterator[PendingBatch]: ...
    def stage(self, envelope: dict, change_seqs: list[int]) -> None: ...
    def acknowledge(self, envelope_ids: list[str], seqs: list[int] | None = None,
                    state: dict[str, str | None] | None = None) -> None: ...
    def rewind(self, common: int, office: bool) -> int: ...

    # -- pull -----------------------------------------------------------------------------
    def prepare(self, received: list[Received]) -> dict: ...
    def apply(self, received: list[Received], held: list[Held], state: dict[str, str | None],
              backfill: dict[str, tuple[int, int | None]], release: list[int] = (),
              prepared: dict | None = None) -> Applied: ...
    def held(self) -> list[Held]: ...
