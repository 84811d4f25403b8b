"""Column widths of the household list, from the font (so 150 % scaling and a larger system
font keep them right), and which columns fit. 担当, 世帯名, 次回予定, 最終接触 and 分野 are always
shown whole — the name column is as wide as the longest name in the list — and the stage takes
what is left (elided, its tooltip whole, never narrower than STAGE_MIN). 住所 and ステーション
are shown only when there is room (the name's tooltip always has both). Nothing needs
horizontal scrolling."""

from __future__ import annotations

from PySide6.QtGui import QFontMetrics
from PySide6.QtWidgets import QStyle, QTableView

# Each column's width as the text it must show whole.
SAMPLES = ("担当", "佐々木家", "アウトリーチ（同", "⚠R10.12.28", "R10.12.28", "高障子困保", "みその市本町1-2-3", "ステーション")
NAME = 1
ALWAYS = 6  # 担当 … 分野; 住所 and ステーション come after, when they fit
STRETCH = 2  # the stage takes what is left (its longest labels are the first to elide)
STAGE_MIN = "相談受付"
NAME_MAX = "長谷川原木村田中家"  # a longer name elides (its tooltip is whole)
PADDING = 18  # cell margins and the sort arrow


def widths(table: QTableView) -> list[int]:
    metrics = table.fontMetrics()
    wanted = [metrics.horizontalAdvance(sample) + PADDING for sample in SAMPLES]
    longest = getattr(table.model(), "longest_name", lambda: "")()
    if longest:
        bold = table.font()
        bold.setBold(True)  # their own households are drawn bold
        name = QFontMetrics(bold).horizontalAdvance(longest) + PADDING
        wanted[NAME] = min(max(wanted[NAME], name), metrics.horizontalAdvance(NAME_MAX) + PADDING)
    return wanted


def minimum_width(table: QTableView) -> int:
    """The narrowest the table may be: the always-shown columns whole, the stage at its minimum,
    the vertical scroll bar and the frame."""
    wanted = widths(table)
    stage = table.fontMetrics().horizontalAdvance(STAGE_MIN) + PADDING
    bar = table.style().pixelMetric(QStyle.PixelMetric.PM_ScrollBarExtent)
    return sum(w for col, w in enumerate(wanted[:ALWAYS]) if col != STRETCH) + stage + bar + 2 * table.frameWidth() + 2


def fit(table: QTableView) -> None:
    """Set the widths and show the optional columns that fit in the table's width now."""
    wanted = widths(table)
    room = table.viewport().width()
    used = sum(wanted[:ALWAYS])  # optional columns only when the stage is whole too
    for col, width in enumerate(wanted):
        shown = col < ALWAYS or used + width <= room
        table.setColumnHidden(col, not shown)
        if shown and col != STRETCH:
            table.setColumnWidth(col, width)
        if shown and col >= ALWAYS:
            used += width
