"""Loading the window's translations: Japanese is the source language, another language is a
``yorisoi_<lang>.qm`` in this folder (built by ``python -m ui.desktop.translations <lang>``).

The language is ``YORISOI_LANG`` when set (``ja``, ``en`` …), else the system's. Qt's own
dialogs (file chooser, standard buttons) follow the same language through Qt's ``qtbase``
catalogue.
"""

from __future__ import annotations

import os
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QLibraryInfo, QLocale, QTranslator

FOLDER = Path(__file__).resolve().parent
ENV = "YORISOI_LANG"
SOURCE_LANGUAGE = "ja"


def language() -> str:
    chosen = os.environ.get(ENV) or QLocale.system().name()
    return chosen.split("_")[0].split("-")[0].lower() or SOURCE_LANGUAGE


def install(app: QCoreApplication, lang: str | None = None, folder: Path = FOLDER) -> bool:
    """Install the translators for ``lang``; True when the window's own strings are translated
    (always for Japanese, the source), False when no catalogue exists for it (Japanese is shown)."""
    lang = lang or language()
    qt = QTranslator(app)
    if qt.load(QLocale(lang), "qtbase", "_", QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)):
        app.installTranslator(qt)
    if lang == SOURCE_LANGUAGE:
        return True
    ours = QTranslator(app)
    if not ours.load(str(folder / f"yorisoi_{lang}.qm")):
        return False
    app.installTranslator(ours)
    return True
