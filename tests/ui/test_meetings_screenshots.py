"""The 会議 screens on a 1366×768 laptop at 100 % and 150 %: nothing cut (PNGs under
test-output/screenshots/meetings-*.png)."""

from __future__ import annotations

import pytest

from tests.ui import laptop

VIEWS = ("meetings-prepare", "meetings-hold-locked", "meetings-acknowledge", "meetings-hold", "meetings-new",
         "meetings-support-decision")


@pytest.mark.parametrize("scale", laptop.SCALES)
def test_the_meeting_screens_fit_a_1366x768_laptop(scale):
    report = laptop.run_child("tests.ui.screenshots_meetings", scale)
    for view in VIEWS:
        assert report[view]["cut"] == [], (view, report[view]["cut"])
    assert report["meetings-prepare"]["agenda"] == 12
    assert report["meetings-hold-locked"]["households"] == 0  # nobody acknowledged yet: no household shown
    assert report["meetings-hold"]["households"] == 12
