"""What search returns: every kind of record the index holds, the human text that matched (not
codes, ISO dates or ids), and how many matched in all when the list is cut."""

from __future__ import annotations

import re

from app.services import form_records as forms


def test_agencies_resources_and_meetings_are_found(session):
    session.directory.add_agency("みその市福祉事務所", "福祉事務所")
    session.directory.add_resource("ふれあいサロン ひだまり", "居場所", description="毎週水曜の午後に開くサロン")
    session.meetings.create("support", "2025-05-12", "第2回 支援会議（北部）")
    found = {r.entity: r for r in session.search.find("福祉事務所")}
    assert found["agency"].kind_label == "関係機関" and found["agency"].heading == "みその市福祉事務所"
    resource = session.search.find("水曜")[0]
    assert resource.kind_label == "社会資源" and resource.heading == "ふれあいサロン ひだまり"
    assert resource.snippet == "毎週水曜の午後に開くサロン" and resource.spans == ((2, 4),)
    meeting = session.search.find("支援会議")[0]
    assert meeting.kind_label == "会議" and meeting.heading.startswith("第2回") and meeting.at == "2025-05-12"


def test_a_form_hit_shows_the_written_answer_not_codes_dates_or_ids(session, household):
    h, principal = household
    session.cases.open_case(h.id, principal_id=principal.id, opened_on="2025-04-01")
    opened = session.form_filling.start(h.id, forms.INTAKE, "consent")
    answers = {**opened.answers, "consultation": "母の介護と自分の仕事のことで相談したい。", "consenter_id": principal.id,
               "consent_on": "2025-04-03", "consent_method": "signed_paper", "paper_on_file": True,
               "consent_scope": ["支援関係機関での情報共有"]}
    session.form_filling.complete(opened.record.id, answers)
    hit = next(r for r in session.search.find("介護") if r.entity == "form_record")
    assert hit.snippet == "母の介護と自分の仕事のことで相談したい。"
    assert hit.kind_label == "様式（相談受付・申込票）" and hit.heading == "山田家"
    assert "signed_paper" not in hit.snippet and principal.id not in hit.snippet
    assert not re.search(r"\d{4}-\d{2}-\d{2}", hit.snippet)
    assert hit.snippet[hit.spans[0][0]:hit.spans[0][1]] == "介護"


def test_a_hit_shows_the_field_that_matched_alone(session, household):
    h, _ = household
    session.contacts.log_contact(h.id, kind="phone", outcome="met", summary="近況の確認",
                                 body="通院の付き添いについて相談された。")
    hit = session.search.find("付き添い")[0]
    assert hit.snippet == "通院の付き添いについて相談された。"  # not 「近況の確認 / 通院の…」


def test_count_says_how_many_matched_beyond_the_limit(session, household):
    h, _ = household
    for n in range(7):
        session.contacts.add_note(h.id, f"電話で話した（{n}回目）")
    assert len(session.search.find("電話", limit=3)) == 3
    assert session.search.count("電話") == 7
    assert session.search.count("存在しない語") == 0
