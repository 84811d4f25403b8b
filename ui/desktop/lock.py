"""Locking the window: after an idle time (default 5 minutes), on system sleep, or by hand.

Locking hides every personal detail: the list and the household are cleared, open dialogs are
hidden (their input stays, and drafts are written first), and only the passphrase brings them
back. A sleeping laptop is noticed because timers do not run while it sleeps: when a 5-second
tick arrives long after the wall clock says it should have, the system was asleep (or frozen)
and the window locks before anything is shown again.
"""

from __future__ import annotations

import time

from PySide6.QtCore import QEvent, QObject, QTimer, Signal
from PySide6.QtWidgets import QApplication

ACTIVITY = {QEvent.Type.KeyPress, QEvent.Type.MouseButtonPress, QEvent.Type.MouseMove, QEvent.Type.Wheel,
            QEvent.Type.TouchBegin}
TICK_MS = 5000
SLEEP_GAP_S = 30.0
DEFAULT_IDLE_MINUTES = 5


class IdleLock(QObject):
    lock_requested = Signal(str)  # the reason: "idle", "sleep", "manual"

    def __init__(self, idle_seconds: float, parent=None) -> None:
        super().__init__(parent)
        self.locked = False
        self._idle = QTimer(self)
        self._idle.setSingleShot(True)
        self._idle.timeout.connect(lambda: self._request("idle"))
        self._tick = QTimer(self)
        self._tick.setInterval(TICK_MS)
        self._tick.timeout.connect(self._check_sleep)
        self._last_tick = time.time()
        self.set_idle_seconds(idle_seconds)
        app = QApplication.instance()
        if app is not None:
            app.installEventFilter(self)
        self._tick.start()

    def set_idle_seconds(self, seconds: float) -> None:
        self._idle.setInterval(max(1000, int(seconds * 1000)))
        if not self.locked:
            self._idle.start()

    def eventFilter(self, obj, event) -> bool:  # noqa: N802 - Qt's name
        if not self.locked and event.type() in ACTIVITY:
            self._idle.start()
        return False

    def _check_sleep(self, now: float | None = None) -> None:
        now = time.time() if now is None else now
        gap = now - self._last_tick
        self._last_tick = now
        if gap > SLEEP_GAP_S + TICK_MS / 1000:
            self._request("sleep")

    def _request(self, reason: str) -> None:
        if not self.locked:
            self.lock_requested.emit(reason)

    def set_locked(self, locked: bool) -> None:
        self.locked = locked
        if locked:
            self._idle.stop()
        else:
            self._last_tick = time.time()
            self._idle.start()
