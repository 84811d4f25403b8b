"""The main views rendered offscreen at 1366×768 (and at 150 % scaling) into PNGs under
test-output/screenshots for review; the test checks they were drawn, at the right size, and
that the household list's filters and columns are not cut."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtGui import QImage

ROOT = Path(__file__).resolve().parents[2]
OUT = ROOT / "test-output" / "screenshots"
VIEWS = ("unlock", "main-household", "forms-tab", "form-screen", "contact-dialog", "person-dialog", "search-results",
         "lock-screen")


def distinct_colours(image: QImage) -> int:
    step_x, step_y = max(1, image.width() // 60), max(1, image.height() // 40)
    return len({image.pixel(x, y) for x in range(0, image.width(), step_x) for y in range(0, image.height(), step_y)})


@pytest.mark.parametrize("scale,width,height", [("1", 1366, 768), ("1.5", 1280, 720)])
def test_main_views_render_for_review(scale, width, height):
    OUT.mkdir(parents=True, exist_ok=True)
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    result = subprocess.run([sys.executable, "-m", "tests.ui.screenshots", str(OUT), scale, str(width), str(height)],
                            cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr[-2000:]
    for view in VIEWS:
        image = QImage(str(OUT / f"{view}@{scale}x.png"))
        assert not image.isNull(), view
        assert distinct_colours(image) >= 3, f"{view} looks blank"
    layout = json.loads((OUT / f"layout@{scale}x.json").read_text(encoding="utf-8"))
    assert layout["cut_filter_items"] == []  # not 「自分の担当を先l」 or 「ステーション: す」
    assert layout["horizontal_scroll"] == 0 and layout["columns_width"] <= layout["table_width"]
    main = QImage(str(OUT / f"main-household@{scale}x.png"))
    factor = float(scale)
    assert (main.width(), main.height()) == (round(width * factor), round(height * factor))
