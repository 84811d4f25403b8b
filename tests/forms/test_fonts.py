"""Fonts: a named font that cannot be embedded is said plainly; a character no font has is
printed as 〓 and reported, never silently dropped."""

from __future__ import annotations

import re

import pytest

from forms.formset import load_form_set
from forms.pdf.fonts import FontNotFound, font_chain
from forms.pdf.render import render
from tests.forms.pdf_tools import needs_poppler, text_of
from tests.forms.samples import context


def test_a_named_font_that_does_not_exist_is_refused_plainly(tmp_path):
    with pytest.raises(FontNotFound) as caught:
        font_chain(str(tmp_path / "none.ttf"))
    assert "埋め込めません" in str(caught.value) and "pdf_font" in str(caught.value)


def test_an_opentype_cff_font_is_not_taken(tmp_path):
    fake = tmp_path / "NotoSansCJKjp-Regular.otf"
    fake.write_bytes(b"OTTO" + b"\0" * 100)
    with pytest.raises(FontNotFound):
        font_chain(str(fake))


def test_characters_fall_back_per_character():
    chain = font_chain()
    assert chain.font_for("山") == chain.main.name
    assert chain.font_for("𠮷") not in (None, chain.main.name)  # IPAmj明朝
    assert chain.font_for("😀") is not None  # Symbola


def test_a_character_no_font_has_is_reported():
    plan = load_form_set().current("2-1")
    result = render(plan, {"direction": "記号\U0010fffdあり"}, context())
    assert result.missing == {"\U0010fffd"}


@needs_poppler
def test_line_breaks_and_tabs_are_layout_not_missing_characters(tmp_path):
    plan = load_form_set().current("2-1")
    result = render(plan, {"direction": "一行目\r\n二行目\n項目\t内容"}, context())
    assert result.missing == set()  # no 「〓 で印刷しました: U+000A」
    text = text_of(result.pdf, tmp_path)
    assert "〓" not in text and "二行目" in text
    assert re.search(r"項目 +内容", text)  # the tab printed as a gap


def test_a_tab_is_as_wide_as_four_spaces():
    chain = font_chain()
    assert chain.char_width("\t", 10) == pytest.approx(4 * chain.char_width(" ", 10))
    assert chain.runs("a\tb") == [(chain.main.name, "a    b")]
    assert chain.missing("a\nb\tc\r") == set()
