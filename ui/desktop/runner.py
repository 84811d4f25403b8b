"""Running service calls off the UI thread (Anki's CollectionOp, napari's workers).

`run(parent, fn, on_done, on_error)` executes ``fn()`` on a worker thread and calls back on
the UI thread. Database work uses the worker's own SQLite connection (the Store keeps one per
thread). Errors come back as exceptions; `ui.desktop.widgets.message_bar` words them through
`app.errors.describe`, so the user never sees a traceback.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal

log = logging.getLogger("yorisoi")


class _Signals(QObject):
    done = Signal(object)
    failed = Signal(object)


class _Task(QRunnable):
    def __init__(self, fn: Callable[[], object], signals: _Signals) -> None:
        super().__init__()
        self.fn = fn
        self.signals = signals

    def run(self) -> None:
        try:
            result = self.fn()
        except Exception as exc:  # reported on the UI thread, worded for the user there
            log.info("background task failed: %s", type(exc).__name__)
            self.signals.failed.emit(exc)
        else:
            self.signals.done.emit(result)


_pending: set[_Signals] = set()


def pool() -> QThreadPool:
    p = QThreadPool.globalInstance()
    # Two workers: searches overlap with loading a household; SQLite serialises writers anyway.
    p.setMaxThreadCount(2)
    # Workers never expire: the store keeps a connection per thread, and a worker replaced after
    # an idle half-minute would leave its connection behind for the rest of the day.
    p.setExpiryTimeout(-1)
    return p


def run(fn: Callable[[], object], on_done: Callable[[object], None] | None = None,
        on_error: Callable[[Exception], None] | None = None) -> None:
    signals = _Signals()
    _pending.add(signals)

    def finished(result, callback=on_done):
        _pending.discard(signals)
        if callback is not None:
            callback(result)

    def failed(exc, callback=on_error):
        _pending.discard(signals)
        if callback is not None:
            callback(exc)

    signals.done.connect(finished)
    signals.failed.connect(failed)
    pool().start(_Task(fn, signals))


def wait_idle(msecs: int = 5000) -> bool:
    """For tests and shutdown: wait until no background task is running."""
    return pool().waitForDone(msecs)
