"""A filled (or blank) form as an A4 PDF laid out like the paper 様式.

    render(definition, answers, context) → Rendered(pdf bytes, pages, characters no font had)

Each sheet (その1, その2 …) starts on a new page. Every page carries the form number, the
title band, 「取扱注意」, the household, the city's name and 「n / N」. A blank form
(``blank=True``) prints every field, conditional ones included, with empty boxes, □ for
every choice and 令和　年　月　日 for dates, to be filled by hand.

Answers a definition no longer has (retired by a migration, or from another city's form set)
are printed at the end under 「旧様式の項目」, so no text that was written is ever lost.
The result is bytes: writing the file (atomically) is the caller's job.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from typing import Any

from reportlab.pdfgen.canvas import Canvas

from forms.pdf import header
from forms.pdf.blocks import (
    CHECKED,
    UNCHECKED,
    Cell,
    field_row,
    long_text,
    option_lines,
    section_band,
    table_blocks,
    value_width,
)
from forms.pdf.fonts import FontChain, font_chain
from forms.pdf.layout import CONTENT_W, Block, Pager, lines_for
from forms.render_context import RenderContext, answer_text, form_date
from forms.schema import RETIRED, FieldDef, FormDefinition, has_value
from forms.validation import rows_of

BLANK_DATE = "令和　　年　　月　　日"
BLANK_BIRTH_DATE = "昭・平・令　　年　　月　　日（　　歳）"


@dataclass
class Rendered:
    pdf: bytes
    pages: int
    missing: set[str]  # characters printed as 〓 because no installed font has them


def render(definition: FormDefinition, answers: dict[str, Any] | None, ctx: RenderContext, *,
           blank: bool = False, font: str | None = None) -> Rendered:
    fonts = font_chain(font)
    answers = {} if blank or answers is None else answers
    printer = _Printer(definition, answers, ctx, fonts, blank)
    pager = Pager()
    sheet = None
    for section in definition.sections:
        if not blank and not definition.visible(section, answers):
            continue
        if sheet is not None and section.sheet != sheet:
            pager.new_page(section.sheet)
        sheet = section.sheet
        printer.section_title = section.title
        blocks = section_band(fonts, section.title, section.note)
        for group in printer.groups(section.fields):
            blocks.extend(printer.blocks(group))
        pager.add(blocks)
    pager.add(printer.leftovers())
    if ctx.signed:
        pager.add([field_row(fonts, [Cell("確認", [ctx.signed], 1.0)])])
    pdf = print_pages(pager, fonts, definition, ctx, f"{definition.form_no} {definition.display_title}",
                      blank=blank)
    return Rendered(pdf, len(pager.pages), printer.missing)


def print_pages(pager: Pager, fonts: FontChain, heading: FormDefinition, ctx: RenderContext, title: str, *,
                blank: bool = False) -> bytes:
    """The laid-out pages as PDF bytes, each under the form's header (number, title band, 「n / N」)."""
    buffer = io.BytesIO()
    # The initial font would otherwise be Helvetica, which is never embedded.
    canvas = Canvas(buffer, pagesize=header.PAGE_SIZE, pageCompression=1, initialFontName=fonts.main.name)
    canvas.setTitle(title)
    canvas.setAuthor(ctx.city_name or "yorisoi")
    canvas.setCreator("yorisoi")
    total = len(pager.pages)
    for number, (steps, sheet_no) in enumerate(zip(pager.pages, pager.sheets, strict=True), start=1):
        header.paint(canvas, fonts, heading, ctx, number, total, sheet_no, blank)
        for top, draw in steps:
            draw(canvas, top)
        canvas.showPage()
    canvas.save()
    return buffer.getvalue()


class _Printer:
    def __init__(self, definition: FormDefinition, answers: dict, ctx: RenderContext, fonts: FontChain,
                 blank: bool) -> None:
        self.d, self.answers, self.ctx, self.fonts, self.blank = definition, answers, ctx, fonts, blank
        self.on = form_date(definition, answers)
        self.missing: set[str] = set()
        self.section_title = ""

    def shown(self, f: FieldDef) -> bool:
        return self.blank or self.d.visible(f, self.answers)

    def groups(self, fields: tuple[FieldDef, ...]) -> list[list[FieldDef]]:
        """Consecutive short fields share a row while their widths add up to at most 1."""
        out: list[list[FieldDef]] = []
        for f in (f for f in fields if self.shown(f)):
            alone = f.is_table or f.type == "longtext" or f.width >= 1
            if not alone and out and not _alone(out[-1][0]) and sum(g.width for g in out[-1]) + f.width <= 1.001:
                out[-1].append(f)
            else:
                out.append([f])
        return out

    def blocks(self, group: list[FieldDef]) -> list[Block]:
        f = group[0]
        if f.is_table:
            return self.table(f)
        if f.type == "longtext" and len(group) == 1:
            text = self.text(f)
            lines = lines_for(self.fonts, text, value_width(1.0)) if text else []
            return [long_text(self.fonts, f.label, lines, bold=f.national, ruled=f.lines or 2)]
        share = 1.0 if len(group) == 1 else None
        return [field_row(self.fonts, [self.cell(g, share or g.width) for g in group])]

    def cell(self, f: FieldDef, share: float) -> Cell:
        value = self.answers.get(f.id)
        if f.type == "check":
            mark = CHECKED if value is True else UNCHECKED
            return Cell(f.label, self.wrap(f"{mark} {f.label}", share, label_only=True), share, f.national,
                        label_only=True)
        if f.type in ("choice", "multichoice"):
            picked = {str(v) for v in (value if isinstance(value, list) else [value])} if has_value(value) else set()
            options = [(o.label, o.value in picked) for o in f.options]
            options += [(f"{v}（選択肢にない値）", True) for v in sorted(picked - {o.value for o in f.options})]
            self._note("".join(label for label, _ in options))
            return Cell(f.label, option_lines(self.fonts, options, value_width(share) + 2 * 2.6), share, f.national)
        if f.type == "date" and not has_value(value):
            empty = BLANK_BIRTH_DATE if f.show_age else BLANK_DATE
            return Cell(f.label, self.wrap(empty, share) if self.blank or f.required else [], share, f.national)
        return Cell(f.label, self.wrap(self.text(f), share), share, f.national, ruled=f.lines)

    def text(self, f: FieldDef) -> str:
        return self._note(answer_text(f, self.answers.get(f.id), self.ctx, self.on))

    def wrap(self, text: str, share: float, label_only: bool = False) -> list[str]:
        return lines_for(self.fonts, text, value_width(share, label_only)) if text else []

    def _note(self, text: str) -> str:
        self.missing |= self.fonts.missing(text)
        return text

    def table(self, f: FieldDef) -> list[Block]:
        columns = [(c.label, c.width) for c in f.columns]
        widths = [CONTENT_W * c.width / (sum(x.width for x in f.columns) or 1) for c in f.columns]
        rows = [r for r in rows_of(f, self.answers.get(f.id)) if any(has_value(v) for v in r.values())]
        printed = []
        for row in rows:
            cells = []
            for col, width in zip(f.columns, widths, strict=True):
                value = row.get(col.id)
                text = (CHECKED if value is True else "") if col.type == "check" else \
                    self._note(answer_text(col, value, self.ctx, self.on))
                cells.append(lines_for(self.fonts, text, width - 5.2) if text else [])
            extra = {k: v for k, v in row.items() if k not in {c.id for c in f.columns} and has_value(v)}
            if extra:  # a column this version no longer has: kept in the last cell
                cells[-1] += lines_for(self.fonts, self._note("（" + "、".join(f"{k}: {v}" for k, v in extra.items())
                                                             + "）"), widths[-1] - 5.2)
            printed.append(cells)
        blank_rows = (f.rows or 3) if self.blank else (0 if printed else 1)
        title = "" if f.label == self.section_title else f.label  # the band above already says it
        return table_blocks(self.fonts, title, columns, printed, bold=f.national, blank_rows=blank_rows)

    def leftovers(self) -> list[Block]:
        """Answers the definition does not ask (retired or unknown): printed, never dropped."""
        known = {f.id for f in self.d.fields()}
        items: list[tuple[str, Any]] = []
        for key, entry in (self.answers.get(RETIRED) or {}).items():
            if isinstance(entry, dict) and "value" in entry:
                items.append((str(entry.get("label") or key), entry["value"]))
            else:
                items.append((key, entry))
        items += [(k, v) for k, v in self.answers.items()
                  if k not in known and not k.startswith("_") and k != "variant" and has_value(v)]
        if not items:
            return []
        blocks = section_band(self.fonts, "旧様式の項目（この版の様式にない項目）",
                              "以前の版の様式で記入された内容です。記入されたとおりに印刷しています。")
        for label, value in items:
            text = self._note(_plain(value))
            lines = lines_for(self.fonts, text, value_width(1.0))
            blocks.append(long_text(self.fonts, label, lines, bold=False, ruled=0))
        return blocks


def _alone(f: FieldDef) -> bool:
    return f.is_table or f.type == "longtext" or f.width >= 1


def _plain(value: Any) -> str:
    if isinstance(value, list):
        return "\n".join(_plain(v) for v in value)
    if isinstance(value, dict):
        return "、".join(f"{k}: {_plain(v)}" for k, v in value.items())
    if value is True:
        return "はい"
    return str(value)
