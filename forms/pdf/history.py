"""The running contact record (支援経過記録) as an A4 PDF: every contact with the household, oldest
first, one table row each, a correction printed right under the contact it corrects.

    render_history(entries, ctx) → Rendered

The older 自立相談支援 standard's 支援経過記録シート is this table; the forms' header (title band,
「取扱注意」, household, city, 「n / N」) is the same as on every 様式.
"""

from __future__ import annotations

from dataclasses import dataclass

from forms.pdf.blocks import Cell, field_row, label_width, section_band, table_blocks
from forms.pdf.fonts import font_chain
from forms.pdf.layout import CONTENT_W, PAD, Pager, lines_for
from forms.pdf.render import Rendered, print_pages
from forms.render_context import RenderContext
from forms.schema import FormDefinition

HEADING = FormDefinition(id="contact-history", version=1, title="支援経過記録（訪問・接触の経過）",
                         form_no="支援経過記録", short_title="訪問・接触の経過")
COLUMNS = (("日時", 0.16), ("種別・結果", 0.13), ("対応者", 0.12), ("経過・内容", 0.43), ("次にすること", 0.16))
CORRECTION = "（訂正）"


@dataclass(frozen=True)
class HistoryEntry:
    when: str  # 令和7年4月1日 10:30
    what: str  # 家庭訪問\n本人に会えた
    who: str
    content: str  # the summary, then the longer text on its own lines
    next: str = ""
    correction: bool = False  # printed under the contact it corrects


SUMMARY = (("世帯", 0.3), ("期間", 0.52), ("件数", 0.18))


def value_width(share: float) -> float:
    """The room for a value in a summary box of this share of the row."""
    return CONTENT_W * share - label_width(share) - 2 * PAD


def summary_cells(fonts, ctx: RenderContext, entries: list[HistoryEntry], period: str) -> list[Cell]:
    """The household, the 期間 and the count, each value wrapped to its box, so a long 期間
    (令和元年5月1日〜令和7年12月28日) prints whole instead of running under the next box."""
    values = (ctx.household_name, period, f"{sum(not e.correction for e in entries)}件")
    return [Cell(label, lines_for(fonts, text, value_width(share)) if text else [], share)
            for (label, share), text in zip(SUMMARY, values, strict=True)]


def render_history(entries: list[HistoryEntry], ctx: RenderContext, *, period: str = "",
                   font: str | None = None) -> Rendered:
    fonts = font_chain(font)
    missing: set[str] = set()
    total = sum(w for _, w in COLUMNS)
    widths = [CONTENT_W * w / total - 2 * PAD for _, w in COLUMNS]
    pager = Pager()
    summary = summary_cells(fonts, ctx, entries, period)
    pager.add([field_row(fonts, summary)])
    rows = []
    for entry in entries:
        texts = (("↳ " + CORRECTION if entry.correction else "") + entry.when, entry.what, entry.who,
                 (CORRECTION if entry.correction else "") + entry.content, entry.next)
        cells = []
        for text, width in zip(texts, widths, strict=True):
            missing |= fonts.missing(text)
            cells.append(lines_for(fonts, text, width) if text else [])
        rows.append(cells)
    blocks = section_band(fonts, "経過", "訂正は、訂正した記録のすぐ下に「↳（訂正）」として印刷しています（元の記録も残します）。")
    blocks += table_blocks(fonts, "", list(COLUMNS), rows, bold=False, blank_rows=0 if rows else 3)
    pager.add(blocks)
    pdf = print_pages(pager, fonts, HEADING, ctx, f"{HEADING.form_no} {ctx.household_name}")
    return Rendered(pdf, len(pager.pages), missing)
