"""Printing a household's form to a PDF file: the latest filled one, or a blank one to fill by hand.
The contact record (``contact``) prints the household's running history of contacts
(支援経過記録, see app/contact_history.py); a household with no contact yet gets the blank form.

The PDF is the only plaintext copy of personal data yorisoi writes on purpose, because the
user asked for it. It is written atomically (temporary file beside the target, owner-only
permissions before any byte, fsync, rename), so a failure leaves no partial file behind.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from app import contact_history, form_settings
from app.errors import InvalidInput
from app.form_sources import render_context
from app.services.form_records import CONTACT_RECORD
from app.session import Session
from forms.pdf.fonts import FontNotFound
from forms.pdf.history import render_history
from forms.pdf.render import Rendered, render
from storage.atomic import write_bytes

FILLED, BLANK, HISTORY = "filled", "blank", "history"


class NoFont(InvalidInput):
    """No Japanese TrueType font to embed: said plainly instead of printing boxes."""


@dataclass
class Printed:
    path: Path
    record_id: str | None  # None: a blank form or the contact history
    pages: int
    missing: set[str]  # characters no installed font has (printed as 〓)
    kind: str = FILLED  # FILLED, BLANK or HISTORY


@dataclass
class Pdf:
    data: bytes
    record_id: str | None
    pages: int
    missing: set[str]
    kind: str


def form_pdf(session: Session, household_id: str, form_id: str, *, record_id: str | None = None,
             variant: str | None = None) -> Pdf:
    """The PDF of a record, or the household's latest of that form (for ``contact``: its contact
    history), or a blank form."""
    filling = session.form_filling
    font = form_settings.get(session, "pdf_font") or None
    try:
        if form_id == CONTACT_RECORD and record_id is None:
            rows, period = contact_history.entries(session, household_id)
            if rows:
                return _pdf(render_history(rows, render_context(session, household_id), period=period, font=font),
                            None, HISTORY)
        record = session.forms.get(record_id) if record_id else filling.latest(household_id, form_id)
        if record is None:
            definition = filling.definition(form_id, variant)
            return _pdf(render(definition, None, render_context(session, household_id), blank=True, font=font),
                        None, BLANK)
        opened = filling.open(record.id)
        result = render(opened.definition, opened.answers, render_context(session, household_id, record), font=font)
    except FontNotFound as exc:
        raise NoFont(str(exc), "pdf_font") from None
    return _pdf(result, record.id, FILLED)


def _pdf(result: Rendered, record_id: str | None, kind: str) -> Pdf:
    return Pdf(result.pdf, record_id, result.pages, result.missing, kind)


def export_pdf(session: Session, household_id: str, form_id: str, out: Path | str, *,
               record_id: str | None = None, variant: str | None = None) -> Printed:
    out = Path(out)
    if out.is_dir():
        raise InvalidInput(f"出力先はファイル名で指定してください（フォルダです）: {out}", "out")
    if not out.parent.exists():
        raise InvalidInput(f"出力先のフォルダがありません: {out.parent}", "out")
    pdf = form_pdf(session, household_id, form_id, record_id=record_id, variant=variant)
    write_bytes(out, pdf.data)
    with session.store.write() as records:
        session.audit(records, "export", entity="form_record", entity_id=pdf.record_id or form_id,
                      household_id=household_id, detail=f"pdf {form_id} {pdf.kind}")
    return Printed(out, pdf.record_id, pdf.pages, pdf.missing, pdf.kind)
