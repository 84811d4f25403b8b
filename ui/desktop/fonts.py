"""A Japanese font for the window, so that glyphs never show as boxes.

Qt falls back between installed fonts by itself; what matters is that one with Japanese
glyphs is installed and preferred. On Linux that is IPAex (Debian's fonts-ipaexfont), on
Windows Yu Gothic / Meiryo, on macOS Hiragino. A font file named in YORISOI_FONT wins.
"""

from __future__ import annotations

import os

from PySide6.QtGui import QFont, QFontDatabase

PREFERRED = ("IPAexGothic", "IPAGothic", "Noto Sans CJK JP", "Yu Gothic UI", "Meiryo UI", "Meiryo",
             "Hiragino Sans", "Hiragino Kaku Gothic ProN", "TakaoGothic", "VL Gothic")
FILES = ("/usr/share/fonts/opentype/ipaexfont-gothic/ipaexg.ttf", "/usr/share/fonts/truetype/ipaexfont-gothic/ipaexg.ttf")


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
    family = japanese_family()
    if family:
        font = QFont(family)
        font.setPointSize(max(10, app.font().pointSize()))
        app.setFont(font)
    return family
