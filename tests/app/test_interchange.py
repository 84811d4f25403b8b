"""JSON Lines import and export: all or nothing, line numbers, round trips."""

from __future__ import annotations

import json

import pytest

from app import profiles
from app.demo import fill
from app.interchange import ImportError_, export_lines, import_lines
from tests.conftest import FAST_KDF, PASSPHRASE

MINIMAL = [
    {"type": "household", "id": "H1", "name": "山田家", "address": "みその市本町1", "station": "中央"},
    {"type": "person", "id": "P1", "household_id": "H1", "name": "山田 一郎", "kana": "ヤマダ イチロウ",
     "birth_date": "1950-04-01", "relation": "本人"},
    {"type": "contact", "id": "C1", "household_id": "H1", "at": "2025-04-01T10:00:00+09:00", "kind": "home_visit",
     "outcome": "met", "summary": "体調確認"},
    {"type": "note", "id": "N1", "household_id": "H1", "at": "2025-04-02T09:00:00+09:00", "text": "民生委員から連絡"},
]


def dump(lines):
    return [json.dumps(line, ensure_ascii=False) for line in lines]


def counts(session):
    conn = session.store.connection()
    return {t: conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in ("household", "person", "contact", "note", "change")}


def test_the_minimum_fields_import_and_create_the_station(session):
    report = import_lines(session, dump(MINIMAL))
    assert report.created == {"station": 1, "household": 1, "person": 1, "contact": 1, "note": 1}
    assert session.directory.station_named("中央") is not None
    assert session.households.get("H1").name == "山田家"
    assert session.households.persons("H1")[0].is_elderly == 1


def test_re_importing_the_same_file_changes_nothing(session):
    import_lines(session, dump(MINIMAL))
    before = counts(session)
    report = import_lines(session, dump(MINIMAL))
    assert not report.created and not report.updated
    assert counts(session) == before


@pytest.mark.parametrize("bad,number,fragment", [
    ('{"type": "contact", "id": "C9", "household_id": "H1", "at": "2025-04-01", "kind": "home_visit", '
     '"outcome": "met", "summary": "x"}', 5, "時差"),
    ('{"type": "contact", "id": "C9", "household_id": "H1", "at": "2025-04-01T10:00:00+09:00", "kind": "visit", '
     '"outcome": "met", "summary": "x"}', 5, "visit"),
    ('{"type": "person", "id": "P9", "household_id": "H404", "name": "a", "kana": "ア", "birth_date": "2000-01-01",'
     ' "relation": "本人"}', 5, "H404"),
    ('{"type": "person", "id": "P9", "household_id": "H1", "name": "a", "kana": "ア", "birth_date": "2000-13-01",'
     ' "relation": "本人"}', 5, "2000-13-01"),
    ('{"type": "household", "id": "H2", "name": "x", "address": "y"}', 5, "station"),
    ('{"type": "note", "id": "N1", "household_id": "H1", "at": "2025-04-02T09:00:00+09:00", "text": "dup"}', 5, "重複"),
    ('{"type": "alien", "id": "X"}', 5, "alien"),
    ('{"type": "note", "id": "N9", "household_id": "H1", "at": "2025-04-02T09:00:00+09:00", "text": "x", '
     '"colour": "red"}', 5, "colour"),
    ("not json at all", 5, "JSON"),
    ("[1, 2]", 5, "オブジェクト"),
    ('{"type": "note", "household_id": "H1", "at": "2025-04-02T09:00:00+09:00", "text": "no id"}', 5, "id"),
])
def test_a_bad_line_is_reported_with_its_number_and_nothing_is_imported(session, bad, number, fragment):
    before = counts(session)
    with pytest.raises(ImportError_) as info:
        import_lines(session, dump(MINIMAL) + [bad])
    line, reason = info.value.problems[0]
    assert line == number and fragment in reason, reason
    assert counts(session) == before


def test_bytes_that_are_not_utf8_are_reported(session):
    with pytest.raises(ImportError_) as info:
        import_lines(session, [b'{"type": "station", "id": "S1", "name": "\xff\xfe"}'])
    assert info.value.problems[0][0] == 1


def test_a_contact_cannot_be_rewritten_by_import(session):
    import_lines(session, dump(MINIMAL))
    changed = dict(MINIMAL[2], summary="書き換え")
    with pytest.raises(ImportError_, match="problem"):
        import_lines(session, dump([changed]))
    assert session.contacts.contact("C1").summary == "体調確認"


def test_every_problem_of_a_file_is_reported_in_one_run(session):
    # Field errors, references and append-only conflicts are three kinds of check; a file
    # with all three is reported whole, in line order, so it is fixed in one pass.
    import_lines(session, dump(MINIMAL))
    lines = [
        dict(MINIMAL[2], summary="書き換え"),  # 1: a stored contact with other content
        {"type": "person", "id": "P2", "household_id": "H404", "name": "a", "kana": "ア", "birth_date": "2000-01-01",
         "relation": "長男"},  # 2: a household that is nowhere
        {"type": "note", "id": "N2", "household_id": "H1", "at": "2025-04-02", "text": "x"},  # 3: no offset
        {"type": "contact", "id": "C2", "household_id": "H9", "at": "2025-04-01T10:00:00+09:00", "kind": "visit",
         "outcome": "met", "summary": "x"},  # 4: a bad code and a missing household on one line
    ]
    before = counts(session)
    with pytest.raises(ImportError_) as info:
        import_lines(session, dump(lines))
    problems = info.value.problems
    assert [n for n, _ in problems] == [1, 2, 3, 4, 4]
    assert "別の内容" in problems[0][1] and "H404" in problems[1][1] and "時差" in problems[2][1]
    last_line = " ".join(reason for _, reason in problems[3:])
    assert "visit" in last_line and "H9" in last_line
    assert "問題は 5 件です。" in info.value.message() and "4行目" in info.value.message()
    assert counts(session) == before


def test_a_reference_to_a_line_with_its_own_problem_is_not_reported_twice(session):
    lines = [dict(MINIMAL[0], next_action_on="someday"), MINIMAL[1]]
    with pytest.raises(ImportError_) as info:
        import_lines(session, dump(lines))
    assert [n for n, _ in info.value.problems] == [1]


def test_a_long_list_of_problems_is_cut_and_says_how_many_there_are(session):
    lines = [{"type": "station", "id": f"S{n}", "name": "", "area": 1} for n in range(60)]
    with pytest.raises(ImportError_) as info:
        import_lines(session, dump(lines))
    assert len(info.value.problems) == 50 and info.value.problems[0][0] == 1
    assert "問題は 120 件です（最初の 50 件を表示します）。" in info.value.message()


def test_a_reference_to_another_households_case_is_refused(session):
    lines = MINIMAL + [
        {"type": "household", "id": "H2", "name": "鈴木家", "address": "北山", "station": "北山"},
        {"type": "case", "id": "K1", "household_id": "H2", "stage": "intake"},
        {"type": "note", "id": "N2", "household_id": "H1", "at": "2025-04-02T09:00:00+09:00", "text": "x",
         "case_id": "K1"},
    ]
    with pytest.raises(ImportError_) as info:
        import_lines(session, dump(lines))
    assert "別の世帯" in info.value.problems[0][1]


def test_export_then_import_into_a_fresh_profile_round_trips(session, tmp_path):
    fill(session, households=40, seed=7)
    first = list(export_lines(session))
    fresh = profiles.create(tmp_path / "fresh", PASSPHRASE, kdf=FAST_KDF)
    try:
        import_lines(fresh, first)
        second = list(export_lines(fresh))
    finally:
        fresh.close()
    # The fresh profile has its own owner staff record; everything else is identical.
    owner = {json.loads(line)["id"] for line in second if json.loads(line)["type"] == "staff"} - \
        {json.loads(line)["id"] for line in first if json.loads(line)["type"] == "staff"}
    assert len(owner) == 1
    assert [line for line in second if json.loads(line)["id"] not in owner] == first
