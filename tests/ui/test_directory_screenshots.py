"""The 名簿 window and its entry dialog on a 1366×768 laptop at 100 % and 150 %: nothing cut
(PNGs under test-output/screenshots/directory-*.png)."""

from __future__ import annotations

import pytest

from tests.ui import laptop

VIEWS = ("directory-agencies", "directory-staff", "directory-stations", "directory-resources",
         "directory-agency-dialog")


@pytest.mark.parametrize("scale", laptop.SCALES)
def test_the_directory_fits_a_1366x768_laptop(scale):
    report = laptop.run_child("tests.ui.screenshots_directory", scale)
    for view in VIEWS:
        assert report[view]["cut"] == [], (view, report[view]["cut"])
    assert report["directory-agencies"]["rows"] == 32  # the template's agencies, all listed


@pytest.mark.parametrize("scale", laptop.SCALES)
def test_the_due_view_fits_a_1366x768_laptop(scale):
    report = laptop.run_child("tests.ui.screenshots_due", scale)
    for view in ("due-office", "due-urgent"):
        assert report[view]["cut"] == [], (view, report[view]["cut"])
    office = report["due-office"]
    assert office["rows"] > 0 and office["overdue"] > 0 and office["urgent"] > 0
    assert 0 < report["due-urgent"]["rows"] < office["rows"]
