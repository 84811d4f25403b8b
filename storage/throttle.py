"""Back-off after wrong passphrases.

Three tries are free; after that each further failure doubles the wait, up to five minutes.
The state lives beside the key file so that restarting the program does not reset it. It is
a speed bump for someone guessing at the keyboard; the real protection against an offline
attack on a copied profile is the Argon2id cost of every guess.
"""

from __future__ import annotations

import json
import time
from pathlib import Path

from storage import atomic
from storage.errors import UnlockThrottled

FREE_TRIES = 3
MAX_WAIT_S = 300.0


def delay_after(failures: int) -> float:
    if failures < FREE_TRIES:
        return 0.0
    return min(MAX_WAIT_S, float(2 ** (failures - FREE_TRIES)))


class Throttle:
    def __init__(self, path: Path, clock=time.time) -> None:
        self.path = path
        self._clock = clock

    def _read(self) -> tuple[int, float]:
        try:
            doc = json.loads(self.path.read_text(encoding="utf-8"))
            return int(doc["failures"]), float(doc["last_failure"])
        except (OSError, ValueError, KeyError, TypeError):
            return 0, 0.0

    def check(self) -> None:
        """Raise UnlockThrottled while the wait after the last failure is not over."""
        failures, last = self._read()
        remaining = last + delay_after(failures) - self._clock()
        if remaining > 0:
            raise UnlockThrottled(remaining)

    def failed(self) -> tuple[int, float]:
        """Count a failure; returns (failures, seconds to wait before the next try)."""
        failures, _ = self._read()
        failures += 1
        self._write({"failures": failures, "last_failure": self._clock()})
        return failures, delay_after(failures)

    def succeeded(self) -> None:
        if self.path.exists():
            self._write({"failures": 0, "last_failure": 0.0})

    def _write(self, doc: dict) -> None:
        try:
            atomic.write_bytes(self.path, json.dumps(doc).encode("ascii"))
        except OSError:
            pass  # a read-only profile still opens; it just cannot count failures
