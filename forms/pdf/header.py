"""What every page of a form carries: form number and sheet, 「取扱注意」, the title band,
the household and the city, and in the footer the page 「n / N」 and the form's version."""

from __future__ import annotations

from reportlab.lib.pagesizes import A4

from forms.pdf.fonts import FontChain
from forms.pdf.layout import BOTTOM, CONTENT_W, LEFT, PAGE_H, PAGE_W, TOP, box, draw_text
from forms.render_context import RenderContext
from forms.schema import FormDefinition

PAGE_SIZE = A4


def paint(c, fonts: FontChain, d: FormDefinition, ctx: RenderContext, number: int, total: int, sheet: int,
          blank: bool) -> None:
    top = PAGE_H - TOP
    right = LEFT + CONTENT_W
    sheets = d.sheets
    label = d.form_no
    if len(sheets) > 1:
        label += f"（その{sheet}）"
    draw_text(c, fonts, LEFT, top - 9, label, 9.5)
    _handling(c, fonts, ctx.handling, right, top)
    band_top = top - 15
    band_h = 24
    box(c, LEFT, band_top, CONTENT_W, band_h, fill=0.86, width=1.0)
    title = d.display_title
    size = 15.0 if fonts.width(title, 15.0) < CONTENT_W - 150 else 12.0
    c.saveState()
    c.setLineWidth(0.45)  # filled and stroked outlines: the paper's bold heading, with one font
    text = c.beginText(LEFT + (CONTENT_W - fonts.width(title, size)) / 2, band_top - band_h / 2 - size * 0.36)
    text.setTextRenderMode(2)
    for font, piece in fonts.runs(title):
        text.setFont(font, size)
        text.textOut(piece)
    c.drawText(text)
    c.restoreState()
    status = "（記入用）" if blank else ctx.status_label
    if status:
        draw_text(c, fonts, right - fonts.width(status, 9) - 6, band_top - band_h / 2 - 3.2, status, 9)
    under = band_top - band_h - 11
    if ctx.household_name and not blank:
        draw_text(c, fonts, LEFT, under, f"世帯: {ctx.household_name}", 9)
    city = "　".join(x for x in (ctx.city_name, d.programme) if x)
    draw_text(c, fonts, right - fonts.width(city, 9), under, city, 9)
    footer = BOTTOM + 4
    pages = f"{number} / {total}"
    draw_text(c, fonts, (PAGE_W - fonts.width(pages, 9)) / 2, footer, pages, 9)
    version = f"{d.form_no} {d.short_title}（第{d.version}版）"
    c.setFillGray(0.35)
    draw_text(c, fonts, LEFT, footer, version, 7.5)
    if ctx.city_name:
        draw_text(c, fonts, right - fonts.width(ctx.city_name, 7.5), footer, ctx.city_name, 7.5)
    c.setFillGray(0)


def _handling(c, fonts: FontChain, text: str, right: float, top: float) -> None:
    """「取扱注意」 in a red frame at the top right, as offices stamp it."""
    if not text:
        return
    size = 10.5
    w = fonts.width(text, size) + 10
    c.saveState()
    c.setStrokeColorRGB(0.75, 0.05, 0.05)
    c.setFillColorRGB(0.75, 0.05, 0.05)
    c.setLineWidth(1.2)
    c.rect(right - w, top - 13, w, 15, stroke=1, fill=0)
    draw_text(c, fonts, right - w + 5, top - 9.5, text, size)
    c.restoreState()
