"""Japanese full-text search, including terms shorter than three characters."""

from __future__ import annotations

import pytest

from storage import profile as sp
from storage import search
from tests.conftest import FAST_KDF, PASSPHRASE


@pytest.fixture
def store(profile_dir):
    p = sp.create_profile(profile_dir, PASSPHRASE, kdf=FAST_KDF)
    with p.store.write() as r:
        r.insert("household", {"name": "山田家", "kana": "ヤマダケ", "address": "みその市北山上村12"}, vault_id="v",
                 record_id="h1")
        r.insert("person", {"household_id": "h1", "name": "山田 太郎", "kana": "ヤマダ タロウ"}, vault_id="v",
                 record_id="p1")
        r.append("note", {"household_id": "h1", "text": "本人と電話で話した。体調は良好。"}, vault_id="v", record_id="n1")
        r.append("contact", {"household_id": "h1", "summary": "訪問記録：不在のため手紙を置いた", "body": "ｶﾀｶﾅﾒﾓ"},
                 vault_id="v", record_id="c1")
        r.append("note", {"household_id": "h1", "text": "最後に電話"}, vault_id="v", record_id="n2")
    yield p.store
    p.close()


def ids(store, query):
    return sorted(h.entity_id for h in search.search(store.index.reader(), query))


def test_three_or_more_characters_match_through_the_trigram_index(store):
    assert ids(store, "訪問記録") == ["c1"]
    assert ids(store, "良好。") == ["n1"]


@pytest.mark.parametrize("term", ["電話", "体調"])
def test_two_character_terms_still_match(store, term):
    expected = {"電話": ["n1", "n2"], "体調": ["n1"]}[term]
    assert ids(store, term) == expected


def test_a_term_at_the_very_end_of_a_text_matches(store):
    assert "n2" in ids(store, "電話")  # 「最後に電話」 ends with the term
    assert ids(store, "話") == ["n1", "n2"]


def test_kana_is_found_as_typed_in_hiragana_katakana_or_half_width(store):
    assert ids(store, "やまだ") == ["h1", "p1"]
    assert ids(store, "ﾔﾏﾀﾞ") == ["h1", "p1"]
    assert ids(store, "かたかなめも") == ["c1"]


def test_names_are_found_with_or_without_the_space(store):
    assert ids(store, "山田太郎") == ["p1"]
    assert ids(store, "山田 太郎") == ["p1"]  # two terms, both in the name


def test_all_terms_must_match(store):
    assert ids(store, "電話 体調") == ["n1"]
    assert ids(store, "電話 訪問") == []


def test_nothing_found_and_odd_input_do_not_fail(store):
    assert ids(store, "存在しない言葉") == []
    assert ids(store, "") == []
    assert ids(store, '"') == []
    assert ids(store, "\ue000") == []
    assert ids(store, "AND OR NOT ( ) *") == []


def test_updates_reindex_and_tombstones_leave_the_index(store):
    with store.write() as r:
        r.update("household", "h1", {"address": "みその市南川新田3"})
        r.delete("person", "p1")
    assert ids(store, "北山") == []
    assert ids(store, "南川") == ["h1"]
    assert "p1" not in ids(store, "太郎")


def test_snippet_marks_the_match_in_the_original_text():
    text, spans = search.snippet("今日は本人とデンワで話した", "でんわ")
    assert [text[a:b] for a, b in spans] == ["デンワ"]
