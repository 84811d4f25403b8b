"""Page geometry, drawing primitives and the pager that flows blocks onto A4 pages.

A block knows its height and how to draw itself at a given top edge. The pager puts blocks
one under the other; when one does not fit it starts a new page, and a block that can be
split (long text, a table) is cut between lines or between rows, never through a row. Pages
are collected as lists of drawing steps and painted at the end, when the page count is known
(for 「1 / 3」 in the footer).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm

from forms.pdf.fonts import FontChain
from forms.pdf.wrap import wrap

PAGE_W, PAGE_H = A4
LEFT = RIGHT = 13 * mm
TOP = 11 * mm
BOTTOM = 13 * mm
CONTENT_W = PAGE_W - LEFT - RIGHT
HEADER_H = 27 * mm  # form number, title band, city line
FOOTER_H = 8 * mm
BODY_TOP = PAGE_H - TOP - HEADER_H
BODY_BOTTOM = BOTTOM + FOOTER_H
BODY_H = BODY_TOP - BODY_BOTTOM

LABEL_SIZE = 8.2
VALUE_SIZE = 9.4
LEADING = 1.5
PAD = 2.6
THIN, BOLD_FRAME = 0.5, 1.8
LABEL_FILL = 0.92
SECTION_FILL = 0.78

Draw = Callable[[object, float], None]  # (canvas, top y) → paints


@dataclass
class Block:
    height: float
    draw: Draw
    # For a splittable block: given the room left, (first part, rest) or None if nothing fits.
    split: Callable[[float], tuple[Block, Block] | None] | None = None
    keep_with_next: bool = False
    header: Block | None = None  # repeated at the top of a new page (a table's column heads)


@dataclass
class Pager:
    pages: list[list[tuple[float, Draw]]] = field(default_factory=lambda: [[]])
    sheets: list[int] = field(default_factory=lambda: [1])
    y: float = BODY_TOP
    page_start: float = BODY_TOP  # where the body begins on this page (below a repeated header)

    @property
    def room(self) -> float:
        return self.y - BODY_BOTTOM

    def new_page(self, sheet: int | None = None) -> None:
        self.pages.append([])
        self.sheets.append(sheet if sheet is not None else self.sheets[-1])
        self.y = self.page_start = BODY_TOP

    def place(self, block: Block) -> None:
        self.pages[-1].append((self.y, block.draw))
        self.y -= block.height

    def _turn(self, block: Block) -> None:
        self.new_page()
        if block.header is not None:
            self.place(block.header)
            self.page_start = self.y

    def add(self, blocks: list[Block]) -> None:
        i = 0
        while i < len(blocks):
            block = blocks[i]
            group = block.height
            j = i
            while blocks[j].keep_with_next and j + 1 < len(blocks):  # a heading stays with what follows
                j += 1
                group += min(blocks[j].height, 40)
            if group <= self.room:
                self.place(block)
                i += 1
                continue
            if block.split is not None and not block.keep_with_next:
                parts = block.split(self.room)
                if parts is not None:
                    self.place(parts[0])
                    self._turn(block)
                    blocks = blocks[:i] + [parts[1]] + blocks[i + 1:]
                    continue
            if self.y < self.page_start:  # not at the top yet: a fresh page may hold it
                self._turn(block)
                continue
            self.place(block)  # taller than a page and unsplittable: printed, overflowing
            i += 1


# -- text -------------------------------------------------------------------------------------

def draw_text(c, fonts: FontChain, x: float, baseline: float, text: str, size: float) -> None:
    for font, piece in fonts.runs(text):
        c.setFont(font, size)
        c.drawString(x, baseline, piece)
        x += fonts.width(piece, size)


def lines_for(fonts: FontChain, text: str, width: float, size: float = VALUE_SIZE) -> list[str]:
    return wrap(text, max(width, size * 2), lambda ch: fonts.char_width(ch, size))


def text_height(lines: int, size: float = VALUE_SIZE) -> float:
    return max(1, lines) * size * LEADING + 2 * PAD


def paint_lines(c, fonts: FontChain, x: float, top: float, lines: list[str], size: float = VALUE_SIZE) -> None:
    for n, line in enumerate(lines):
        baseline = top - PAD - size * (n + 1) * LEADING + size * (LEADING - 1) / 2 + 1
        draw_text(c, fonts, x + PAD, baseline, line, size)


def box(c, x: float, top: float, w: float, h: float, *, fill: float | None = None, width: float = THIN) -> None:
    c.setLineWidth(width)
    if fill is not None:
        c.setFillGray(fill)
        c.rect(x, top - h, w, h, stroke=1, fill=1)
        c.setFillGray(0)
    else:
        c.rect(x, top - h, w, h, stroke=1, fill=0)


def ruled_lines(c, x: float, top: float, w: float, h: float, size: float = VALUE_SIZE) -> None:
    """Faint dotted lines in an empty box, to write on by hand."""
    step = size * LEADING * 1.4
    c.saveState()
    c.setStrokeGray(0.7)
    c.setLineWidth(0.3)
    c.setDash(1, 2)
    y = top - PAD - step
    while y > top - h + PAD:
        c.line(x + PAD, y, x + w - PAD, y)
        y -= step
    c.restoreState()
