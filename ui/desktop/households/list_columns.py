"""Column widths of the household list, from the font (so 150 % scaling and a larger system
font keep them right), and which columns fit: on a 1366×768 laptop the list pane is about
500 px wide, so 住所 and ステーション are shown only when there is room for them (the name's
tooltip always says both). Nothing needs horizontal scrolling."""

from __future__ import annotations

from PySide6.QtWidgets import QTableView

# Each column's width as the text it must show whole (the stage elides, its tooltip is whole).
SAMPLES = ("担当", "佐々木家", "アウトリーチ（同", "⚠R8.12.28", "R8.12.28", "高障子困", "みその市本町1-2-3", "ステーション")
ALWAYS = 6  # 担当 … 分野; 住所 and ステーション come after, when they fit
STRETCH = 2  # the stage takes what is left (its longest labels are the first to elide)
PADDING = 18  # cell margins and the sort arrow


def widths(table: QTableView) -> list[int]:
    metrics = table.fontMetrics()
    return [metrics.horizontalAdvance(sample) + PADDING for sample in SAMPLES]


def fit(table: QTableView) -> None:
    """Set the widths and show the optional columns that fit in the table's width now."""
    wanted = widths(table)
    room = table.viewport().width()
    used = 0
    for col, width in enumerate(wanted):
        shown = col < ALWAYS or used + width <= room
        table.setColumnHidden(col, not shown)
        if shown:
            if col != STRETCH:
                table.setColumnWidth(col, width)
            used += width
