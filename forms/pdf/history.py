"""The running contact record (支援経過記録) as an A4 PDF: every contact with the household, oldest
first, one table row each, a correction printed right under the contact it corrects.

    render_history(entries, ctx) → Rendered

The older 自立相談支援 standard's 支援経過記録シート is this table; the forms' header (title band,
「取扱注意」, household, city, 「n / N」) is the same as on every 様式.
"""

from __future__ import annotations

import io
from dataclasses import dataclass

from reportlab.pdfgen.canvas import Canvas

from forms.pdf import header
from forms.pdf.blocks import Cell, field_row, section_band, table_blocks
from forms.pdf.fonts import font_chain
from forms.pdf.layout import CONTENT_W, PAD, Pager, lines_for
from forms.pdf.render import Rendered
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


def render_history(entries: list[HistoryEntry], ctx: RenderContext, *, period: str = "",
                   font: str | None = None) -> Rendered:
    fonts = font_chain(font)
    missing: set[str] = set()
    total = sum(w for _, w in COLUMNS)
    widths = [CONTENT_W * w / total - 2 * PAD for _, w in COLUMNS]
    pager = Pager()
    summary = [Cell("世帯", [ctx.household_name], 0.4), Cell("期間", [period], 0.4),
               Cell("件数", [f"{sum(not e.correction for e in entries)}件"], 0.2)]
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
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=header.PAGE_SIZE, pageCompression=1, initialFontName=fonts.main.name)
    canvas.setTitle(f"{HEADING.form_no} {ctx.household_name}")
    canvas.setAuthor(ctx.city_name or "yorisoi")
    canvas.setCreator("yorisoi")
    pages = len(pager.pages)
    for number, steps in enumerate(pager.pages, start=1):
        header.paint(canvas, fonts, HEADING, ctx, number, pages, 1, blank=False)
        for top, draw in steps:
            draw(canvas, top)
        canvas.showPage()
    canvas.save()
    return Rendered(buffer.getvalue(), pages, missing)
