"""A profile with one damaged page is reported as damaged by every command, in Japanese, with
the right exit code, and the file is left exactly as it was."""

from __future__ import annotations

import hashlib
import shutil

import pytest

from app import profiles
from app.errors import describe
from storage.integrity import is_damage
from tests.ui.cli_helpers import PASS, assert_no_traceback, yorisoi

DAMAGE_MESSAGE = "壊れているか書き換えられた部分があります"


@pytest.fixture(scope="module")
def healthy(tmp_path_factory):
    folder = tmp_path_factory.mktemp("damage") / "demo"
    assert yorisoi("demo", "--profile", str(folder), "--households", "40", "--seed", "3").code == 0
    session = profiles.unlock(folder, PASS)
    conn = session.store.connection()
    roots = dict(conn.execute("SELECT name, rootpage FROM sqlite_master WHERE type = 'table'").fetchall())
    page_size = session.profile.keyfile.cipher.page_size
    session.close()
    return folder, roots, page_size


def damaged_copy(healthy, tmp_path, table: str):
    """A copy whose `table` has 7 bytes of its root page overwritten (what `dd conv=notrunc` does)."""
    folder, roots, page_size = healthy
    copy = tmp_path / f"damaged-{table}"
    shutil.copytree(folder, copy)
    with open(copy / "yorisoi.db", "r+b") as handle:
        handle.seek((roots[table] - 1) * page_size + 300)
        handle.write(b"\x00garbage"[:7])
    return copy


def digest(folder) -> str:
    return hashlib.sha256((folder / "yorisoi.db").read_bytes()).hexdigest()


def assert_refused_as_damaged(result) -> None:
    assert result.code == 2, result.err
    assert DAMAGE_MESSAGE in result.err and "予期しない" not in result.err
    assert_no_traceback(result)


def test_export_of_a_table_with_a_damaged_page_says_damaged_and_writes_nothing(healthy, tmp_path):
    copy = damaged_copy(healthy, tmp_path, "contact")
    before = digest(copy)
    out = tmp_path / "out.jsonl"
    result = yorisoi("export", "--profile", str(copy), "--out", str(out), "--yes")
    assert_refused_as_damaged(result)
    assert not out.exists() and digest(copy) == before


def test_damage_where_a_command_does_not_read_is_still_reported(healthy, tmp_path):
    # search and export never read the drafts table: without checking every page first they
    # would answer from the healthy pages and exit 0.
    copy = damaged_copy(healthy, tmp_path, "draft")
    before = digest(copy)
    search = yorisoi("search", "--profile", str(copy), "電話")
    assert_refused_as_damaged(search)
    assert search.out == ""
    export = yorisoi("export", "--profile", str(copy), "--out", str(tmp_path / "o.jsonl"), "--yes")
    assert_refused_as_damaged(export)
    assert digest(copy) == before


def test_check_summarises_damage_in_a_few_japanese_lines(healthy, tmp_path):
    copy = damaged_copy(healthy, tmp_path, "contact")
    before = digest(copy)
    result = yorisoi("check", "--profile", str(copy))
    assert result.code == 1
    assert_no_traceback(result)
    lines = (result.out + result.err).strip().splitlines()
    assert len(lines) <= 8, lines
    text = result.out + result.err
    assert "1 ページが壊れているか書き換えられています" in text
    assert "壊れている場所: 接触記録" in text
    assert "問題が" in text and "事務局" in text
    for english in ("btreeInitPage", "HMAC verification", "readonly", "malformed", "Tree "):
        assert english not in text
    # A bad page must not make the checks after it fail: the audit chain is on healthy pages.
    assert "OK  監査ログのハッシュチェーン" in result.out
    assert digest(copy) == before


def test_a_damaged_read_in_the_window_is_worded_as_damage(healthy, tmp_path):
    copy = damaged_copy(healthy, tmp_path, "contact")
    session = profiles.unlock(copy, PASS)
    try:
        with pytest.raises(Exception) as caught:
            session.store.connection().execute("SELECT * FROM contact").fetchall()
    finally:
        session.close()
    assert is_damage(caught.value)
    assert DAMAGE_MESSAGE in describe(caught.value)
