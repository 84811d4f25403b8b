"""What this device remembers of the store's log, and noticing a store that went back.

Every answer that moves the device along the log (a push, a pull page) carries the log's epoch
and its chain at some seq (protocol.log_link: each entry linked to the one before). The device
keeps a few of those points (`marks`), thinned so they reach back in time. At the start of each
sync it asks the store for the chain at its newest mark (/me?at=): a store restored from an
older backup, or a different log at the same address, cannot answer the same chain there. The
device then finds the newest mark the store still agrees with (/log/chains): the log is intact
up to there, and everything this device sent, and everything it pulled, after it is done again.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from sync import protocol
from sync.client.errors import IntegrityFailure

MAX_MARKS = 64


@dataclass(frozen=True)
class Rewound:
    seen: int  # the newest point this device had seen
    head: int  # where the store's log ends now
    common: int  # the last point up to which the store still holds the same log


class Memory:
    def __init__(self, state: dict[str, str]) -> None:
        self.epoch = state.get("log_epoch") or None
        try:
            self.marks = {int(seq): bytes.fromhex(chain) for seq, chain in json.loads(state.get("log_marks") or "[]")}
        except (ValueError, TypeError):
            self.marks = {}

    @property
    def newest(self) -> int | None:
        return max(self.marks) if self.marks else None

    def agrees(self, log: dict) -> bool:
        """Whether the store's log (as /me described it, asked at the newest mark) is the one
        this device remembers."""
        newest = self.newest
        if self.epoch is None or newest is None:
            return True  # nothing remembered yet: nothing to hold the store to
        if str(log.get("epoch")) != self.epoch or int(log.get("head", -1)) < newest:
            return False
        return log.get("at") == self.marks[newest]

    def see(self, epoch: str | None, seq: int, chain: bytes | None) -> dict[str, str]:
        """Remember a point of the log; the state to save with whatever moved the device there."""
        if not epoch or chain is None:
            return {}
        if epoch != self.epoch:
            self.epoch, self.marks = epoch, {}
        self.marks[seq] = chain
        return self.state()

    def forget_after(self, seq: int) -> None:
        self.marks = {s: c for s, c in self.marks.items() if s <= seq}

    def state(self) -> dict[str, str]:
        ordered = sorted(self.marks)
        if len(ordered) > MAX_MARKS:
            # The newest half stays whole; the older half keeps every other point, so the marks
            # reach back in time while staying few.
            keep = MAX_MARKS // 2
            ordered = ordered[:-keep][::2][-(MAX_MARKS - keep):] + ordered[-keep:]
            self.marks = {s: self.marks[s] for s in ordered}
        return {"log_epoch": self.epoch or "",
                "log_marks": json.dumps([[s, self.marks[s].hex()] for s in ordered], separators=(",", ":"))}

    def common_point(self, answer: dict) -> int:
        """The newest mark at which the store (answering /log/chains for every mark, in order)
        still has the chain this device remembers; 0 when none, or when the log is another."""
        if str(answer.get("epoch")) != self.epoch:
            return 0
        asked = sorted(self.marks)
        found = answer.get("chains") or []
        if len(found) != len(asked):
            raise IntegrityFailure("log chains")
        agreed = [seq for seq, chain in zip(asked, found, strict=True) if chain == self.marks[seq]]
        return max(agreed, default=0)


def check_own(prev: bytes, seq: int, chain: bytes, env: dict, device_id: str) -> None:
    """The store's chain at an envelope this device pushed links that very envelope."""
    entry = protocol.envelope_entry(env["vault"], env["id"], env["kv"], device_id, env["ms"], env["nonce"],
                                    env["body"])
    if protocol.log_link(prev, seq, entry) != chain:
        raise IntegrityFailure("log chain")
