"""Line breaking: no line starts with 。、」）etc., none ends with 「（, and no text is lost."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from forms.pdf.wrap import NO_END, NO_START, wrap


def measure(ch: str) -> float:
    return 1.0 if ord(ch) < 0x2E80 and ch.isascii() else 2.0  # half- and full-width


def test_closing_punctuation_never_starts_a_line():
    lines = wrap("本人は「大丈夫です」と話した。母も同意した。", 10, measure)
    assert all(line[0] not in NO_START for line in lines[1:])
    assert "".join(lines) == "本人は「大丈夫です」と話した。母も同意した。"


def test_a_stop_hangs_past_the_edge_rather_than_starting_a_line():
    lines = wrap("あいうえお。かきくけこ", 10, measure)  # five full-width = 10: 。 would start line 2
    assert lines[0] == "あいうえお。"


def test_an_opening_bracket_never_ends_a_line():
    lines = wrap("あいう「えおかき」", 8, measure)
    assert all(line[-1] not in NO_END for line in lines[:-1])


def test_a_phone_number_is_not_cut():
    lines = wrap("連絡先は0868-12-3456です", 24, measure)
    assert any("0868-12-3456" in line for line in lines)


def test_explicit_line_breaks_are_kept():
    assert wrap("一行目\n二行目", 100, measure) == ["一行目", "二行目"]


JAPANESE = st.text(alphabet=st.sampled_from(list("あいうえおかきくけこ漢字本人家族。、「」（）ー・っゃ！？ab12 ")),
                   max_size=300)


@given(JAPANESE, st.integers(min_value=4, max_value=60))
def test_wrapping_keeps_every_character_in_order_and_obeys_kinsoku(text, width):
    lines = wrap(text, width, measure)
    assert "".join(lines) == text.replace("\n", "")
    for previous, line in zip(lines, lines[1:], strict=False):
        if line and line[0] in NO_START:
            # only when the whole previous line could not give way (all of it is closing marks)
            assert all(ch in NO_START for ch in previous[1:]) or len(previous) <= 1
