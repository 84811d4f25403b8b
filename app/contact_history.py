"""A household's running contact record (支援経過記録): every contact, oldest first, each
correction right after the contact it corrects. Contacts logged with Ctrl+L, imported, synced
or written through the 訪問・接触記録 form are all here, since the form logs a contact."""

from __future__ import annotations

import datetime as dt

from app import display
from app.model import Contact
from app.session import Session
from app.vocab import ContactKind, Outcome
from forms.pdf.history import HistoryEntry


def entries(session: Session, household_id: str) -> tuple[list[HistoryEntry], str]:
    """The printed rows and the period they cover (「令和6年4月1日〜令和7年3月31日」)."""
    contacts = sorted(session.contacts.contacts(household_id), key=lambda c: c.at)
    persons = {p.id: p.name for p in session.households.persons(household_id)}
    staff = session.directory.names("staff")
    corrections: dict[str, list[Contact]] = {}
    originals = []
    ids = {c.id for c in contacts}
    for c in contacts:
        if c.amends and c.amends in ids:
            corrections.setdefault(c.amends, []).append(c)
        else:
            originals.append(c)  # a correction whose original has not arrived (sync) stands alone
    rows = []
    for c in originals:
        rows.append(_entry(c, persons, staff, correction=bool(c.amends)))
        rows.extend(_entry(x, persons, staff, correction=True) for x in corrections.get(c.id, []))
    period = f"{_day(contacts[0].at)}〜{_day(contacts[-1].at)}" if contacts else ""
    return rows, period


def _entry(c: Contact, persons: dict[str, str], staff: dict[str, str], *, correction: bool) -> HistoryEntry:
    present = [persons.get(pid, "") for pid in (c.present or [])]
    lines = [c.summary or ""]
    if c.body:
        lines.append(c.body)
    if any(present):
        lines.append("会えた人: " + "、".join(p for p in present if p))
    next_on = display.wareki(c.next_action_on)
    nxt = "　".join(x for x in (c.next_action or "", next_on) if x)
    return HistoryEntry(_when(c.at), f"{_label(ContactKind, c.kind)}\n{_label(Outcome, c.outcome)}",
                        staff.get(c.staff_id or "", ""), "\n".join(lines), nxt, correction)


def _when(at) -> str:
    try:
        value = dt.datetime.fromisoformat(display.text(at))
    except ValueError:
        return display.wareki(at)  # printed as stored (marked) rather than hidden
    return f"{display.wareki(value.date().isoformat())} {value:%H:%M}"


def _day(at) -> str:
    return display.wareki(at)


def _label(enum, code: str) -> str:
    try:
        return enum(code).label
    except ValueError:
        return code
