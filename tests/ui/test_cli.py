"""The command line as scripts and people use it: exit codes and messages, never tracebacks."""

from __future__ import annotations

import json
import re

import pytest

from tests.ui.cli_helpers import PASS, assert_no_traceback, yorisoi


@pytest.fixture(scope="module")
def demo_profile(tmp_path_factory):
    folder = tmp_path_factory.mktemp("cli") / "demo"
    result = yorisoi("demo", "--profile", str(folder), "--households", "60", "--seed", "2")
    assert result.code == 0, result.err
    assert "デモプロファイルを作りました" in result.out
    return folder


def test_init_creates_a_profile_and_refuses_to_overwrite_it(tmp_path):
    folder = tmp_path / "p"
    first = yorisoi("init", "--profile", str(folder), "--name", "佐藤 花子")
    assert first.code == 0 and (folder / "profile.json").exists()
    again = yorisoi("init", "--profile", str(folder))
    assert again.code == 2 and "上書きはしません" in again.err
    assert_no_traceback(again)


def test_init_sets_the_city_printed_on_the_forms(tmp_path):
    folder = tmp_path / "p"
    assert yorisoi("init", "--profile", str(folder), "--city", "みその市").code == 0
    assert yorisoi("setting", "--profile", str(folder), "city_name").out.strip() == "みその市"
    plain = yorisoi("init", "--profile", str(tmp_path / "q"))
    assert plain.code == 0 and "city_name" in plain.out  # says how to set it later


def test_init_refuses_a_short_passphrase(tmp_path):
    result = yorisoi("init", "--profile", str(tmp_path / "p"), passphrase="short")
    assert result.code == 2 and "8文字以上" in result.err
    assert not (tmp_path / "p" / "profile.json").exists()


def test_wrong_passphrase_exits_2_with_a_clear_message(demo_profile):
    result = yorisoi("check", "--profile", str(demo_profile), passphrase="wrong passphrase")
    assert result.code == 2
    assert "パスフレーズが違います" in result.err
    assert_no_traceback(result)
    assert "hmac" not in result.err.lower()
    yorisoi("check", "--profile", str(demo_profile))  # a success resets the back-off


def test_no_passphrase_and_no_terminal_is_explained(demo_profile):
    result = yorisoi("check", "--profile", str(demo_profile), passphrase=None, stdin="")
    assert result.code == 2 and "YORISOI_PASSPHRASE" in result.err


def test_check_passes_on_a_healthy_profile(demo_profile):
    result = yorisoi("check", "--profile", str(demo_profile))
    assert result.code == 0, result.err
    assert "監査ログ" in result.out and "NG" not in result.err


def test_search_finds_short_and_long_terms(demo_profile):
    for term in ("電話", "手紙"):
        result = yorisoi("search", "--profile", str(demo_profile), term, "--limit", "5")
        assert result.code == 0 and term in result.out


def test_search_cut_at_its_limit_says_how_many_more_there_are(demo_profile):
    result = yorisoi("search", "--profile", str(demo_profile), "電話", "--limit", "5")
    assert result.code == 0 and len(result.out.strip().splitlines()) == 5
    found = re.search(r"(\d+) 件のうち新しい 5 件を表示しました。ほかに (\d+) 件あります", result.err)
    assert found and int(found.group(1)) == int(found.group(2)) + 5 and int(found.group(2)) > 0
    everything = yorisoi("search", "--profile", str(demo_profile), "電話", "--limit", found.group(1))
    assert len(everything.out.strip().splitlines()) == int(found.group(1)) and "ほかに" not in everything.err


def test_search_finds_the_shared_directory_too(demo_profile):
    result = yorisoi("search", "--profile", str(demo_profile), "福祉事務所")
    assert result.code == 0 and "関係機関\tみその市福祉事務所" in result.out


def test_demo_refuses_a_folder_with_real_data(tmp_path):
    folder = tmp_path / "real"
    assert yorisoi("init", "--profile", str(folder)).code == 0
    result = yorisoi("demo", "--profile", str(folder))
    assert result.code == 2 and "実データ" in result.err


def test_import_reports_the_bad_line_and_imports_nothing(tmp_path):
    folder = tmp_path / "p"
    yorisoi("init", "--profile", str(folder))
    good = {"type": "household", "id": "H1", "name": "山田家", "address": "本町1", "station": "中央"}
    bad = {"type": "contact", "id": "C1", "household_id": "H1", "at": "yesterday", "kind": "home_visit",
           "outcome": "met", "summary": "x"}
    path = tmp_path / "in.jsonl"
    path.write_text(json.dumps(good, ensure_ascii=False) + "\n" + json.dumps(bad) + "\n", encoding="utf-8")
    result = yorisoi("import", "--profile", str(folder), str(path))
    assert result.code == 2 and "2行目" in result.err and "何も取り込んでいません" in result.err
    assert "見つかりませんでした" in yorisoi("search", "--profile", str(folder), "山田家").out
    path.write_text(json.dumps(good, ensure_ascii=False) + "\n", encoding="utf-8")
    refused = yorisoi("import", "--profile", str(folder), str(path))
    assert refused.code == 2 and "ステーション「中央」はまだありません" in refused.err and "--new-stations" in refused.err
    done = yorisoi("import", "--profile", str(folder), str(path), "--new-stations")
    assert done.code == 0 and "新しく作ったステーション: 中央" in done.out and "元の番号" in done.out
    assert "山田家" in yorisoi("search", "--profile", str(folder), "山田家").out
    again = yorisoi("import", "--profile", str(folder), str(path))
    assert again.code == 0 and "すでに取り込まれています。何も変わりませんでした" in again.out
    assert "山田家" in yorisoi("search", "--profile", str(folder), "H1").out  # found by its 元の番号


def test_import_of_a_missing_file_is_a_message(tmp_path):
    folder = tmp_path / "p"
    yorisoi("init", "--profile", str(folder))
    result = yorisoi("import", "--profile", str(folder), str(tmp_path / "nope.jsonl"))
    assert result.code == 2 and "読めません" in result.err
    assert_no_traceback(result)


def test_export_needs_confirmation_and_round_trips_through_import(demo_profile, tmp_path):
    out = tmp_path / "export.jsonl"
    refused = yorisoi("export", "--profile", str(demo_profile), "--out", str(out), stdin="")
    assert refused.code == 2 and "--yes" in refused.err and not out.exists()
    done = yorisoi("export", "--profile", str(demo_profile), "--out", str(out), "--yes")
    assert done.code == 0 and "平文" in done.err
    assert (out.stat().st_mode & 0o077) == 0
    fresh = tmp_path / "fresh"
    yorisoi("init", "--profile", str(fresh))
    assert yorisoi("import", "--profile", str(fresh), str(out)).code == 0
    again = tmp_path / "again.jsonl"
    yorisoi("export", "--profile", str(fresh), "--out", str(again), "--yes")
    first = out.read_text(encoding="utf-8").splitlines()
    second = again.read_text(encoding="utf-8").splitlines()
    assert len(second) == len(first) + 1  # the fresh profile's own owner record
    assert set(first) <= set(second)


def test_passwd_changes_the_passphrase(tmp_path):
    folder = tmp_path / "p"
    yorisoi("init", "--profile", str(folder))
    result = yorisoi("passwd", "--profile", str(folder), env={"YORISOI_NEW_PASSPHRASE": "a brand new one"})
    assert result.code == 0, result.err
    assert yorisoi("check", "--profile", str(folder), passphrase=PASS).code == 2
    assert yorisoi("check", "--profile", str(folder), passphrase="a brand new one").code == 0


def test_unknown_options_are_explained_in_japanese():
    result = yorisoi("search", "--no-such-flag")
    assert result.code == 2 and "指定が正しくありません" in result.err


def test_a_profile_folder_that_is_not_one_is_refused_and_not_created(tmp_path):
    typo = tmp_path / "profiel"
    for args in (["search", "--profile", str(typo), "山田"], ["sync-status", "--profile", str(typo)],
                 ["--profile", str(typo)]):
        result = yorisoi(*args)
        assert result.code == 2 and "プロファイルのフォルダではありません" in result.err, args
        assert not typo.exists()
    assert yorisoi("init", "--profile", str(typo)).code == 0 and typo.exists()


def test_help_and_argparse_errors_are_in_japanese(tmp_path):
    shown = yorisoi("--help")
    assert shown.code == 0 and "使い方: yorisoi" in shown.out and "この説明を表示して終わる" in shown.out
    assert "usage" not in shown.out and "show this help" not in shown.out and "options:" not in shown.out
    missing = yorisoi("import")
    assert missing.code == 2 and "次の指定が必要です: FILE.jsonl" in missing.err and "required" not in missing.err
    wrong = yorisoi("export-pdf", "--household", "x", "--form", "9-9")
    assert wrong.code == 2 and "'9-9' は選べません" in wrong.err
    unknown = yorisoi("search", "山田", "--colour")
    assert unknown.code == 2 and "知らない引数があります: --colour" in unknown.err
