from __future__ import annotations

import pytest

from app import profiles
from app.demo import fill
from tests.conftest import FAST_KDF, PASSPHRASE
from tests.ui.qt_helpers import settle
from ui.desktop import runner
from ui.desktop.main_window import MainWindow


@pytest.fixture
def session(session):
    """The shared fixture's session, closed only once a window a test made has no background
    task left: a task still reading, and its answer delivered after the close, crashed the
    process (a segfault in SQLite) at a test's teardown."""
    yield session
    from PySide6.QtWidgets import QApplication

    for _ in range(5):  # an answer may start the next task (the list's first screen, then the rest)
        runner.wait_idle(5000)
        if QApplication.instance() is not None:
            QApplication.processEvents()


@pytest.fixture
def demo_session(tmp_path):
    session = profiles.create(tmp_path / "demo", PASSPHRASE, owner_name="テスト 職員", kdf=FAST_KDF)
    fill(session, households=80, seed=5)
    yield session
    session.close()


@pytest.fixture
def window(qtbot, demo_session):
    w = MainWindow(demo_session)
    qtbot.addWidget(w)
    w.show()
    settle(qtbot)
    yield w
    w.idle.set_locked(True)  # stop timers before the session closes
    settle(qtbot)


def open_first(qtbot, window, predicate=lambda row: True):
    row = next(r for r in window.list_page.model.rows if predicate(r))
    window.list_page.select(row.id)
    qtbot.waitUntil(lambda: window.view_page.household_id == row.id, timeout=5000)
    settle(qtbot)
    return row


@pytest.fixture
def household_case(session, household):
    """The household of tests/conftest.py with a case at intake, led by an agency."""
    h, principal = household
    agency = session.directory.add_agency("みその市地域包括支援センター", "地域包括支援センター")
    session.cases.open_case(h.id, principal_id=principal.id, lead_agency_id=agency.id, opened_on="2025-04-01")
    return h, principal, agency
