"""Every string the window shows goes through Qt's translation system.

The source language is Japanese (the users'); another language is a `.qm` file built with
`python -m ui.desktop.translations LANG` and loaded at start (`ui.desktop.translations.install`).

Contexts are the ones pyside6-lupdate gives, so what it extracts is what is looked up:

* ``tr("…")`` — every UI string, context ``""`` (lupdate files a free function's ``tr`` there);
* ``N_("…")`` — a UI string kept in a table and translated later with ``tr(variable)`` (lock
  reasons, column heads, combo items); lupdate reads it as QT_TR_NOOP, so it lands in ``""`` too;
* ``label(member)`` — a domain label from `app.vocab`, context ``vocab.<Enum>``; the literals
  lupdate needs are listed in `ui.desktop.vocab_strings`.
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication

from app.vocab import Labelled

CONTEXT = ""


def tr(text: str) -> str:
    return QCoreApplication.translate(CONTEXT, text)


def N_(text: str) -> str:  # noqa: N802 - the gettext spelling translators know
    """Marks a literal for extraction; the caller translates it with ``tr`` where it is shown."""
    return text


def vocab_context(member: Labelled) -> str:
    return f"vocab.{type(member).__name__}"


def label(member: Labelled | None) -> str:
    return QCoreApplication.translate(vocab_context(member), member.label) if member is not None else ""


def label_of(enum: type[Labelled], code: str | None, default: str = "") -> str:
    try:
        return label(enum(code)) if code else default
    except ValueError:
        return code or default
