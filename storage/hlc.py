"""Hybrid logical clock.

Laptop clocks are wrong by hours and sometimes by days. A hybrid logical clock keeps the
physical time when clocks agree, and never goes backwards or behind anything it has seen,
so an edit made after receiving another is always ordered after it.

A stamp is a string: exactly 16 lowercase hex digits of ``(milliseconds << 16) | counter``,
``-``, and the device id (`STAMP`); nothing else is a stamp. Its order is numeric: the clock as a
number, then the device id, which is the last-writer-wins tie-break (`stamp_key`). Because the
hex part has one fixed width (the gate admits no other form, and a clock refuses to pass
2^64 - 1), the text order of two valid stamps is exactly that numeric order, so merge may
compare them as text, which is faster.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable

COUNTER_BITS = 16
COUNTER_MASK = (1 << COUNTER_BITS) - 1
STAMP = re.compile(r"[0-9a-f]{16}-[a-z0-9]{8,64}")
MAX_HLC = (1 << 64) - 1


def valid_stamp(stamp) -> bool:
    return isinstance(stamp, str) and STAMP.fullmatch(stamp) is not None


def stamp_key(stamp: str) -> tuple[int, str]:
    """The order of stamps, as numbers: (clock, device id)."""
    return int(stamp[:16], 16), stamp[17:]


def now_ms() -> int:
    return time.time_ns() // 1_000_000


def make_stamp(hlc: int, device_id: str) -> str:
    if not 0 <= hlc <= MAX_HLC:
        raise ValueError("clock out of range")
    return f"{hlc:016x}-{device_id}"


def stamp_hlc(stamp: str) -> int:
    return int(stamp[:16], 16)


def stamp_device(stamp: str) -> str:
    return stamp[17:]


def stamp_millis(stamp: str) -> int:
    """The physical part, for showing a human when something was changed."""
    return stamp_hlc(stamp) >> COUNTER_BITS


class HybridClock:
    def __init__(self, device_id: str, last: int = 0, physical: Callable[[], int] = now_ms) -> None:
        self.device_id = device_id
        self.last = last
        self._physical = physical
        # How far the central store's clock is ahead of this laptop's (learnt at each sync), so
        # a laptop whose clock is hours off still stamps near the true time.
        self.offset_ms = 0

    def wall_ms(self) -> int:
        """This laptop's own clock, uncorrected (what the offset is measured against)."""
        return self._physical()

    def _advance(self, floor: int) -> int:
        wall = (self._physical() + self.offset_ms) << COUNTER_BITS
        self.last = max(wall, floor + 1)
        return self.last

    def tick(self) -> str:
        """A new stamp for a local change, later than anything seen so far."""
        return make_stamp(self._advance(self.last), self.device_id)

    def observe(self, stamp: str) -> None:
        """Move past a stamp received from another device (one the gate admitted: valid and
        within the bound of the store's clock)."""
        if not valid_stamp(stamp):
            return
        seen = stamp_hlc(stamp)
        if seen > self.last:
            self.last = seen
