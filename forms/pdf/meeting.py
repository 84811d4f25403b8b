"""A meeting's agenda (次第) and minutes (議事録) as an A4 PDF, with the forms' header.

    render_meeting(doc, ctx) → Rendered

The agenda lists the sitting, its attendees and the households in order; the minutes add what
the meeting decided for each. A sitting with a 支援会議 part prints the duty of confidentiality
(法106条の6) and who acknowledged it, and when.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from forms.pdf.blocks import Cell, field_row, section_band, table_blocks
from forms.pdf.fonts import font_chain
from forms.pdf.layout import CONTENT_W, PAD, Pager, lines_for
from forms.pdf.render import Rendered, print_pages
from forms.render_context import RenderContext
from forms.schema import FormDefinition

ATTENDEES = (("氏名", 0.24), ("立場", 0.2), ("機関", 0.28), ("守秘義務の確認", 0.28))
AGENDA = (("No.", 0.07), ("世帯", 0.25), ("議題", 0.43), ("会", 0.25))
DECISIONS = (("世帯", 0.17), ("決定", 0.2), ("協議の内容", 0.38), ("次回の検討日", 0.12), ("ケースへの反映", 0.13))


@dataclass(frozen=True)
class MeetingDoc:
    title: str
    held_on: str  # 令和7年6月10日
    place: str = ""
    chair: str = ""
    parts: str = ""  # 支援会議・重層的支援会議
    confidentiality: str = ""  # the text of 法106条の6 when a part is a 支援会議
    attendees: list[tuple[str, str, str, str]] = field(default_factory=list)
    agenda: list[tuple[str, str, str]] = field(default_factory=list)  # household, reason, part
    decisions: list[tuple[str, str, str, str, str]] = field(default_factory=list)
    minutes: bool = False


def _heading(minutes: bool) -> FormDefinition:
    title = "会議録（議事録）" if minutes else "会議次第（議題）"
    return FormDefinition(id="meeting-minutes" if minutes else "meeting-agenda", version=1, title=title,
                          form_no="会議録" if minutes else "会議次第", short_title=title)


def _cells(fonts, texts, columns) -> list[list[str]]:
    total = sum(w for _, w in columns)
    return [lines_for(fonts, text, CONTENT_W * w / total - 2 * PAD) if text else []
            for text, (_, w) in zip(texts, columns, strict=True)]


def render_meeting(doc: MeetingDoc, ctx: RenderContext, *, font: str | None = None) -> Rendered:
    fonts = font_chain(font)
    heading = _heading(doc.minutes)
    missing: set[str] = set()
    texts = [doc.title, doc.held_on, doc.place, doc.chair, doc.parts]
    for row in (*doc.attendees, *doc.agenda, *doc.decisions):
        texts.extend(row)
    for text in texts:
        missing |= fonts.missing(text)
    pager = Pager()
    width = CONTENT_W - 2 * PAD
    pager.add([field_row(fonts, [Cell("会議", lines_for(fonts, doc.title, width * 0.4), 0.5),
                                 Cell("開催日", lines_for(fonts, doc.held_on, width * 0.3), 0.5)])])
    pager.add([field_row(fonts, [Cell("場所", lines_for(fonts, doc.place, width * 0.2), 0.3),
                                 Cell("議長", lines_for(fonts, doc.chair, width * 0.15), 0.25),
                                 Cell("会", lines_for(fonts, doc.parts, width * 0.33), 0.45)])])
    if doc.confidentiality:
        pager.add(section_band(fonts, "守秘義務（社会福祉法第106条の6）", doc.confidentiality))
    rows = [_cells(fonts, a, ATTENDEES) for a in doc.attendees]
    pager.add(section_band(fonts, "出席者") + table_blocks(fonts, "", list(ATTENDEES), rows, bold=False,
                                                         blank_rows=0 if rows else 3))
    rows = [_cells(fonts, (str(n), *item), AGENDA) for n, item in enumerate(doc.agenda, 1)]
    pager.add(section_band(fonts, "議題") + table_blocks(fonts, "", list(AGENDA), rows, bold=False,
                                                        blank_rows=0 if rows else 3))
    if doc.minutes:
        rows = [_cells(fonts, d, DECISIONS) for d in doc.decisions]
        pager.add(section_band(fonts, "決定", "結論は 了承・不承認・継続協議。了承した決定はケースに反映し、その結果を記しています。")
                  + table_blocks(fonts, "", list(DECISIONS), rows, bold=False, blank_rows=0 if rows else 3))
    pdf = print_pages(pager, fonts, heading, ctx, f"{heading.title} {doc.title} {doc.held_on}")
    return Rendered(pdf, len(pager.pages), missing)
