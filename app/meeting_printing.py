"""Printing a meeting's agenda or minutes to a PDF file (written atomically, audited).

Household names and what was decided come from each household's own records; a household this
device does not hold is printed as such. Minutes of a 支援会議 print only once every attendee
acknowledged the duty of confidentiality.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from app import display, form_settings
from app.errors import InvalidInput, NotFound, Refused
from app.printing import NoFont
from app.services.meetings import CONFIDENTIALITY_TEXT
from app.session import Session
from app.vocab import AgendaReason, AttendeeRole, DecisionKind, DecisionOutcome, MeetingKind
from forms.pdf.fonts import FontNotFound
from forms.pdf.meeting import MeetingDoc, render_meeting
from forms.render_context import RenderContext
from storage.atomic import write_bytes


@dataclass
class PrintedMeeting:
    path: Path
    pages: int
    missing: set[str]


def _label(enum, code) -> str:
    try:
        return enum(code).label
    except ValueError:
        return str(code or "")


def meeting_doc(session: Session, meeting_id: str, *, minutes: bool) -> MeetingDoc:
    meeting = session.meetings.get(meeting_id)
    refusal = session.meetings.may_show_cases(meeting)
    if minutes and refusal:
        raise Refused(refusal)
    names = {}
    for item in meeting.agenda_list():
        try:
            names[item.household_id] = session.households.get(item.household_id).name
        except NotFound:
            names[item.household_id] = "（この端末にない世帯）"
    attendees = [(a.name, _label(AttendeeRole, a.role), a.agency or "",
                  f"確認済 {display.moment(a.acknowledged_at)}" if a.acknowledged else "未確認")
                 for a in meeting.attendee_list()]
    agenda = [(names[i.household_id], _label(AgendaReason, i.reason), _label(MeetingKind, i.part or meeting.kind))
              for i in meeting.agenda_list()]
    decisions = []
    if minutes:
        order = {i.household_id: n for n, i in enumerate(meeting.agenda_list())}
        for d in sorted(session.meetings.decisions_of(meeting.id), key=lambda d: order.get(d.household_id, 999)):
            name = names.get(d.household_id) or session.households.get(d.household_id).name
            state = f"反映できず: {d.refusal}" if d.refusal else "反映済" if d.applied_on else "未反映"
            decisions.append((name, f"{_label(DecisionKind, d.kind)}（{_label(DecisionOutcome, d.outcome)}）",
                              "\n".join(x for x in (d.notes, d.memo) if x), display.wareki(d.next_review_on, short=True), state))
    support = MeetingKind.SUPPORT.value in meeting.rules()
    return MeetingDoc(
        title=meeting.title or "", held_on=display.wareki(meeting.held_on), place=meeting.place or "",
        chair=meeting.chair or "", parts="・".join(p.get("name") or _label(MeetingKind, p["rule"])
                                                   for p in meeting.part_list()),
        confidentiality=CONFIDENTIALITY_TEXT.split("\n", 1)[1] if support else "",
        attendees=attendees, agenda=agenda, decisions=decisions, minutes=minutes)


def meeting_pdf(session: Session, meeting_id: str, *, minutes: bool) -> tuple[bytes, int, set[str]]:
    doc = meeting_doc(session, meeting_id, minutes=minutes)
    ctx = RenderContext(city_name=form_settings.get(session, "city_name") or "")
    try:
        rendered = render_meeting(doc, ctx, font=form_settings.get(session, "pdf_font") or None)
    except FontNotFound as exc:
        raise NoFont(str(exc), "pdf_font") from None
    return rendered.pdf, rendered.pages, rendered.missing


def print_meeting(session: Session, meeting_id: str, out: Path | str, *, minutes: bool) -> PrintedMeeting:
    out = Path(out)
    if out.is_dir():
        raise InvalidInput(f"出力先はファイル名で指定してください（フォルダです）: {out}", "out")
    if not out.parent.exists():
        raise InvalidInput(f"出力先のフォルダがありません: {out.parent}", "out")
    data, pages, missing = meeting_pdf(session, meeting_id, minutes=minutes)
    write_bytes(out, data)
    with session.store.write() as records:
        session.audit(records, "export", entity="meeting", entity_id=meeting_id,
                      detail="pdf minutes" if minutes else "pdf agenda")
    return PrintedMeeting(out, pages, missing)
