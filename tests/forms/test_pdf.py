"""Every shipped form prints: its title and answers are in the text, fonts are embedded, and a
PNG of the first page is kept under test-output/forms/ for a person to look at."""

from __future__ import annotations

import re

import pytest

from forms.formset import load_form_set
from forms.pdf.render import render
from forms.validation import rows_of
from tests.forms.pdf_tools import first_page_png, fonts_of, needs_poppler, text_of
from tests.forms.samples import complete_answers, context

FORM_SET = load_form_set()
pytestmark = needs_poppler


def _squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


@pytest.mark.parametrize("key", FORM_SET.ordered_keys())
def test_each_form_prints_its_title_answers_and_embedded_fonts(key, tmp_path):
    definition = FORM_SET.current(key)
    answers = complete_answers(definition)
    result = render(definition, answers, context())
    text = _squash(text_of(result.pdf, tmp_path))
    assert _squash(definition.title) in text
    assert "取扱注意" in text and "みその市" in text and f"1/{result.pages}" in text
    for f in definition.fields():
        if f.type in ("text", "longtext") and definition.visible(f, answers):
            assert _squash(answers[f.id])[:30] in text, f.id
        if f.is_table:
            first = rows_of(f, answers[f.id])[0]
            for col in f.columns:
                if col.type == "text":
                    assert _squash(first[col.id]) in text, (f.id, col.id)
    assert "𠮷田一郎" in text  # a 外字 name survives, through the IPAmj fallback
    fonts = fonts_of(result.pdf, tmp_path)
    assert fonts and all(emb == "yes" for _, emb in fonts), fonts
    assert first_page_png(result.pdf, key.replace(":", "_")).stat().st_size > 10_000


@pytest.mark.parametrize("key", FORM_SET.ordered_keys())
def test_a_blank_form_prints_every_question_with_boxes_to_tick(key, tmp_path):
    definition = FORM_SET.current(key)
    result = render(definition, None, context(), blank=True)
    text = _squash(text_of(result.pdf, tmp_path))
    assert "（記入用）" in text
    for f in definition.fields():
        assert _squash(f.label)[:12] in text, f.id
    assert "□" in text
    first_page_png(result.pdf, key.replace(":", "_") + "-blank")


def test_dates_print_in_wareki_with_the_age_at_the_forms_date(tmp_path):
    definition = FORM_SET.current("1-1:consent")
    answers = {"received_on": "2025-04-01", "birth_date": "1958-05-01", "principal_id": "P1"}
    text = text_of(render(definition, answers, context()).pdf, tmp_path)
    assert "令和7年4月1日" in text
    assert "昭和33年5月1日（66歳）" in text  # 66 on 1 April 2025, turning 67 in May
    assert "𠮷田 一郎" in text
    assert text.count("（66歳）") == 1  # once, beside the birth date: not also after the name


def test_a_long_answer_continues_on_the_next_page_and_rows_are_never_cut(tmp_path):
    definition = FORM_SET.current("2-1")
    answers = complete_answers(definition)
    answers["direction"] = "".join(f"{n}回目の訪問で本人と話した内容を記録する。" for n in range(400))
    answers["roles"] = [{"agency_id": "A1", "task": f"役割{n}の内容。" * 6, "frequency": "月1回", "lead": n == 0}
                        for n in range(30)]
    result = render(definition, answers, context())
    text = text_of(result.pdf, tmp_path)
    assert result.pages >= 4
    assert "（次ページに続く）" in text and "支援の方向性（続き）" in _squash(text)
    squashed = _squash(text)
    for n in range(400):
        assert f"{n}回目" in squashed
    for n in range(30):
        assert f"役割{n}の内容。" in squashed
    assert "（続き）" in squashed  # the role table's heads repeat on the next page
