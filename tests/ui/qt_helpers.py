"""Helpers for driving the window in tests.

qtbot.keyClicks aborts the process on non-ASCII text in Qt 6.12 (qasciikey assertion), so
Japanese is typed one QKeyEvent per character, as an input method would deliver it.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QApplication

from ui.desktop import runner


def type_text(widget, text: str) -> None:
    for ch in text:
        QApplication.sendEvent(widget, QKeyEvent(QEvent.Type.KeyPress, 0, Qt.KeyboardModifier.NoModifier, ch))
        QApplication.sendEvent(widget, QKeyEvent(QEvent.Type.KeyRelease, 0, Qt.KeyboardModifier.NoModifier, ch))


def settle(qtbot, rounds: int = 5) -> None:
    """Let background tasks finish and their results reach the widgets."""
    for _ in range(rounds):
        runner.wait_idle(5000)
        QApplication.processEvents()
        qtbot.wait(10)
