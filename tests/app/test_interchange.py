"""JSON Lines import and export: all or nothing, line numbers, round trips."""

from __future__ import annotations

import json

import pytest

from app import profiles
from app.demo import fill
from app.errors import InvalidInput
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


@pytest.fixture(autouse=True)
def central_station(session):
    """The station MINIMAL's household names exists (a new one needs new_stations)."""
    session.directory.add_station("中央")


def record(session, entity: str, file_id: str) -> dict:
    """The record an import made of a line: found by its 元の番号."""
    [found] = session.store.read().find(entity, source_id=file_id)
    return found


def dump(lines):
    return [json.dumps(line, ensure_ascii=False) for line in lines]


def counts(session):
    conn = session.store.connection()
    return {t: conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in ("household", "person", "contact", "note", "change")}


def test_the_minimum_fields_import(session):
    report = import_lines(session, dump(MINIMAL))
    assert report.created == {"household": 1, "person": 1, "contact": 1, "note": 1}
    household = session.households.get(session.households.resolve("H1"))
    assert household.name == "山田家"
    assert session.households.persons(household.id)[0].is_elderly == 1


def test_re_importing_the_same_file_changes_nothing(session):
    import_lines(session, dump(MINIMAL))
    before = counts(session)
    report = import_lines(session, dump(MINIMAL))
    assert not report.created and not report.updated and report.changed_nothing
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
    assert session.contacts.contact(record(session, "contact", "C1")["id"]).summary == "体調確認"


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
        {"type": "household", "id": "H2", "name": "鈴木家", "address": "北山", "station": "中央"},
        {"type": "case", "id": "K1", "household_id": "H2", "stage": "intake"},
        {"type": "note", "id": "N2", "household_id": "H1", "at": "2025-04-02T09:00:00+09:00", "text": "x",
         "case_id": "K1"},
    ]
    with pytest.raises(ImportError_) as info:
        import_lines(session, dump(lines))
    assert "別の世帯" in info.value.problems[0][1] and "K1" in info.value.problems[0][1]


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
    assert json.loads(first[0]) == {"type": "yorisoi-export", "format": 1}  # ids are kept, not mapped
    assert [line for line in second if json.loads(line).get("id") not in owner] == first


def test_ids_from_a_file_become_record_ids_of_their_own_kept_as_the_original_number(session):
    """Two stations whose lists are both numbered from 1 must not merge into each other."""
    north = [{"type": "household", "id": "1", "name": "北の家", "address": "北山1", "station": "中央"}]
    south = [{"type": "household", "id": "1", "name": "南の家", "address": "南町1", "station": "中央"}]
    import_lines(session, dump(north), source="北ステーション.jsonl")
    import_lines(session, dump(south), source="南ステーション.jsonl")
    found = session.store.read().find("household", source_id="1")
    assert sorted(r["name"] for r in found) == ["北の家", "南の家"]
    assert all(r["id"] != "1" and len(r["id"]) == 24 for r in found)
    assert {r["source"] for r in found} == {"北ステーション.jsonl", "南ステーション.jsonl"}
    with pytest.raises(InvalidInput, match="2件"):
        session.households.resolve("1")  # ambiguous: said, not guessed
    again = import_lines(session, dump(north), source="北ステーション.jsonl")
    assert again.changed_nothing and len(session.store.read().find("household", source_id="1")) == 2


def test_a_reference_to_a_record_imported_earlier_from_the_same_source(session):
    import_lines(session, dump(MINIMAL[:1]), source="名簿")
    later = [{"type": "note", "id": "N5", "household_id": "H1", "at": "2025-04-03T09:00:00+09:00", "text": "続き"}]
    import_lines(session, dump(later), source="名簿")
    household = session.households.resolve("H1")
    assert record(session, "note", "N5")["household_id"] == household
    with pytest.raises(ImportError_, match="problem") as info:
        import_lines(session, dump([dict(later[0], id="N6", household_id="H7")]), source="名簿")
    assert "H7" in info.value.problems[0][1]  # said as the file wrote it


def test_a_station_the_file_would_create_is_named_and_needs_asking(session):
    lines = [dict(MINIMAL[0], station="北山"), dict(MINIMAL[0], id="H2", station="北山"),
             dict(MINIMAL[0], id="H3", station="中夬")]  # a misspelt 中央
    with pytest.raises(ImportError_) as info:
        import_lines(session, dump(lines))
    assert info.value.new_stations == ["北山", "中夬"]
    assert [n for n, _ in info.value.problems] == [1, 3]
    assert "1行目、2行目" in info.value.problems[0][1] and "--new-stations" in info.value.problems[0][1]
    report = import_lines(session, dump(lines), new_stations=True)
    assert report.new_stations == ["北山", "中夬"] and report.created["station"] == 2


@pytest.mark.parametrize("line,fragment", [
    ({"type": "note", "id": "N9", "household_id": "H1", "at": "1800-01-01T09:00:00+09:00", "text": "古い"}, "明治より前"),
    ({"type": "contact", "id": "C9", "household_id": "H1", "at": "2099-04-01T10:00:00+09:00", "kind": "phone",
      "outcome": "met", "summary": "先の話"}, "1日以上先"),
    ({"type": "person", "id": "P9", "household_id": "H1", "name": "未来 太郎", "kana": "ミライ",
      "birth_date": "2999-01-01", "relation": "長男"}, "今日より後"),
    ({"type": "person", "id": "P9", "household_id": "H1", "name": "\u3000 ", "kana": "ア",
      "birth_date": "2000-01-01", "relation": "長男"}, "空白だけ"),
    ({"type": "household", "id": "H9", "name": "  ", "address": "x", "station": "中央"}, "空白だけ"),
])
def test_the_windows_rules_apply_to_every_line(session, line, fragment):
    before = counts(session)
    with pytest.raises(ImportError_) as info:
        import_lines(session, dump(MINIMAL) + dump([line]))
    number, reason = info.value.problems[0]
    assert number == 5 and fragment in reason, reason
    assert counts(session) == before


def test_the_original_number_is_shown_and_found(session):
    import_lines(session, dump(MINIMAL), source="旧台帳.jsonl")
    household = session.households.get(session.households.resolve("H1"))
    assert (household.source_id, household.source) == ("H1", "旧台帳.jsonl")
    from app.services.household_view import open_household

    assert open_household(session, household.id).household.source_id == "H1"
    import_lines(session, dump([dict(MINIMAL[0], id="K-2041", name="佐藤家")]), source="旧台帳.jsonl")
    assert [r.household_id for r in session.search.find("K-2041")] == [session.households.resolve("K-2041")]


def test_a_visit_list_names_a_household_by_the_number_it_had_elsewhere(session):
    import_lines(session, dump(MINIMAL[:1]), source="台帳")
    visit = [{"type": "contact", "id": "V1", "household_id": "H1", "at": "2025-04-03T10:30:00+09:00",
              "kind": "home_visit", "outcome": "met", "summary": "面談"}]
    import_lines(session, dump(visit), source="訪問.jsonl")
    assert record(session, "contact", "V1")["household_id"] == session.households.resolve("H1")
    import_lines(session, dump([dict(MINIMAL[0], name="同じ番号の別の家")]), source="別の台帳")
    with pytest.raises(ImportError_) as info:
        import_lines(session, dump([dict(visit[0], id="V2")]), source="訪問2.jsonl")
    assert "元の番号に持つ household が2件" in info.value.problems[0][1]
