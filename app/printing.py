"""Printing a household's form to a PDF file: the latest filled one, or a blank one to fill by hand.

The PDF is the only plaintext copy of personal data yorisoi writes on purpose, because the
user asked for it. It is written atomically (temporary file beside the target, owner-only
permissions before any byte, fsync, rename), so a failure leaves no partial file behind.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from app import form_settings
from app.errors import InvalidInput
from app.form_sources import render_context
from app.session import Session
from forms.pdf.fonts import FontNotFound
from forms.pdf.render import render
from storage.atomic import write_bytes


class NoFont(InvalidInput):
    """No Japanese TrueType font to embed: said plainly instead of printing boxes."""


@dataclass
class Printed:
    path: Path
    record_id: str | None  # None: a blank form
    pages: int
    missing: set[str]  # characters no installed font has (printed as 〓)


def form_pdf(session: Session, household_id: str, form_id: str, *, record_id: str | None = None,
             variant: str | None = None) -> tuple[bytes, str | None, int, set[str]]:
    """The PDF bytes of a record (or the household's latest of that form, or a blank form)."""
    filling = session.form_filling
    record = session.forms.get(record_id) if record_id else filling.latest(household_id, form_id)
    font = form_settings.get(session, "pdf_font") or None
    try:
        if record is None:
            definition = filling.definition(form_id, variant)
            result = render(definition, None, render_context(session, household_id), blank=True, font=font)
            return result.pdf, None, result.pages, result.missing
        opened = filling.open(record.id)
        result = render(opened.definition, opened.answers, render_context(session, household_id, record), font=font)
    except FontNotFound as exc:
        raise NoFont(str(exc), "pdf_font") from None
    return result.pdf, record.id, result.pages, result.missing


def export_pdf(session: Session, household_id: str, form_id: str, out: Path | str, *,
               record_id: str | None = None, variant: str | None = None) -> Printed:
    out = Path(out)
    if out.is_dir():
        raise InvalidInput(f"出力先はファイル名で指定してください（フォルダです）: {out}", "out")
    if not out.parent.exists():
        raise InvalidInput(f"出力先のフォルダがありません: {out.parent}", "out")
    pdf, rid, pages, missing = form_pdf(session, household_id, form_id, record_id=record_id, variant=variant)
    write_bytes(out, pdf)
    with session.store.write() as records:
        session.audit(records, "export", entity="form_record", entity_id=rid or form_id, household_id=household_id,
                      detail=f"pdf {form_id}")
    return Printed(out, rid, pages, missing)
