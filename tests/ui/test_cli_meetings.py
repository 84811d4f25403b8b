"""`yorisoi meeting …` and `yorisoi decision …` on a fresh profile, through the real command line."""

from __future__ import annotations

from app import profiles
from app.services import form_records as forms
from app.vocab import Action
from tests.ui.cli_helpers import PASS, assert_no_traceback, yorisoi


def _case_with_plan(folder, *, outreach=False) -> str:
    """A household with a finished plan (what a CSW's window would have made)."""
    session = profiles.unlock(folder, PASS)
    try:
        station = session.directory.add_station("中央")
        session.directory.add_agency("地域包括支援センター", "地域包括支援センター")
        h = session.households.create("山田家", "みその市本町1-2-3", station.id)
        principal = session.households.add_person(h.id, "山田 一郎", birth_date="1972-05-01", relation="本人")
        case = session.cases.open_case(h.id, principal_id=principal.id)
        session.cases.record_consent(case.id, on_date="2025-04-10")
        session.cases.perform(case.id, Action.START_ASSESSMENT)
        session.forms.complete(session.forms.create(h.id, forms.ASSESSMENT, {"wishes": "家で暮らしたい"}).id)
        session.forms.complete(session.forms.create(h.id, forms.PLAN, {"goals": ["滞納を解消する"],
                                                                       "uses_outreach": outreach}).id)
        return h.id
    finally:
        session.close()


def run(*args):
    result = yorisoi(*args)
    assert_no_traceback(result)
    return result


def test_a_meeting_from_the_command_line(tmp_path):
    folder = tmp_path / "office"
    assert run("init", "--profile", str(folder), "--name", "事務局 花子").code == 0
    hid = _case_with_plan(folder, outreach=True)
    p = ("--profile", str(folder))
    assert run("meeting", "members", *p, "coordination", "--member", "福祉 課長:city:社会福祉課:city1",
               "--member", "協働 太郎:coordinator::coord1", "--monthly", "2:火").code == 0
    made = run("meeting", "new", *p, "coordination", "R7.6.10")
    assert made.code == 0 and "出席予定 2 人" in made.out
    meeting_id = made.out.split("\t")[0]
    proposed = run("meeting", "propose", *p, meeting_id[:6], "--add")
    assert "山田家" in proposed.out and "プランの了承" in proposed.out and "1 件を議題に加えました" in proposed.out
    refused = run("decision", "add", *p, meeting_id, "--household", hid, "--kind", "party")
    assert refused.code == 2 and "指定が正しくありません" in refused.err
    assert run("decision", "add", *p, meeting_id, "--household", hid, "--kind", "plan", "--notes", "役割分担を確認",
               "--review", "R7.9.9").code == 0
    applied = run("meeting", "apply", *p, meeting_id)
    assert applied.code == 0 and "支援決定を待ちます" in applied.out
    assert "山田家" in run("decision", "reported", *p).out  # waiting for the city's decision
    city = run("decision", "city", *p, "--household", hid, "--date", "R7.6.20", "--number", "R7-1")
    assert city.code == 2 and "多機関協働の担当者" in city.err  # the owner is not a city account
    listed = run("meeting", "list", *p)
    assert meeting_id in listed.out and "了承 1" in listed.out
    shown = run("meeting", "show", *p, meeting_id)
    assert "反映済" in shown.out and "令和7年9月9日" in shown.out
    decided = run("decision", "list", *p, "--household", hid)
    assert decided.code == 0 and "プラン" in decided.out and "反映済" in decided.out, decided.err


def test_a_support_meeting_shows_no_household_before_everyone_acknowledged(tmp_path):
    folder = tmp_path / "office"
    run("init", "--profile", str(folder), "--name", "事務局 花子")
    _case_with_plan(folder)
    p = ("--profile", str(folder))
    meeting_id = run("meeting", "new", *p, "support", "2025-06-10", "--with", "coordination").out.split("\t")[0]
    run("meeting", "attend", *p, meeting_id, "--name", "学校 担当", "--agency", "みその中学校", "--login", "school1")
    assert "山田家" in run("meeting", "propose", *p, meeting_id, "--add").out  # the coordinator prepares
    hidden = run("meeting", "show", *p, meeting_id)
    assert "山田家" not in hidden.out and "表示しません" in hidden.out and "学校 担当" in hidden.out
    asked = run("meeting", "acknowledge", *p, meeting_id, "学校 担当")
    assert asked.code == 2 and "106条の6" in asked.out and "1年以下の懲役又は100万円以下の罰金" in asked.out
    assert run("meeting", "acknowledge", *p, meeting_id, "学校 担当", "--yes").code == 0
    assert "山田家" in run("meeting", "show", *p, meeting_id).out
    unknown = run("meeting", "show", *p, "zzzz")
    assert unknown.code == 2 and "会議が見つかりません" in unknown.err
