"""The main views on a 1366×768 laptop at 100 % and at 150 % (tests/ui/laptop.py), with a
household open whose names carry 外字 (髙﨑 𠮷男) and are long (西村 美代子): PNGs under
test-output/screenshots for review, and checks that nothing a worker needs is cut — every label,
button, tab and table cell whole, nothing pushed outside the window or scrolling sideways, the
window no wider than the screen, the names whole, and 分野 and 最終接触 in the list."""

from __future__ import annotations

import json

import pytest
from PySide6.QtGui import QImage

from tests.ui import laptop

VIEWS = ("unlock", "main-household", "forms-tab", "form-screen", "contact-dialog", "person-dialog", "search-results",
         "lock-screen")
MUST_BE_WHOLE = ("main-household", "forms-tab", "members-tab", "case-tab", "form-screen", "contact-dialog",
                 "person-dialog", "search-results", "unlock")


def distinct_colours(image: QImage) -> int:
    step_x, step_y = max(1, image.width() // 60), max(1, image.height() // 40)
    return len({image.pixel(x, y) for x in range(0, image.width(), step_x) for y in range(0, image.height(), step_y)})


@pytest.mark.parametrize("scale", laptop.SCALES)
def test_main_views_fit_a_1366x768_laptop(scale):
    report = laptop.run_child("tests.ui.screenshots", scale)
    for view in VIEWS:
        image = QImage(str(laptop.OUT / f"{view}@{scale}x.png"))
        assert not image.isNull(), view
        assert distinct_colours(image) >= 3, f"{view} looks blank"
    for view in MUST_BE_WHOLE:
        if view in report:
            assert report[view]["cut"] == [], (view, report[view]["cut"])
    main = report["main-household"]
    # The window is exactly the maximised size: nothing forced it wider or taller than the screen.
    assert main["size"] == main["size_wanted"]
    assert main["minimum"][0] <= main["size"][0] and main["minimum"][1] <= main["size"][1]
    assert main["wrapped_names"] == [] and "髙﨑 𠮷男" in main["names"] and "西村 美代子" in main["names"]
    if scale == "1.5":
        assert main["panels"] == "tabs"  # members, case, timeline and forms as tabs when narrow
        assert report["members-tab"]["wrapped_names"] == []
    else:
        assert main["panels"] == "wide"
    layout = json.loads((laptop.OUT / f"layout@{scale}x.json").read_text(encoding="utf-8"))
    assert layout["cut_filter_items"] == []  # not 「自分の担当を先l」 or 「ステーション: す」
    assert layout["horizontal_scroll"] == 0 and layout["columns_width"] <= layout["table_width"]
    assert {"世帯名", "次回予定", "最終接触", "分野"} <= set(layout["columns"])
    image = QImage(str(laptop.OUT / f"main-household@{scale}x.png"))
    factor = float(scale)
    # 911 logical pixels are 1366.5 physical ones: a pixel of rounding either way.
    assert abs(image.width() - main["size"][0] * factor) <= 1 and abs(image.height() - main["size"][1] * factor) <= 1
    assert image.width() <= laptop.SCREEN[0] + 1
