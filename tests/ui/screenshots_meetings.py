"""Render the 会議 screens (a demo city's sitting: preparation, the sitting before and after the
acknowledgements, the acknowledgement dialog, the 支援決定 dialog) on a 1366×768 laptop, for
test_meetings_screenshots (run in a child process, one per scale).

    python -m tests.ui.screenshots_meetings OUT_DIR SCALE
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from tests.ui import laptop


def main(out: Path, scale: str) -> None:
    from ui.desktop.meetings.dialogs import AcknowledgeDialog, NewMeetingDialog, SupportDecisionDialog
    from ui.desktop.meetings.window import MeetingsWindow

    laptop.start(scale)
    session = laptop.demo_session()
    day = (dt.date.today() + dt.timedelta(days=7)).isoformat()
    people = [{"name": "社会福祉課長 髙﨑 𠮷男", "role": "city", "agency": "みその市 社会福祉課"},
              {"name": "多機関協働 西村 美代子", "role": "coordinator", "agency": "多機関協働事業（みその市）"},
              {"name": "地域包括 担当", "role": "agency", "agency": "みその市東部地域包括支援センター"}]
    meeting = session.meetings.create("support", day, parts=["coordination"], attendees=people, place="市役所 3階 会議室")
    proposals = session.agenda.propose(meeting.id)
    session.meetings.set_agenda(meeting.id, [{"household_id": p.household_id, "case_id": p.case_id,
                                              "reason": p.reason, "plan_id": p.plan_id} for p in proposals[:12]])
    window = MeetingsWindow(session)
    laptop.show_fitted(window)
    window.select(meeting.id)
    laptop.settle()
    laptop.shoot(window, out, "meetings-prepare", scale, proposals=window.prepare.proposal_list.count(),
                 agenda=window.prepare.agenda_list.count())
    window.tabs.setCurrentWidget(window.hold)
    laptop.settle()
    laptop.shoot(window, out, "meetings-hold-locked", scale, households=window.hold.item.count())
    first = session.meetings.get(meeting.id).attendee_list()[0]
    dialog = AcknowledgeDialog(session, meeting.id, first.key, first.name, window)
    laptop.show_fitted(dialog)
    laptop.shoot(dialog, out, "meetings-acknowledge", scale)
    dialog.close()
    for a in session.meetings.get(meeting.id).attendee_list():
        session.meetings.acknowledge(meeting.id, a.key)
    window.hold.refresh()
    laptop.settle()
    laptop.shoot(window, out, "meetings-hold", scale, households=window.hold.item.count())
    new = NewMeetingDialog(session, window)
    laptop.show_fitted(new)
    laptop.shoot(new, out, "meetings-new", scale)
    new.close()
    case = next(c for c in (session.cases.current_case(r.id) for r in session.households.rows()[:50]) if c)
    decision = SupportDecisionDialog(session, case.id, window)
    laptop.show_fitted(decision)
    laptop.shoot(decision, out, "meetings-support-decision", scale)
    laptop.finish(out, scale)


if __name__ == "__main__":
    laptop.child_main(main)
