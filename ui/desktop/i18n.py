"""Every string the window shows goes through Qt's translation system.

The source language is Japanese (the users'); an English `.qm` can be loaded later without
touching the widgets. Labels that come from the domain (`app.vocab`) pass through the same
function under the context "vocab".
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication

from app.vocab import Labelled


def tr(text: str, context: str = "yorisoi") -> str:
    return QCoreApplication.translate(context, text)


def label(member: Labelled | None) -> str:
    return QCoreApplication.translate("vocab", member.label) if member is not None else ""


def label_of(enum: type[Labelled], code: str | None, default: str = "") -> str:
    try:
        return label(enum(code)) if code else default
    except ValueError:
        return code or default
