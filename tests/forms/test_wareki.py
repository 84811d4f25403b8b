from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from forms.wareki import WarekiError, format_both, format_wareki, parse_date


@pytest.mark.parametrize("text,expected", [
    ("R7.4.1", dt.date(2025, 4, 1)),
    ("令和7年4月1日", dt.date(2025, 4, 1)),
    ("令和元年5月1日", dt.date(2019, 5, 1)),
    ("S15.3.2", dt.date(1940, 3, 2)),
    ("H31/4/30", dt.date(2019, 4, 30)),
    ("h1.1.8", dt.date(1989, 1, 8)),
    ("2025-04-01", dt.date(2025, 4, 1)),
    ("2025/4/1", dt.date(2025, 4, 1)),
    ("2025年4月1日", dt.date(2025, 4, 1)),
    ("Ｒ７．４．１", dt.date(2025, 4, 1)),
    ("大正12年9月1日", dt.date(1923, 9, 1)),
    ("M45.7.29", dt.date(1912, 7, 29)),
])
def test_what_staff_type_is_understood(text, expected):
    assert parse_date(text) == expected


@pytest.mark.parametrize("text,fragment", [
    ("H31.5.1", "令和元年5月1日"),
    ("S64.1.8", "平成元年1月8日"),
    ("R7.2.30", "日付はありません"),
    ("令和", "読めません"),
    ("", "入力されていません"),
    ("R0.1.1", "1以上"),
])
def test_impossible_dates_are_refused_with_a_helpful_message(text, fragment):
    with pytest.raises(WarekiError, match=fragment):
        parse_date(text)


def test_formatting_uses_gannen_and_short_forms():
    assert format_wareki(dt.date(2019, 5, 1)) == "令和元年5月1日"
    assert format_wareki(dt.date(2025, 4, 1), short=True) == "R7.4.1"
    assert format_wareki("1989-01-07") == "昭和64年1月7日"
    assert format_both("2025-04-01") == "令和7年4月1日（2025-04-01）"
    assert format_wareki(None) == ""


@given(st.dates(min_value=dt.date(1873, 1, 1), max_value=dt.date(2100, 12, 31)))
def test_every_formatted_date_parses_back(day):
    assert parse_date(format_wareki(day)) == day
    assert parse_date(format_wareki(day, short=True)) == day
