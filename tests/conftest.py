"""Shared fixtures. Profiles made here use a cheap Argon2id setting so the suite stays fast;
one test checks the production setting's cost separately."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest  # noqa: E402

from app import profiles  # noqa: E402
from storage.keyfile import KdfParams  # noqa: E402

FAST_KDF = KdfParams(memory_kib=8192, iterations=1, lanes=1)
PASSPHRASE = "correct horse battery"


@pytest.fixture
def profile_dir(tmp_path):
    return tmp_path / "profile"


@pytest.fixture
def session(profile_dir):
    s = profiles.create(profile_dir, PASSPHRASE, owner_name="テスト 職員", kdf=FAST_KDF)
    yield s
    s.close()


@pytest.fixture
def household(session):
    """A household of two with a case at intake."""
    station = session.directory.add_station("中央")
    h = session.households.create("山田家", "みその市本町1-2-3", station.id, kana="ヤマダケ")
    principal = session.households.add_person(h.id, "山田 一郎", kana="ヤマダ イチロウ", birth_date="1972-05-01",
                                              relation="本人")
    session.households.add_person(h.id, "山田 和子", kana="ヤマダ カズコ", birth_date="1944-03-02", relation="母")
    return h, principal


def pytest_collection_modifyitems(config, items):
    """Long property runs are opt-in (`-m slow`); without it they show as skipped, with why."""
    if "slow" in (config.getoption("-m") or ""):
        return
    skip = pytest.mark.skip(reason="long run: ./run-tests.sh -m slow")
    for item in items:
        if "slow" in item.keywords:
            item.add_marker(skip)
