"""A Japanese font for the window, so that glyphs never show as boxes.

Qt falls back between installed fonts by itself; what matters is that one with Japanese
glyphs is installed and preferred. On Linux that is IPAex (Debian's fonts-ipaexfont), on
Windows Yu Gothic / Meiryo, on macOS Hiragino. A font file named in YORISOI_FONT wins. Fonts
shipped beside a bundled program (PyInstaller's folder, `fonts/`) are loaded first.

外字 such as 𠮷 (U+20BB7) are in none of those: they need IPAmj明朝, the reference font of the
government's 文字情報基盤. Without it Qt draws a box; `has_gaiji_font` tells the window to say so.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from PySide6.QtGui import QFont, QFontDatabase, QRawFont

PREFERRED = ("IPAexGothic", "IPAGothic", "Noto Sans CJK JP", "Yu Gothic UI", "Meiryo UI", "Meiryo",
             "Hiragino Sans", "Hiragino Kaku Gothic ProN", "TakaoGothic", "VL Gothic")
FILES = ("/usr/share/fonts/opentype/ipaexfont-gothic/ipaexg.ttf", "/usr/share/fonts/truetype/ipaexfont-gothic/ipaexg.ttf")
GAIJI_SAMPLE = "\U00020BB7"  # 𠮷, as in 𠮷田: in IPAmj明朝, not in IPAex
GAIJI_FAMILIES = ("IPAmjMincho", "IPAmj明朝")


def bundled_dir() -> Path | None:
    """The fonts folder of a bundled program (packaging/build.sh), if this is one."""
    base = getattr(sys, "_MEIPASS", None)
    folder = Path(base) / "fonts" if base else None
    return folder if folder is not None and folder.is_dir() else None


def load_bundled() -> None:
    folder = bundled_dir()
    if folder is not None:
        for path in sorted(folder.glob("*.tt[fc]")):
            QFontDatabase.addApplicationFont(str(path))


def has_gaiji_font() -> bool:
    """Whether some installed font draws 𠮷 (IPAmj明朝 or another with the MJ characters)."""
    families = set(QFontDatabase.families())
    if any(f in families for f in GAIJI_FAMILIES):
        return True
    return any(QRawFont.fromFont(QFont(f)).supportsCharacter(ord(GAIJI_SAMPLE))
               for f in families if QFontDatabase.WritingSystem.Japanese in QFontDatabase.writingSystems(f))


def japanese_family() -> str | None:
    """The family used for the UI, or None when no Japanese font could be found."""
    override = os.environ.get("YORISOI_FONT")
    for path in ((override,) if override else ()) + FILES:
        if path and os.path.exists(path):
            ident = QFontDatabase.addApplicationFont(path)
            families = QFontDatabase.applicationFontFamilies(ident) if ident >= 0 else []
            if families:
                return families[0]
    installed = set(QFontDatabase.families())
    for family in PREFERRED:
        if family in installed:
            return family
    for family in installed:
        if QFontDatabase.WritingSystem.Japanese in QFontDatabase.writingSystems(family):
            return family
    return None


def apply(app) -> str | None:
    load_bundled()
    family = japanese_family()
    if family:
        font = QFont(family)
        font.setPointSize(max(10, app.font().pointSize()))
        app.setFont(font)
    return family
