"""The blocks a form is printed from: section bands, rows of boxed fields, long text, tables.

Each function returns `Block`s for the pager. Boxes follow the paper forms: a grey label
cell beside a white answer cell; nationally reported items framed in bold; choices printed
as every option with □ or ■, so a blank form can be ticked by hand.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from forms.pdf.fonts import FontChain
from forms.pdf.layout import (
    BODY_H,
    BOLD_FRAME,
    CONTENT_W,
    LABEL_FILL,
    LABEL_SIZE,
    LEADING,
    LEFT,
    PAD,
    SECTION_FILL,
    VALUE_SIZE,
    Block,
    box,
    draw_text,
    lines_for,
    paint_lines,
    ruled_lines,
    text_height,
)
from forms.pdf.wrap import wrap

CHECKED, UNCHECKED = "■", "□"


@dataclass
class Cell:
    """One field in a row: label, answer lines, share of the row."""

    label: str
    lines: list[str]
    share: float
    bold: bool = False
    ruled: int = 0  # empty lines to rule for handwriting
    label_only: bool = False  # a check box prints as one box: "■ 参加支援事業を利用する"


def option_lines(fonts: FontChain, options: list[tuple[str, bool]], width: float) -> list[str]:
    """□/■ options wrapped as units: an option and its box never part at a line end."""
    lines: list[str] = []
    line = ""
    for label, on in options:
        token = f"{CHECKED if on else UNCHECKED}{label}"
        candidate = f"{line}　{token}" if line else token
        if fonts.width(candidate, VALUE_SIZE) <= width - 2 * PAD or not line:
            if not line and fonts.width(token, VALUE_SIZE) > width - 2 * PAD:
                pieces = lines_for(fonts, token, width - 2 * PAD)
                lines.extend(pieces[:-1])
                line = pieces[-1]
            else:
                line = candidate
        else:
            lines.append(line)
            line = token
    if line:
        lines.append(line)
    return lines


def section_band(fonts: FontChain, title: str, note: str = "") -> list[Block]:
    height = 15.0

    def draw(c, top: float) -> None:
        box(c, LEFT, top, CONTENT_W, height, fill=SECTION_FILL, width=0.8)
        draw_text(c, fonts, LEFT + 4, top - height + 4.3, f"■ {title}", 10)

    blocks = [Block(height + 3, _shifted(draw, 3), keep_with_next=True)]
    if note:
        lines = wrap(note, CONTENT_W - 2 * PAD - 6, lambda ch: fonts.char_width(ch, LABEL_SIZE))
        h = text_height(len(lines), LABEL_SIZE) + 2

        def draw_note(c, top: float, lines=lines, h=h) -> None:
            box(c, LEFT, top, CONTENT_W, h)
            paint_lines(c, fonts, LEFT + 3, top - 1, lines, LABEL_SIZE)

        blocks.append(Block(h, draw_note, keep_with_next=True))
    return blocks


def _shifted(draw, gap: float):
    return lambda c, top: draw(c, top - gap)


def label_width(share: float) -> float:
    return max(46.0, min(86.0, CONTENT_W * share * 0.36))


def field_row(fonts: FontChain, cells: list[Cell], *, may_split: bool = False) -> Block:
    """Fields side by side in one boxed row; its height is the tallest cell's. A row is cut
    (between lines, every cell at the same line) only when it is long text (``may_split``)
    or when it is taller than a whole page, which is the only way to print all of it."""
    total = sum(c.share for c in cells) or 1
    widths = [CONTENT_W * c.share / total for c in cells]
    laid = []
    for cell, width in zip(cells, widths, strict=True):
        lw = 0.0 if cell.label_only else label_width(cell.share)
        label_lines = [] if cell.label_only else wrap(cell.label, lw - 2 * PAD,
                                                      lambda ch: fonts.char_width(ch, LABEL_SIZE))
        laid.append((cell, width, lw, label_lines))
    height = max(max(text_height(max(len(c.lines), c.ruled)), text_height(len(lab), LABEL_SIZE))
                 for c, _, _, lab in laid)

    def draw(c, top: float) -> None:
        x = LEFT
        for cell, width, lw, label_lines in laid:
            if lw:
                box(c, x, top, lw, height, fill=LABEL_FILL)
                paint_lines(c, fonts, x, top, label_lines, LABEL_SIZE)
            box(c, x + lw, top, width - lw, height)
            if cell.lines:
                paint_lines(c, fonts, x + lw, top, cell.lines)
            elif cell.ruled > 1:
                ruled_lines(c, x + lw, top, width - lw, height)
            if cell.bold:
                box(c, x, top, width, height, width=BOLD_FRAME)
            x += width

    def split(room: float):
        if not may_split and height <= BODY_H - 40:
            return None  # an ordinary row moves to the next page whole
        taken = int((room - 2 * PAD) // (VALUE_SIZE * LEADING)) - 1  # one line for the note
        longest = max(len(c.lines) for c in cells)
        if taken < 1 or taken >= longest:
            return None
        more = ["（次ページに続く）"]
        first = [replace(c, lines=c.lines[:taken] + (more if len(c.lines) > taken else []), ruled=0) for c in cells]
        rest = [replace(c, label=c.label if c.label.endswith("（続き）") or c.label_only else f"{c.label}（続き）",
                        lines=c.lines[taken:], ruled=0) for c in cells]
        return field_row(fonts, first), field_row(fonts, rest, may_split=may_split)

    return Block(height, draw, split)


def value_width(share: float, label_only: bool = False) -> float:
    return CONTENT_W * share - (0 if label_only else label_width(share)) - 2 * PAD


def long_text(fonts: FontChain, label: str, lines: list[str], *, bold: bool, ruled: int) -> Block:
    """A long answer: may be cut between lines across pages, each part boxed and labelled."""
    return field_row(fonts, [Cell(label, lines, 1.0, bold, ruled)], may_split=True)


def table_blocks(fonts: FontChain, label: str, columns: list[tuple[str, float]], rows: list[list[list[str]]],
                 *, bold: bool, blank_rows: int = 0) -> list[Block]:
    """A titled table; rows are never cut, and the column heads repeat on a new page."""
    total = sum(w for _, w in columns) or 1
    widths = [CONTENT_W * w / total for _, w in columns]

    def heads(title: str) -> Block:
        title_h = text_height(1, LABEL_SIZE) if title else 0.0
        head_lines = [wrap(name, w - 2 * PAD, lambda ch: fonts.char_width(ch, LABEL_SIZE)) for (name, _), w
                      in zip(columns, widths, strict=True)]
        head_h = max(text_height(len(lines), LABEL_SIZE) for lines in head_lines)

        def draw(c, top: float) -> None:
            if title:
                box(c, LEFT, top, CONTENT_W, title_h, fill=LABEL_FILL)
                paint_lines(c, fonts, LEFT, top, [title], LABEL_SIZE)
            x = LEFT
            for lines, w in zip(head_lines, widths, strict=True):
                box(c, x, top - title_h, w, head_h, fill=0.96)
                paint_lines(c, fonts, x, top - title_h, lines, LABEL_SIZE)
                x += w
            if bold:
                box(c, LEFT, top, CONTENT_W, title_h + head_h, width=BOLD_FRAME)

        return Block(title_h + head_h, draw)

    head = heads(label)
    head.keep_with_next = True
    repeat = heads(f"{label or '前ページの表'}（続き）")
    blocks = [head]
    for cells in rows + [[[] for _ in columns] for _ in range(blank_rows)]:
        blocks.extend(_table_row(fonts, cells, widths, bold, repeat))
    return blocks


def _table_row(fonts: FontChain, cells: list[list[str]], widths: list[float], bold: bool, repeat: Block) -> list[Block]:
    height = max(text_height(max(1, len(lines))) for lines in cells)
    if not any(cells):
        height = text_height(1) * 1.3  # room to write by hand
    limit = BODY_H - repeat.height - 10
    if height > limit:  # a single row taller than a page: the only case a row is cut, by lines
        per_line = VALUE_SIZE * LEADING
        keep = max(1, int((limit - 2 * PAD) // per_line))
        first = [lines[:keep] for lines in cells]
        rest = [lines[keep:] for lines in cells]
        return _table_row(fonts, first, widths, bold, repeat) + _table_row(fonts, rest, widths, bold, repeat)

    def draw(c, top: float) -> None:
        x = LEFT
        for lines, w in zip(cells, widths, strict=True):
            box(c, x, top, w, height)
            paint_lines(c, fonts, x, top, lines)
            x += w
        if bold:
            c.setLineWidth(BOLD_FRAME)
            c.line(LEFT, top, LEFT, top - height)
            c.line(LEFT + CONTENT_W, top, LEFT + CONTENT_W, top - height)

    return [Block(height, draw, header=repeat)]
