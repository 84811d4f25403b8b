"""`yorisoi directory …` through the real command line: a new city loads its directory from the
template and from Excel's cp932, a bad file is refused by line with nothing written."""

from __future__ import annotations

from tests.ui.cli_helpers import assert_no_traceback, yorisoi


def test_a_new_city_loads_and_edits_its_directory(tmp_path):
    profile = str(tmp_path / "p")
    assert yorisoi("init", "--profile", profile, "--name", "事務局 太郎").code == 0
    assert yorisoi("directory", "template", str(tmp_path / "t")).code == 0
    for kind in ("stations", "agencies"):
        done = yorisoi("directory", "import", str(tmp_path / "t" / f"{kind}.csv"), "--kind", kind, "--profile", profile)
        assert done.code == 0, done.err
    bad = tmp_path / "staff.csv"
    bad.write_bytes("ログイン名,氏名,ステーション,役割\nyamada,山田 花子,勝田,参加支援員\nsato,,どこか,係長\n".encode("cp932"))
    refused = yorisoi("directory", "import", str(bad), "--kind", "staff", "--profile", profile)
    assert_no_traceback(refused)
    assert refused.code == 2
    assert "3行目: ステーション「どこか」は名簿にありません" in refused.err
    assert "3行目: 役割「係長」は選べません" in refused.err
    listed = yorisoi("directory", "list", "--kind", "staff", "--profile", profile)
    assert "山田" not in listed.out  # all or nothing
    bad.write_bytes("ログイン名,氏名,ステーション,役割\nyamada,山田 花子,勝田,参加支援員\n".encode("cp932"))
    done = yorisoi("directory", "import", str(bad), "--kind", "staff", "--profile", profile)
    assert done.code == 0 and "Shift_JIS" in done.out
    edited = yorisoi("directory", "edit", "--kind", "agencies", "美作市福祉事務所", "--contact-person", "田中",
                     "--phone", "0868-00-0000", "--profile", profile)
    assert edited.code == 0, edited.err
    retired = yorisoi("directory", "retire", "--kind", "staff", "yamada", "--profile", profile)
    assert retired.code == 0 and "「山田 花子」を廃止しました" in retired.out, retired.err
    assert "山田" not in yorisoi("directory", "list", "--kind", "staff", "--profile", profile).out
    everyone = yorisoi("directory", "list", "--kind", "staff", "--all", "--profile", profile).out
    assert "山田 花子" in everyone and "廃止" in everyone
    restored = yorisoi("directory", "restore", "--kind", "staff", "yamada", "--profile", profile)
    assert restored.code == 0 and "「山田 花子」をふたたび使えるようにしました" in restored.out
    assert "山田 花子" in yorisoi("directory", "list", "--kind", "staff", "--profile", profile).out
    out = tmp_path / "agencies.csv"
    assert yorisoi("directory", "export", "--kind", "agencies", str(out), "--profile", profile).code == 0
    again = yorisoi("directory", "import", str(out), "--kind", "agencies", "--profile", profile)
    assert "何も変わりませんでした" in again.out
    wrong = yorisoi("directory", "add", "--kind", "stations", "--name", "X", "--phone", "1", "--profile", profile)
    assert wrong.code == 2 and "--phone はステーションには指定できません" in wrong.err
