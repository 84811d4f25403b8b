"""The organisation's recovery sheet as an A4 PDF: what it is, how to keep it, how to restore
an office device from it, and the sealed keys as numbered lines to type back.

    render_sheet(SheetContent) → PDF bytes

The sheet holds the keys only sealed under the recovery passphrase (`sync.client.recovery`);
this module sees the printed lines and nothing secret. The lines are also the PDF's subject,
so `yorisoi recover --sheet FILE.pdf` reads them back without retyping.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFError, TTFont
from reportlab.pdfgen.canvas import Canvas

from forms.pdf.fonts import FontChain, font_chain
from forms.pdf.layout import BOTTOM, CONTENT_W, LEFT, PAGE_H, PAGE_W, TOP, box, draw_text, lines_for

MONO_CANDIDATES = ("/usr/share/fonts/truetype/dejavu/DejaVuSansMono.ttf",
                   "C:/Windows/Fonts/consola.ttf", "/System/Library/Fonts/Menlo.ttc")
SUBJECT_START, SUBJECT_END = "YORISOI-RECOVERY-SHEET", "END-YORISOI-RECOVERY-SHEET"

INSTRUCTIONS = (
    ("このシートについて",
     "事務局の端末が故障・紛失・入れ替えで使えなくなったときに、組織の鍵（端末の承認と、すべての世帯の"
     "記録を読むための鍵）を新しい事務局の端末に戻すためのものです。鍵は回復用パスフレーズで暗号化して"
     "あり、パスフレーズがなければこのシートだけでは読めません。"),
    ("保管のしかた",
     "印刷して封筒に入れ、金庫など鍵のかかる場所に保管してください。回復用パスフレーズはこのシートに"
     "書かず、別の場所（別の担当者など）に保管してください。印刷したら PDF ファイルは削除してください。"
     "シートを作り直したときは、古いシートを細断してください（古いシートも古いパスフレーズで開けます）。"),
    ("復元の手順",
     "1. 新しい端末で「yorisoi init」を実行してプロファイルを作る。 "
     "2. 中央ストアの管理者に、事務局の利用者の登録チケットを発行してもらう"
     "（yorisoi-server admin enrol-code office）。 "
     "3.「yorisoi enrol --server URL --ticket 登録チケット」で登録する（表示される組織の鍵の指紋が、"
     "上の指紋と同じことを確かめる）。 "
     "4.「yorisoi recover --sheet このシートの PDF」を実行し、回復用パスフレーズを入力する。PDF がなければ、"
     "下の行を打ち込んだテキストファイルを --sheet に渡すか、--sheet を付けずに1行ずつ入力する。"
     "終わるとその端末が事務局の端末になり、端末の承認とすべての世帯の記録の読み出しができます。"),
    ("打ち込むとき",
     "行番号・5文字ずつの組・確認用の2文字をそのまま打ち込みます（大文字・小文字、空白の数は問いません）。"
     "打ち間違えた行は、その行番号をお知らせします。使う文字は A〜Z と 2〜7 だけです（0 は O、1 は I）。"),
)


@dataclass(frozen=True)
class SheetContent:
    org_name: str
    org_fingerprint: str
    made_on: str  # 令和8年12月1日
    made_by: str  # the device and the person that printed it
    lines: tuple[str, ...]
    check_code: str


def _mono(fonts: FontChain) -> str:
    """A fixed-width font for the lines (embedded), else the main font."""
    if "YorisoiMono" in pdfmetrics.getRegisteredFontNames():
        return "YorisoiMono"
    for path in MONO_CANDIDATES:
        if Path(path).is_file():
            try:
                pdfmetrics.registerFont(TTFont("YorisoiMono", path))
            except (TTFError, OSError):
                continue
            return "YorisoiMono"
    return fonts.main.name


def render_sheet(content: SheetContent, *, font: str | None = None) -> bytes:
    fonts = font_chain(font)
    mono = _mono(fonts)
    buffer = io.BytesIO()
    c = Canvas(buffer, pagesize=(PAGE_W, PAGE_H), pageCompression=1, initialFontName=fonts.main.name)
    c.setTitle(f"組織の鍵の回復シート {content.org_name}")
    c.setAuthor(content.org_name)
    c.setCreator("yorisoi")
    c.setSubject("\n".join((SUBJECT_START, *content.lines, f"CHECK: {content.check_code}", SUBJECT_END)))
    y = PAGE_H - TOP - 9
    draw_text(c, fonts, LEFT, y, "yorisoi 回復シート（第1版）", 9.5)
    stamp = "厳重保管・複製禁止"
    c.setStrokeColorRGB(0.75, 0, 0)
    c.setFillColorRGB(0.75, 0, 0)
    w = fonts.width(stamp, 10) + 10
    box(c, LEFT + CONTENT_W - w, y + 11, w, 15, width=1.2)
    draw_text(c, fonts, LEFT + CONTENT_W - w + 5, y - 1, stamp, 10)
    c.setStrokeGray(0)
    c.setFillGray(0)
    y -= 10
    box(c, LEFT, y, CONTENT_W, 26, fill=0.86, width=1.0)
    title = "組織の鍵の回復シート"
    draw_text(c, fonts, LEFT + (CONTENT_W - fonts.width(title, 15)) / 2, y - 18, title, 15)
    y -= 40
    for label, value in (("組織", content.org_name), ("組織の鍵の指紋", content.org_fingerprint),
                         ("作成日", content.made_on), ("作成した端末", content.made_by)):
        draw_text(c, fonts, LEFT, y, label, 9)
        draw_text(c, fonts, LEFT + 80, y, value, 10)
        y -= 15
    y -= 4
    for heading, text in INSTRUCTIONS:
        draw_text(c, fonts, LEFT, y, f"■ {heading}", 10)
        y -= 14
        for line in lines_for(fonts, text, CONTENT_W - 12, 9):
            draw_text(c, fonts, LEFT + 10, y, line, 9)
            y -= 13.5
        y -= 5
    y -= 4
    draw_text(c, fonts, LEFT, y, "■ 暗号化された組織の鍵（行番号・文字・確認用の2文字）", 10)
    y -= 8
    height = 14 * len(content.lines) + 34
    box(c, LEFT, y, CONTENT_W, height, width=1.2)
    y -= 18
    for line in content.lines:
        c.setFont(mono, 12)
        c.drawString(LEFT + 30, y, line)
        y -= 14
    y -= 4
    draw_text(c, fonts, LEFT + 30, y, "確認コード:", 10)
    c.setFont(mono, 12)
    c.drawString(LEFT + 30 + fonts.width("確認コード: ", 10), y, content.check_code)
    c.setFillGray(0.35)
    draw_text(c, fonts, LEFT, BOTTOM + 4, "このシートと回復用パスフレーズの両方がそろうと、組織のすべての記録を読めます。", 7.5)
    c.setFillGray(0)
    c.showPage()
    c.save()
    return buffer.getvalue()


def lines_in_pdf(data: bytes) -> str | None:
    """The sheet's lines as text, from the PDF's subject (no PDF reader needed), or None."""
    start = data.find(SUBJECT_START.encode("ascii"))
    end = data.find(SUBJECT_END.encode("ascii"), start)
    if start < 0 or end < 0:
        return None
    text = data[start:end].decode("latin-1")
    # A PDF string writes a line break as \n (or \012) and may escape nothing else here.
    return text.replace("\\n", "\n").replace("\\012", "\n").replace("\\r", "\n").replace("\\015", "\n")
