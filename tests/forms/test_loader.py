"""Broken definitions are refused at load with the file, the line and the reason; a city's
own folder overrides the shipped forms without code."""

from __future__ import annotations

import shutil

import pytest

from forms.formset import SHIPPED, FormSetError, load_form_set
from forms.loader import DefinitionError, load_text

GOOD = """\
id = "contact"
version = 1
title = "訪問記録"

[[sections]]
id = "main"
title = "内容"

[[sections.fields]]
id = "summary"
label = "要約"
type = "text"
required = true

[[sections.fields]]
id = "kind"
label = "種別"
type = "choice"
options = ["訪問", "電話"]
"""


def problems(text: str) -> list[tuple[int, str]]:
    with pytest.raises(DefinitionError) as caught:
        load_text(text, "city/contact.toml")
    assert "city/contact.toml" in str(caught.value)
    return caught.value.problems


def test_a_good_definition_loads():
    definition = load_text(GOOD)
    assert [f.id for f in definition.fields()] == ["summary", "kind"]
    assert definition.get_field("kind").line == 15


def test_an_unknown_type_is_refused_on_its_line():
    [(line, reason)] = problems(GOOD.replace('type = "choice"', 'type = "choise"'))
    assert line == 18 and "choise" in reason and "使える種類" in reason


def test_a_misspelt_key_is_refused_rather_than_ignored():
    [(line, reason)] = problems(GOOD.replace("required = true", "requried = true"))
    assert line == 13 and "requried" in reason


def test_a_toml_syntax_error_names_its_line():
    [(line, reason)] = problems(GOOD.replace('label = "要約"', 'label = "要約'))
    assert line == 11 and "TOML" in reason


@pytest.mark.parametrize("ending", ["", "\n", "\n\n  \n"])
def test_a_value_left_open_at_the_end_names_its_own_line_not_line_1(ending):
    # tomllib reports "Invalid value (at end of document)" without a line number.
    [(line, reason)] = problems('id = "contact"\nversion = [' + ending)
    assert line == 2 and "閉じ" in reason and "TOML" in reason


def test_forms_check_reports_the_line_of_a_value_left_open(tmp_path):
    from tests.ui.cli_helpers import yorisoi

    (tmp_path / "contact.toml").write_text('id = "contact"\nversion = [', encoding="utf-8")
    result = yorisoi("forms-check", str(tmp_path), passphrase=None)
    assert result.code == 2 and "2行目" in result.err and "1行目" not in result.err


def test_a_condition_on_a_missing_field_and_a_duplicate_id_are_both_reported():
    text = GOOD + '\n[[sections.fields]]\nid = "summary"\nlabel = "二つ目"\nwhen = "nothing"\n'
    found = problems(text)
    assert {line for line, _ in found} == {21}
    assert any("二度" in reason for _, reason in found) and any("nothing" in reason for _, reason in found)


def test_a_choice_without_options_and_a_table_without_columns_are_refused():
    text = GOOD.replace('options = ["訪問", "電話"]', "") + (
        '\n[[sections.fields]]\nid = "rows"\nlabel = "表"\ntype = "table"\n')
    reasons = " ".join(r for _, r in problems(text))
    assert "options" in reasons and "columns" in reasons


def test_a_plan_that_renames_a_key_the_lifecycle_reads_is_refused():
    plan = (SHIPPED / "2-1.v2.toml").read_text(encoding="utf-8").replace('id = "uses_outreach"', 'id = "outreach"')
    reasons = [r for _, r in problems(plan)]
    assert any("uses_outreach" in r for r in reasons)


def test_a_city_folder_overrides_a_form_and_adds_a_version(tmp_path):
    city = tmp_path / "city-forms"
    city.mkdir()
    text = (SHIPPED / "contact.v1.toml").read_text(encoding="utf-8")
    (city / "contact.toml").write_text(text.replace('title = "訪問・接触記録"', 'title = "家庭訪問記録票"')
                                       .replace("version = 1", "version = 2"), encoding="utf-8")
    form_set = load_form_set(city)
    assert form_set.current("contact").title == "家庭訪問記録票"
    assert form_set.current("contact").version == 2
    assert form_set.get("contact", 1).title == "訪問・接触記録"  # old forms stay printable as filled


def test_a_broken_file_in_a_city_folder_is_refused_with_its_name(tmp_path):
    city = tmp_path / "city"
    city.mkdir()
    shutil.copy(SHIPPED / "2-2.v1.toml", city / "2-2.toml")
    (city / "contact.toml").write_text(GOOD.replace("version = 1", "version = 0"), encoding="utf-8")
    with pytest.raises(FormSetError) as caught:
        load_form_set(city)
    assert "contact.toml" in str(caught.value) and "2行目" in str(caught.value)
