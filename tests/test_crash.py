"""Killed at random moments, the profile always opens, checks clean, and keeps every commit."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

from app import checks, profiles
from tests.conftest import FAST_KDF, PASSPHRASE

ROOT = Path(__file__).resolve().parents[1]
KILLS = 50


def test_sigkill_during_writes_loses_no_committed_write(tmp_path):
    folder = tmp_path / "profile"
    session = profiles.create(folder, PASSPHRASE, kdf=FAST_KDF)
    session.households.create("クラッシュ家", "本町1")
    session.close()
    rng = random.Random(20251123)
    committed: set[int] = set()
    next_number = 0
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    for _ in range(KILLS):
        child = subprocess.Popen([sys.executable, "-m", "tests.crash_writer", str(folder), PASSPHRASE,
                                  str(next_number)], cwd=ROOT, env=env, stdout=subprocess.PIPE, text=True)
        assert child.stdout.readline().strip() == "ready"
        time.sleep(rng.uniform(0.01, 0.25))
        child.send_signal(signal.SIGKILL)
        out, _ = child.communicate()
        numbers = [int(line) for line in out.split()]
        committed.update(numbers)
        next_number = (max(numbers) + 1 if numbers else next_number) + 10_000
    assert len(committed) > KILLS  # the children really were writing
    session = profiles.unlock(folder, PASSPHRASE)
    try:
        report = checks.check(session)
        assert report.ok, report.problems
        household = session.households.rows()[0].id
        stored = {int(c.summary.split("-")[1]) for c in session.contacts.contacts(household)}
        assert committed <= stored
    finally:
        session.close()
