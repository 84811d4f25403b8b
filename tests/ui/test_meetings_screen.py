"""The 会議 screen: prepare a sitting from the agenda proposal, hold it with every attendee's
acknowledgement (法106条の6), record the decisions and apply them to the cases, print the minutes;
and the city's 支援決定 from the household's case panel."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QPushButton

from app.vocab import Stage
from tests.app.test_case_flow import assessed_with_plan, make_city_account


def button(widget, name: str) -> QPushButton:
    return next(b for b in widget.findChildren(QPushButton) if b.accessibleName() == name)


def test_prepare_hold_and_apply_a_meeting_from_the_window(qtbot, session, household, tmp_path):
    from ui.desktop.main_window import MainWindow

    case, plan = assessed_with_plan(session, household, outreach=True)
    agency = session.directory.add_agency("障害者相談支援センター", "障害者相談支援")
    other = session.households.create("佐藤家", "みその市東町1", household[0].station_id)
    referred = session.cases.open_case(other.id, route="agency", referring_agency_id=agency.id)

    main = MainWindow(session)
    qtbot.addWidget(main)
    main.show_meetings()  # 会議 → 会議の一覧・準備・開催… (Ctrl+M)
    window = main.current_dialog
    qtbot.waitExposed(window)

    button(window, "会議を作る").click()
    new = window.current_dialog
    new.kind.setCurrentIndex(new.kind.findData("kind-support"))
    new.second.setCurrentIndex(new.second.findData("kind-coordination"))
    new.when.edit.setText("R7.6.10")
    new.try_submit()
    meeting_id = window.current_id()
    assert meeting_id and session.meetings.get(meeting_id).rules() == {"support", "coordination"}

    prepare = window.prepare
    assert prepare.proposal_list.count() == 2  # the finished plan and the referral
    button(prepare, "議題に加える").click()
    assert prepare.agenda_list.count() == 2
    prepare.agenda_list.setCurrentRow(1)
    qtbot.keyClick(prepare.agenda_list, Qt.Key.Key_Up, Qt.KeyboardModifier.AltModifier)
    order = [i.household_id for i in session.meetings.get(meeting_id).agenda_list()]
    assert order[0] != order[1] and len(order) == 2

    window.tabs.setCurrentWidget(window.hold)
    hold = window.hold
    for name, role in (("市 課長", "city"), ("多機関協働 担当", "coordinator")):
        button(hold, "出席者を加える").click()
        dialog = window.current_dialog
        dialog.name.setText(name)
        dialog.role.setCurrentIndex(dialog.role.findData(role))
        dialog.try_submit()
    assert not hold.cases.isEnabled() and "106条の6" in hold.gate.text()
    assert hold.item.count() == 0  # no household's name before every acknowledgement
    for row in range(hold.attendees.count()):
        hold.attendees.setCurrentRow(row)
        hold.attendees.setFocus()
        qtbot.keyClick(hold.attendees, Qt.Key.Key_Return)  # Enter opens the acknowledgement
        acknowledgement = window.current_dialog
        assert "100万円以下の罰金" in " ".join(w.text() for w in acknowledgement.findChildren(type(hold.gate)))
        acknowledgement.try_submit()
    assert hold.cases.isEnabled() and hold.item.count() == 2

    for index in range(hold.item.count()):
        hold.item.setCurrentIndex(index)
        entry = hold.item.currentData()
        if entry.household_id == other.id:
            hold.kind.setCurrentIndex(hold.kind.findData("outreach_start"))
        else:
            assert hold.kind.currentData() == "plan"  # proposed from the agenda's reason
            hold.notes.setPlainText("役割分担を確認した")
            hold.review.edit.setText("R7.9.9")
        button(hold, "決定を記録").click()
    assert hold.decisions.count() == 2
    button(hold, "決定をケースに反映").click()
    assert session.cases.get(case.id).stage == Stage.PLAN_APPROVED
    assert session.cases.get(referred.id).stage == Stage.OUTREACH
    assert "反映済" in hold.decisions.item(0).text()
    assert "了承 2" in window.list.currentItem().text()

    window.print_to(tmp_path / "minutes.pdf", True)
    assert (tmp_path / "minutes.pdf").read_bytes().startswith(b"%PDF")

    # the city's 支援決定 from the household's case panel
    window.accept()
    make_city_account(session)
    main.view_page.load(household[0].id)
    qtbot.waitUntil(lambda: main.view_page.view is not None and main.view_page.view.household.id == household[0].id)
    button(main.view_page.case_panel, "市の支援決定").click()
    decision = main.current_dialog
    decision.when.edit.setText("R7.6.20")
    decision.number.setText("R7-001")
    decision.try_submit()
    assert session.forms.get(plan.id).answers["support_decision_no"] == "R7-001"
