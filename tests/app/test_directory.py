"""The directory (名簿): add, edit, retire; CSV import (UTF-8 and Excel's cp932, all or nothing,
problems by line) and export (round trip); the shipped template for a city like 美作市."""

from __future__ import annotations

import codecs

import pytest

from app import directory_csv
from app.directory_csv import DirectoryImportRefused
from app.errors import AppError, InvalidInput, NotFound
from storage import changes


def pending(session) -> int:
    return changes.count_pending(session.store.connection())


def test_add_edit_retire_and_restore_an_agency(session):
    station = session.directory.add_station("勝田", "勝田地域", 1)
    agency = session.directory.save("agencies", {"name": "美作市地域包括支援センター（勝田）", "kind": "地域包括支援センター",
                                                 "station_id": station.id, "contact_person": "田中", "phone": "0868-00-0000"})
    assert (agency.contact_person, agency.station_id, agency.active) == ("田中", station.id, 1)
    session.directory.save("agencies", {"phone": "0868-11-1111 内線12"}, agency.id)
    assert session.directory.get("agencies", agency.id).phone == "0868-11-1111 内線12"
    session.directory.retire("agencies", agency.id)
    assert [a.name for a in session.directory.agencies(active_only=True)] == []
    assert session.directory.names("agency")[agency.id] == agency.name  # still named where it is used
    session.directory.restore("agencies", agency.id)
    assert [a.id for a in session.directory.agencies(active_only=True)] == [agency.id]


def test_refusals_name_the_field_in_japanese(session):
    d = session.directory
    with pytest.raises(InvalidInput, match="機関名を入力してください") as err:
        d.save("agencies", {"name": "　"})
    assert err.value.field == "name"
    with pytest.raises(InvalidInput, match="電話番号「でんわ」"):
        d.save("agencies", {"name": "福祉事務所", "phone": "でんわ"})
    with pytest.raises(InvalidInput, match="役割「係長」は選べません"):
        d.save("staff", {"name": "山田", "role": "係長"})
    d.save("staff", {"name": "山田 花子", "login": "yamada", "role": "相談支援包括化推進員"})
    with pytest.raises(InvalidInput, match="すでに 山田 花子 さん"):
        d.save("staff", {"name": "山田 太郎", "login": "yamada"})
    with pytest.raises(InvalidInput, match="ステーションには指定できない|という項目はありません"):
        d.save("stations", {"name": "X", "phone": "1"})
    with pytest.raises(NotFound):
        d.find("agencies", "ない機関")


def test_the_new_roles_are_offered_and_stored_as_codes(session):
    for label, code in (("相談支援包括化推進員", "promoter"), ("参加支援員", "participation"),
                        ("お困りごと相談員", "consultant"), ("多機関協働（市）", "office")):
        assert session.directory.save("staff", {"name": label, "role": label}).role == code


# -- CSV -------------------------------------------------------------------------------------

AGENCIES = (
    "種別,名称,地域,ステーション,担当者,電話,住所,メモ,状態\r\n"
    "地域包括支援センター,美作市地域包括支援センター（勝田）,勝田地域,勝田,田中 一郎,0868-00-0001,,,使用中\r\n"
    "福祉事務所,美作市福祉事務所,市内全域,,,0868-00-0002,\"美作市栄町1,2\",就労支援員,\r\n"
)


@pytest.fixture
def stations(session):
    return {name: session.directory.add_station(name).id for name in ("勝田", "大原")}


def test_a_cp932_file_as_excel_writes_it_imports(session, stations, tmp_path):
    path = tmp_path / "agencies.csv"
    path.write_bytes(AGENCIES.encode("cp932"))
    summary = directory_csv.import_file(session, path, "agencies")
    assert summary.encoding == "Shift_JIS (cp932)" and summary.counts["created"] == 2
    by_name = {a.name: a for a in session.directory.agencies()}
    kachita = by_name["美作市地域包括支援センター（勝田）"]
    assert (kachita.station_id, kachita.contact_person, kachita.kind) == (stations["勝田"], "田中 一郎", "地域包括支援センター")
    assert by_name["美作市福祉事務所"].address == "美作市栄町1,2"


def test_utf8_with_and_without_bom(session, stations, tmp_path):
    for n, data in enumerate((codecs.BOM_UTF8 + AGENCIES.encode(), AGENCIES.encode())):
        path = tmp_path / f"a{n}.csv"
        path.write_bytes(data)
        summary = directory_csv.import_file(session, path, "agencies")
        assert summary.encoding == "UTF-8"
    assert len(session.directory.agencies()) == 2  # the second import matched the entries by name


def test_every_problem_is_reported_by_line_and_nothing_is_written(session, stations, tmp_path):
    text = ("種別,名称,ステーション,電話,状態\n"
            "地域包括支援センター,包括（勝田）,勝田,0868-00-0001,\n"  # fine
            "地域包括支援センター,,勝田,,\n"  # 3: no name
            "福祉事務所,福祉事務所,ない町,,\n"  # 4: unknown station
            "\n"
            "警察,警察署,,でんわ,\n"  # 6: a phone that is not one
            "その他,お助け隊,,,たぶん\n"  # 7: an unknown state
            "その他,包括（勝田）,,,\n"  # 8: the same agency as line 2
            "その他,多すぎる,,,,余り\n")  # 9: too many cells
    path = tmp_path / "bad.csv"
    path.write_bytes(text.encode("cp932"))
    before = pending(session)
    with pytest.raises(DirectoryImportRefused) as err:
        directory_csv.import_file(session, path, "agencies")
    lines = [n for n, _ in err.value.problems]
    assert lines == [3, 4, 6, 7, 8, 9]
    message = err.value.message
    assert "何も取り込んでいません" in message and "3行目: 機関名を入力してください" in message
    assert "4行目: ステーション「ない町」は名簿にありません" in message
    assert "8行目: 2行目と同じ支援関係機関" in message
    assert session.directory.agencies() == [] and pending(session) == before


def test_a_wrong_header_and_an_unreadable_file_are_refused(session, tmp_path):
    path = tmp_path / "x.csv"
    path.write_text("名前,電話番号\n包括,0868\n", encoding="utf-8")
    with pytest.raises(DirectoryImportRefused, match="見出し「名前」は支援関係機関の列ではありません") as err:
        directory_csv.import_file(session, path, "agencies")
    assert "「名称」の列がありません" in err.value.message
    path.write_bytes(b"\xff\xfe" + "名称\n".encode("utf-16-le"))
    with pytest.raises(AppError, match="UTF-16"):
        directory_csv.import_file(session, path, "agencies")
    path.write_bytes("名称\n".encode() + b"\x81\xff\xfe\n")
    with pytest.raises(AppError, match="文字コードを判別できません"):
        directory_csv.import_file(session, path, "agencies")


def test_export_then_import_changes_nothing(session, stations, tmp_path):
    d = session.directory
    d.save("agencies", {"name": "美作市福祉事務所", "kind": "福祉事務所", "phone": "0868-00-0002",
                        "memo": "=SUM(A1)は式ではない", "station_id": stations["大原"]})
    retired = d.save("agencies", {"name": "旧センター"})
    d.retire("agencies", retired.id)
    d.save("staff", {"name": "𠮷田 花子", "login": "yoshida", "role": "参加支援員", "station_id": stations["勝田"]})
    d.save("resources", {"name": "ふれあいサロン", "kind": "サロン", "description": "毎週水曜\n午後"})
    for kind in directory_csv.KINDS:
        path = tmp_path / f"{kind}.csv"
        directory_csv.export_file(session, kind, path)
        before, listed = pending(session), d.list(kind)
        summary = directory_csv.import_file(session, path, kind)
        assert summary.counts["created"] == summary.counts["updated"] == 0, kind
        assert pending(session) == before and d.list(kind) == listed
    assert "'=SUM" in (tmp_path / "agencies.csv").read_text(encoding="utf-8-sig")  # Excel shows it as text
    with pytest.raises(AppError, match="Shift_JIS \\(cp932\\) で書けません"):  # 𠮷 has no cp932 code
        directory_csv.export_file(session, "staff", tmp_path / "staff-sjis.csv", "cp932")
    assert not (tmp_path / "staff-sjis.csv").exists()


def test_an_edited_export_updates_by_id(session, stations, tmp_path):
    agency = session.directory.save("agencies", {"name": "福祉事務所"})
    path = tmp_path / "a.csv"
    directory_csv.export_file(session, "agencies", path, "cp932")
    text = path.read_bytes().decode("cp932").replace("福祉事務所", "美作市福祉事務所")
    path.write_bytes(text.encode("cp932"))
    summary = directory_csv.import_file(session, path, "agencies")
    assert summary.counts["updated"] == 1
    assert [(a.id, a.name) for a in session.directory.agencies()] == [(agency.id, "美作市福祉事務所")]


def test_the_template_loads_a_city_like_mimasaka(session):
    folder = directory_csv.template_folder()
    for kind in ("stations", "agencies", "staff", "resources"):
        directory_csv.import_file(session, folder / f"{kind}.csv", kind)
    assert len(session.directory.stations()) == 6
    agencies = session.directory.agencies()
    kinds = [a.kind for a in agencies]
    assert kinds.count("地域包括支援センター") == 6
    names = {a.name for a in agencies}
    assert {"美作市総合相談支援センター", "美作市福祉事務所", "ハローワーク（公共職業安定所）"} <= names
    assert sum(1 for a in agencies if a.name.startswith("美作市総合相談支援センター ") and a.station_id) == 6


def test_yorisoi_export_and_import_carry_the_new_directory_fields(session, stations, tmp_path):
    from app import profiles
    from app.interchange import export_lines, import_lines
    from tests.conftest import FAST_KDF, PASSPHRASE

    d = session.directory
    agency = d.save("agencies", {"name": "美作市福祉事務所", "area": "市内全域", "station_id": stations["勝田"],
                                 "contact_person": "田中 一郎"})
    d.retire("agencies", agency.id)
    d.retire("stations", stations["大原"])
    fresh = profiles.create(tmp_path / "fresh", PASSPHRASE, owner_name="別の 職員", kdf=FAST_KDF)
    try:
        import_lines(fresh, list(export_lines(session)))
        moved = fresh.directory.get("agencies", agency.id)
        assert (moved.area, moved.station_id, moved.contact_person, moved.active) == (
            "市内全域", stations["勝田"], "田中 一郎", 0)
        assert fresh.directory.get("stations", stations["大原"]).active == 0
    finally:
        fresh.close()
