"""`yorisoi export-pdf`, `forms-check` and `setting` as people and scripts use them."""

from __future__ import annotations

import pytest

from app import profiles
from forms.formset import SHIPPED
from tests.forms.pdf_tools import needs_poppler, text_of
from tests.ui.cli_helpers import PASS, assert_no_traceback, yorisoi


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    folder = tmp_path_factory.mktemp("forms-cli") / "demo"
    assert yorisoi("demo", "--profile", str(folder), "--households", "40", "--seed", "3").code == 0
    session = profiles.unlock(folder, PASS)
    try:
        plan = session.store.read().find("form_record", form_id="2-1")[0]
        empty = next(h for h in session.households.rows() if not session.forms.for_household(h.id))
    finally:
        session.close()
    return folder, plan["household_id"], empty.id


@needs_poppler
def test_export_pdf_prints_the_households_latest_plan(demo, tmp_path):
    folder, household, _ = demo
    out = tmp_path / "plan.pdf"
    result = yorisoi("export-pdf", "--profile", str(folder), "--household", household, "--form", "2-1",
                     "--out", str(out))
    assert result.code == 0, result.err
    assert "記入済み" in result.out and "平文" in result.err
    text = text_of(out.read_bytes(), tmp_path)
    assert "多機関協働事業 プラン兼利用申込書" in text and "みその市" in text and "取扱注意" in text


def test_export_pdf_prints_a_blank_form_when_none_was_filled(demo, tmp_path):
    folder, _, empty = demo
    out = tmp_path / "blank.pdf"
    result = yorisoi("export-pdf", "--profile", str(folder), "--household", empty, "--form", "1-1",
                     "--variant", "no-consent", "--out", str(out))
    assert result.code == 0, result.err
    assert "白紙" in result.out and out.read_bytes().startswith(b"%PDF")


def test_export_pdf_for_an_unknown_household_is_refused_plainly(demo, tmp_path):
    folder, *_ = demo
    result = yorisoi("export-pdf", "--profile", str(folder), "--household", "nope", "--form", "2-1",
                     "--out", str(tmp_path / "x.pdf"))
    assert result.code == 2 and "世帯が見つかりません" in result.err
    assert_no_traceback(result)
    assert not (tmp_path / "x.pdf").exists()


def test_export_pdf_with_a_broken_city_folder_names_file_and_line(demo, tmp_path):
    folder, household, _ = demo
    city = tmp_path / "city"
    city.mkdir()
    (city / "2-1.toml").write_text((SHIPPED / "2-1.v2.toml").read_text(encoding="utf-8")
                                   .replace("version = 2", "version = 3").replace('type = "check"', 'type = "box"', 1),
                                   encoding="utf-8")
    result = yorisoi("export-pdf", "--profile", str(folder), "--household", household, "--form", "2-1",
                     "--forms", str(city), "--out", str(tmp_path / "x.pdf"))
    assert result.code == 2 and "2-1.toml" in result.err and "行目" in result.err and "box" in result.err
    assert_no_traceback(result)
    check = yorisoi("forms-check", str(city), passphrase=None)
    assert check.code == 2 and "box" in check.err


def test_forms_check_lists_a_good_folder(tmp_path):
    result = yorisoi("forms-check", str(SHIPPED), passphrase=None)
    assert result.code == 0 and "1-1:consent" in result.out and "版 1, 2" in result.out


def test_the_city_name_is_a_profile_setting(demo):
    folder, *_ = demo
    assert yorisoi("setting", "--profile", str(folder), "city_name").out.strip() == "みその市"
    assert yorisoi("setting", "--profile", str(folder), "pdf_font", "/nonexistent.ttf").code == 2


@needs_poppler
def test_export_pdf_of_the_contact_record_prints_the_households_contacts(demo, tmp_path):
    folder, *_ = demo
    session = profiles.unlock(folder, PASS)
    try:
        household = max(session.households.rows(), key=lambda h: len(session.contacts.contacts(h.id)))
        summaries = [c.summary for c in session.contacts.contacts(household.id)]
    finally:
        session.close()
    assert len(summaries) >= 3
    out = tmp_path / "contact.pdf"
    result = yorisoi("export-pdf", "--profile", str(folder), "--household", household.id, "--form", "contact",
                     "--out", str(out))
    assert result.code == 0, result.err
    assert "支援経過記録" in result.out and "〓" not in result.err
    text = text_of(out.read_bytes(), tmp_path).replace("\n", "")
    for summary in summaries:
        assert summary.replace("\n", "") in text
