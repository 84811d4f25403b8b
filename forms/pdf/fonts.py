"""Japanese TrueType fonts for PDFs, embedded, with a per-character fallback.

reportlab's built-in CID fonts (HeiseiMin, HeiseiKakuGo) are not embedded: on a machine
without Japanese fonts every glyph prints blank. So a TrueType font is embedded (as a subset)
instead: the one the setting or ``YORISOI_PDF_FONT`` names, else the first found of IPAex
Gothic (Linux), Yu Gothic / MS Gothic (Windows) or Hiragino / Osaka (macOS). OpenType/CFF
fonts (.otf) cannot be embedded by reportlab and are skipped.

Characters the main font lacks fall back, one by one, to IPAmj明朝 (the government's MJ
characters: 𠮷, 髙 variants, rare name kanji) and then to a symbol font with emoji outlines
(Symbola). A character no font has is printed as 〓 and reported, never silently dropped.
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass, field
from pathlib import Path

from reportlab.pdfbase import pdfmetrics, ttfonts
from reportlab.pdfbase.ttfonts import TTFError, TTFont


def _bundled(name: str) -> tuple[str, ...]:
    """A font shipped beside a bundled program (packaging/build.sh puts them in fonts/)."""
    base = getattr(sys, "_MEIPASS", None)
    return (str(Path(base) / "fonts" / name),) if base else ()


MAIN_CANDIDATES = (
    *_bundled("ipaexg.ttf"),
    "/usr/share/fonts/opentype/ipaexfont-gothic/ipaexg.ttf",  # Debian keeps these .ttf under opentype/
    "/usr/share/fonts/truetype/ipaexfont-gothic/ipaexg.ttf",
    "/usr/share/fonts/truetype/fonts-japanese-gothic.ttf",
    "/usr/share/fonts/opentype/ipafont-gothic/ipag.ttf",
    "/usr/share/fonts/truetype/takao-gothic/TakaoGothic.ttf",
    "C:/Windows/Fonts/YuGothM.ttc", "C:/Windows/Fonts/msgothic.ttc", "C:/Windows/Fonts/meiryo.ttc",
    "/System/Library/Fonts/ヒラギノ角ゴシック W3.ttc", "/Library/Fonts/Osaka.ttf",
    "/System/Library/Fonts/Supplemental/Osaka.ttf",
)
FALLBACK_CANDIDATES = (
    *_bundled("ipamjm.ttf"),
    "/usr/share/fonts/truetype/ipamj/ipamjm.ttf",
    "/usr/share/fonts/truetype/ancient-scripts/Symbola_hint.ttf",
    "/usr/share/fonts/truetype/ancient-scripts/Symbola.ttf",
    "C:/Windows/Fonts/seguisym.ttf",
    "/System/Library/Fonts/Apple Symbols.ttf",
)
ENV = "YORISOI_PDF_FONT"
MISSING_MARK = "〓"  # the printer's sign for a character there is no type for
# Characters that have no ink of their own: joiners and variation selectors shape the
# character before them and are not printed separately.
INVISIBLE = {0x200B, 0x200C, 0x200D, 0x2060, 0xFEFF} | set(range(0xFE00, 0xFE10)) | set(range(0xE0100, 0xE01F0))
# Line breaks are layout (the wrapper breaks lines there), not characters to find a glyph for.
LINE_BREAKS = {0x0A, 0x0D}
TAB = "\t"
TAB_SPACES = "    "  # a tab typed in an answer prints as the gap it made on screen, not as 〓


class FontNotFound(Exception):
    def __init__(self, tried: list[str]) -> None:
        self.tried = tried
        if len(tried) == 1:
            super().__init__(f"指定されたフォント {tried[0]} は PDF に埋め込めません（見つからないか、TrueType ではありません）。"
                             "設定 pdf_font を見直してください。")
            return
        super().__init__(
            "PDF に埋め込める日本語の TrueType フォントが見つかりません。文字が四角や空白で印刷されるのを防ぐため、"
            "PDF は作りませんでした。Linux では fonts-ipaexfont-gothic を入れるか、設定 pdf_font（または環境変数 "
            f"{ENV}）で .ttf / .ttc ファイルを指定してください。")


@dataclass
class Face:
    name: str
    path: str
    cmap: set[int]


@dataclass
class FontChain:
    main: Face
    fallback_paths: tuple[str, ...]
    _fallbacks: list[Face] | None = None
    _by_char: dict[str, str] = field(default_factory=dict)
    _widths: dict[tuple[str, float], float] = field(default_factory=dict)

    @property
    def fallbacks(self) -> list[Face]:
        # Loaded only when a character needs one: IPAmj is 46 MB and most forms never need it.
        if self._fallbacks is None:
            self._fallbacks = [face for path in self.fallback_paths if (face := _register(path))]
        return self._fallbacks

    def font_for(self, ch: str) -> str | None:
        """The font that has this character; None when no font does."""
        found = self._by_char.get(ch)
        if found is None:
            code = ord(ch)
            found = ""
            if code in self.main.cmap:
                found = self.main.name
            else:
                for face in self.fallbacks:
                    if code in face.cmap:
                        found = face.name
                        break
            self._by_char[ch] = found
        return found or None

    def runs(self, text: str) -> list[tuple[str, str]]:
        """Text cut into (font, piece) runs; missing characters become 〓 in the main font."""
        out: list[tuple[str, str]] = []
        for ch in text:
            if ord(ch) in INVISIBLE or ord(ch) in LINE_BREAKS:
                continue
            if ch == TAB:
                ch = TAB_SPACES
            font = self.font_for(ch[0])
            if font is None:
                font, ch = self.main.name, MISSING_MARK
            if out and out[-1][0] == font:
                out[-1] = (font, out[-1][1] + ch)
            else:
                out.append((font, ch))
        return out

    def missing(self, text: str) -> set[str]:
        return {ch for ch in text if ord(ch) not in INVISIBLE and ord(ch) not in LINE_BREAKS and ch != TAB
                and self.font_for(ch) is None}

    def char_width(self, ch: str, size: float) -> float:
        key = (ch, size)
        width = self._widths.get(key)
        if width is None:
            if ord(ch) in INVISIBLE or ord(ch) in LINE_BREAKS:
                width = 0.0
            elif ch == TAB:
                width = pdfmetrics.stringWidth(TAB_SPACES, self.main.name, size)
            else:
                font = self.font_for(ch)
                width = pdfmetrics.stringWidth(ch if font else MISSING_MARK, font or self.main.name, size)
            self._widths[key] = width
        return width

    def width(self, text: str, size: float) -> float:
        return sum(self.char_width(ch, size) for ch in text)


def _to_unicode_cmap(fontname: str, subset: list[int]) -> str:
    """reportlab 5.1 writes each character's code as 4 hex digits, so 𠮷 (U+20BB7) comes out as
    ``<20BB7>`` and text extraction (search, copy, pdftotext) reads ₻. A ToUnicode CMap wants
    UTF-16BE: a surrogate pair ``<D842DFB7>`` for characters outside the BMP."""
    def utf16(code: int) -> str:
        return chr(code).encode("utf-16-be", "surrogatepass").hex().upper()

    return "\n".join([
        "/CIDInit /ProcSet findresource begin", "12 dict begin", "begincmap", "/CIDSystemInfo",
        f"<< /Registry ({fontname})", f"/Ordering ({fontname})", "/Supplement 0", ">> def",
        f"/CMapName /{fontname} def", "/CMapType 2 def", "1 begincodespacerange",
        f"<00> <{len(subset) - 1:02X}>", "endcodespacerange", f"{len(subset)} beginbfchar",
        *(f"<{i:02X}> <{utf16(v)}>" for i, v in enumerate(subset)),
        "endbfchar", "endcmap", "CMapName currentdict /CMap defineresource pop", "end", "end"])


ttfonts.makeToUnicodeCMap = _to_unicode_cmap  # the module looks it up by this name when it embeds a subset

_REGISTERED: dict[str, Face | None] = {}
_CHAINS: dict[str | None, FontChain] = {}


def _register(path: str) -> Face | None:
    if path in _REGISTERED:
        return _REGISTERED[path]
    face = None
    if os.path.isfile(path) and not path.lower().endswith(".otf"):
        name = f"yorisoi-{len(_REGISTERED)}-{Path(path).stem}"
        try:
            font = TTFont(name, path, subfontIndex=0) if path.lower().endswith(".ttc") else TTFont(name, path)
            pdfmetrics.registerFont(font)
            face = Face(name, path, set(font.face.charToGlyph))
        except (TTFError, OSError, KeyError, ValueError):
            face = None  # a CFF-outline or damaged file: try the next candidate
    _REGISTERED[path] = face
    return face


def font_chain(setting: str | None = None) -> FontChain:
    """The fonts to print with. ``setting`` (a profile setting) or YORISOI_PDF_FONT wins."""
    chosen = setting or os.environ.get(ENV) or None
    if chosen in _CHAINS:
        return _CHAINS[chosen]
    if chosen and _register(chosen) is None:
        raise FontNotFound([chosen])  # a named font that cannot be used is said, not silently replaced
    tried = [chosen] if chosen else []
    tried += list(MAIN_CANDIDATES) + _windows_fonts()
    for path in tried:
        face = _register(path)
        if face is not None and 0x3042 in face.cmap:  # it really has Japanese (あ)
            chain = FontChain(face, tuple(p for p in FALLBACK_CANDIDATES if p != path))
            _CHAINS[chosen] = chain
            return chain
    raise FontNotFound([p for p in tried if p])


def _windows_fonts() -> list[str]:
    if sys.platform != "win32":
        return []
    root = Path(os.environ.get("WINDIR", "C:/Windows")) / "Fonts"
    return [str(root / name) for name in ("YuGothM.ttc", "msgothic.ttc", "meiryo.ttc")]
