"""Filling forms through the app: pre-fill, drafts that keep what was typed, completion with
its effects (consent from 様式1-1, a contact from the contact record), old versions, PDFs."""

from __future__ import annotations

import datetime as dt

import pytest

from app import form_settings
from app.printing import export_pdf
from app.services import form_records as forms
from app.vocab import Stage
from forms.formset import SHIPPED


@pytest.fixture
def case(session, household):
    h, principal = household
    agency = session.directory.add_agency("みその市地域包括支援センター", "地域包括支援センター")
    c = session.cases.open_case(h.id, principal_id=principal.id, route="agency", referring_agency_id=agency.id,
                                lead_agency_id=agency.id, opened_on="2025-04-01")
    return h, principal, agency, c


def consent_answers(opened, principal_id: str, **more) -> dict:
    answers = dict(opened.answers)
    answers.update({"consultation": "母の介護と自分の仕事のことで相談したい。", "consenter_id": principal_id,
                    "consent_on": "R7.4.3", "consent_method": "signed_paper", "paper_on_file": True,
                    "consent_scope": ["支援関係機関での情報共有"], **more})
    return answers


def test_a_new_intake_is_prefilled_from_the_household_and_the_case(session, case):
    h, principal, agency, c = case
    opened = session.form_filling.start(h.id, forms.INTAKE, "consent")
    a = opened.answers
    assert a["principal_id"] == principal.id and a["birth_date"] == "1972-05-01"
    assert a["route"] == "agency" and a["referring_agency_id"] == agency.id and a["received_on"] == "2025-04-01"
    assert a["address"] == "みその市本町1-2-3" and [m["name"] for m in a["members"]] == ["山田 和子", "山田 一郎"]
    assert opened.record.form_version == opened.definition.version and a["variant"] == "consent"


def test_a_draft_keeps_what_was_typed_even_when_it_cannot_be_read(session, case):
    h, *_ = case
    opened = session.form_filling.start(h.id, forms.PLAN)
    answers = dict(opened.answers, monitoring_on="R7.13.40", plan_round="三", direction="本人のペースで")
    checked = session.form_filling.save_draft(opened.record.id, answers)
    assert {p.field for p in checked.problems} == {"monitoring_on", "plan_round"}
    assert "日付はありません" in checked.for_field("monitoring_on")[0].message
    stored = session.forms.get(opened.record.id).answers
    assert stored["monitoring_on"] == "R7.13.40" and stored["plan_round"] == "三" and stored["direction"] == "本人のペースで"


def test_completing_with_a_missing_required_field_saves_but_does_not_complete(session, case):
    h, *_ = case
    opened = session.form_filling.start(h.id, forms.EVALUATION)
    checked = session.form_filling.complete(opened.record.id, dict(opened.answers, achievement="少し前進"))
    assert not checked.ok and "decision" in {p.field for p in checked.problems}
    record = session.forms.get(opened.record.id)
    assert record.status == "draft" and record.answers["achievement"] == "少し前進"


def test_completing_the_intake_records_the_consent_once_and_moves_the_case(session, case):
    h, principal, agency, c = case
    opened = session.form_filling.start(h.id, forms.INTAKE, "consent")
    checked = session.form_filling.complete(opened.record.id, consent_answers(opened, principal.id))
    assert checked.ok, checked.problems
    consents = session.cases.consents(c.id)
    assert len(consents) == 1 and consents[0].on_date == "2025-04-03" and consents[0].paper_on_file == 1
    assert consents[0].scope == ["支援関係機関での情報共有"]
    assert session.cases.get(c.id).stage == Stage.CONSENTED.value
    session.form_filling.complete(opened.record.id, consent_answers(opened, principal.id))
    assert len(session.cases.consents(c.id)) == 1  # saving again records nothing twice


def test_consent_without_the_signed_paper_is_kept_but_does_not_move_the_case(session, case):
    h, principal, agency, c = case
    opened = session.form_filling.start(h.id, forms.INTAKE, "consent")
    session.form_filling.complete(opened.record.id, consent_answers(opened, principal.id, paper_on_file=False,
                                                                    consent_method="verbal"))
    assert len(session.cases.consents(c.id)) == 1
    assert session.cases.get(c.id).stage == Stage.INTAKE.value


def test_a_withdrawal_on_the_intake_form_withdraws_the_consent(session, case):
    h, principal, agency, c = case
    opened = session.form_filling.start(h.id, forms.INTAKE, "consent")
    session.form_filling.complete(opened.record.id, consent_answers(opened, principal.id))
    again = session.form_filling.open(opened.record.id)
    session.form_filling.complete(opened.record.id, dict(again.answers, withdrawn_on="2025-05-01",
                                                         withdrawal_memo="本人から電話で撤回の申し出"))
    assert [x.action for x in session.cases.consents(c.id)] == ["given", "withdrawn"]
    assert session.cases.get(c.id).stage == Stage.OUTREACH.value


def test_an_intake_for_a_household_without_a_case_opens_one(session, household):
    h, principal = household
    opened = session.form_filling.start(h.id, forms.INTAKE, "no-consent")
    answers = dict(opened.answers, received_on="2025-04-01", route="neighbour", consultation="近所から心配の声",
                   no_consent_reason="not_met", meeting_reason="本人に会えておらず、関係機関で情報を共有したい。")
    assert session.form_filling.complete(opened.record.id, answers).ok
    record = session.forms.get(opened.record.id)
    assert record.case_id and session.cases.get(record.case_id).route == "neighbour"


def test_a_plan_is_prefilled_from_the_finished_assessment(session, case):
    h, *_ = case
    assessment = session.form_filling.start(h.id, forms.ASSESSMENT)
    session.forms.update_answers(assessment.record.id, {"wishes": "母と家で暮らしたい", "summary": "介護と家計",
                                                        "direction_draft": "包括と自立相談で分担",
                                                        "needs_participation": True})
    session.forms.complete(assessment.record.id)
    plan = session.form_filling.start(h.id, forms.PLAN).answers
    assert plan["wish"] == "母と家で暮らしたい" and plan["issues_summary"] == "介護と家計"
    assert plan["direction"] == "包括と自立相談で分担" and plan["uses_participation"] is True


def test_the_contact_record_adds_a_contact_to_the_household(session, case):
    h, principal, *_ = case
    opened = session.form_filling.start(h.id, forms.CONTACT_RECORD)
    answers = dict(opened.answers, contact_on=dt.date.today().isoformat(), time_from="10:30", kind="home_visit",
                   outcome="met", met_person_id=principal.id, summary="玄関先で10分話せた", body="体調は良いとのこと")
    assert session.form_filling.complete(opened.record.id, answers).ok
    [contact] = session.contacts.contacts(h.id)
    assert contact.summary == "玄関先で10分話せた" and contact.at[11:16] == "10:30"
    assert contact.present == [principal.id]


def test_an_unreadable_time_on_a_contact_record_is_a_field_message(session, case):
    h, *_ = case
    opened = session.form_filling.start(h.id, forms.CONTACT_RECORD)
    answers = dict(opened.answers, contact_on=dt.date.today().isoformat(), time_from="朝", kind="phone",
                   outcome="nobody", summary="電話に出なかった")
    checked = session.form_filling.complete(opened.record.id, answers)
    assert [p.field for p in checked.problems] == ["time_from"]


def test_a_draft_filled_with_version_one_moves_to_version_two_when_opened_and_saved(session, case):
    h, *_ = case
    record = session.forms.create(h.id, forms.PLAN, {"hope": "働きたい", "goals": ["外出する"], "memo": "備考",
                                                     "priority": "B"}, form_version=1)
    opened = session.form_filling.open(record.id)
    assert opened.migrated_from == 1 and opened.definition.version == 2
    assert opened.answers["wish"] == "働きたい" and opened.answers["goals"][0]["goal"] == "外出する"
    session.form_filling.save_draft(record.id, opened.answers)
    stored = session.forms.get(record.id)
    assert stored.form_version == 2 and stored.answers.get("hope") is None
    assert stored.answers["_retired"]["priority"]["value"] == "B"


def test_an_approved_old_plan_stays_as_filled(session, case):
    h, *_ = case
    record = session.forms.create(h.id, forms.PLAN, {"hope": "働きたい"}, form_version=1)
    with session.store.write() as records:
        session.forms.set_status(records, record.id, "approved")
    opened = session.form_filling.open(record.id)
    assert opened.definition.version == 1 and not opened.editable and opened.answers["hope"] == "働きたい"


def test_export_prints_the_latest_form_or_a_blank_one_atomically(session, case, tmp_path):
    h, *_ = case
    form_settings.put(session, "city_name", "みその市")
    tmp_path = tmp_path / "out"
    tmp_path.mkdir()
    blank = export_pdf(session, h.id, forms.ASSESSMENT, tmp_path / "blank.pdf")
    assert blank.record_id is None and blank.pages >= 4
    opened = session.form_filling.start(h.id, forms.ASSESSMENT)
    printed = export_pdf(session, h.id, forms.ASSESSMENT, tmp_path / "filled.pdf")
    assert printed.record_id == opened.record.id
    assert (tmp_path / "filled.pdf").read_bytes().startswith(b"%PDF")
    assert (tmp_path / "filled.pdf").stat().st_mode & 0o077 == 0  # readable by the user only
    assert sorted(p.name for p in tmp_path.iterdir()) == ["blank.pdf", "filled.pdf"]  # no temp files left


def test_a_broken_city_form_set_is_refused_with_file_and_line(session, tmp_path):
    folder = tmp_path / "city"
    folder.mkdir()
    (folder / "2-2.toml").write_text((SHIPPED / "2-2.v1.toml").read_text(encoding="utf-8")
                                     .replace('type = "date"', 'type = "wareki"', 1), encoding="utf-8")
    form_settings.put(session, "forms_dir", str(folder))
    from app.services.form_filling import FormSetUnusable

    with pytest.raises(FormSetUnusable) as caught:
        session.form_filling.definition("2-2")
    assert "2-2.toml" in caught.value.message and "行目" in caught.value.message and "wareki" in caught.value.message
