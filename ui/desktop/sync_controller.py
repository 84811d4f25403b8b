"""Syncing in the background: on a timer, soon after local changes, and on request.

A run goes to a thread of its own (not the pool that loads lists and households, so a long
first pull never delays a search), with the store's per-thread connection. The window hears
about it through signals, delivered on the UI thread: started, progress of a long pull,
finished with the report, or failed with a typed error the status line words. Nothing waits on
the network in the UI thread, and a run is never started while another is going.
"""

from __future__ import annotations

import logging

from PySide6.QtCore import QObject, QRunnable, QThreadPool, QTimer, Signal

from app.session import Session

log = logging.getLogger("yorisoi")

DEFAULT_INTERVAL_MINUTES = 5
AFTER_CHANGE_MS = 20_000  # a visit logged on the station's Wi-Fi goes out within seconds, not minutes


class _Signals(QObject):
    progress = Signal(int, int)
    finished = Signal(object)
    failed = Signal(object)


class _Run(QRunnable):
    def __init__(self, session: Session, signals: _Signals) -> None:
        super().__init__()
        self.session = session
        self.signals = signals

    def run(self) -> None:
        try:
            report = self.session.sync.run(progress=lambda stage, done, total: self.signals.progress.emit(done, total))
        except Exception as exc:  # worded on the UI thread
            log.info("background sync failed: %s", type(exc).__name__)
            self.signals.failed.emit(exc)
        else:
            self.signals.finished.emit(report)


class SyncController(QObject):
    started = Signal()
    progress = Signal(int, int)
    finished = Signal(object)
    failed = Signal(object)

    def __init__(self, session: Session, parent=None) -> None:
        super().__init__(parent)
        self.session = session
        self.running = False
        self.last_error: Exception | None = None
        self._pool = QThreadPool(self)
        self._pool.setMaxThreadCount(1)
        # The same thread for every run: the store keeps one connection per thread, so a thread
        # that expired and came back new would leave its connection (and page cache) behind.
        self._pool.setExpiryTimeout(-1)
        self._signals = _Signals()
        self._signals.progress.connect(self.progress.emit)
        self._signals.finished.connect(self._finished)
        self._signals.failed.connect(self._failed)
        minutes = float(session.setting("sync_interval_minutes", str(DEFAULT_INTERVAL_MINUTES))
                        or DEFAULT_INTERVAL_MINUTES)
        self.timer = QTimer(self)
        self.timer.setInterval(int(minutes * 60_000))
        self.timer.timeout.connect(self.sync_now)
        self.soon = QTimer(self)
        self.soon.setSingleShot(True)
        self.soon.setInterval(AFTER_CHANGE_MS)
        self.soon.timeout.connect(self.sync_now)

    @property
    def enabled(self) -> bool:
        return self.session.sync.is_enrolled()

    def start(self) -> None:
        """Sync now and then every few minutes (only on an enrolled device)."""
        if self.enabled:
            self.timer.start()
            self.sync_now()

    def changed_locally(self) -> None:
        if self.enabled and not self.soon.isActive():
            self.soon.start()

    def sync_now(self) -> bool:
        if self.running or not self.enabled:
            return False
        self.running = True
        self.started.emit()
        self._pool.start(_Run(self.session, self._signals))
        return True

    def wait(self, msecs: int = 30_000) -> bool:
        return self._pool.waitForDone(msecs)

    def _finished(self, report) -> None:
        self.running = False
        self.last_error = None
        self.finished.emit(report)

    def _failed(self, exc: Exception) -> None:
        self.running = False
        self.last_error = exc
        self.failed.emit(exc)
