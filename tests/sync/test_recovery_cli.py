"""The recovery sheet on the command line, against a real store: the founding office device
makes the sheet at enrolment, a new office device recovers from it (typed lines from stdin
too), with Japanese words for a wrong passphrase and no traceback."""

from __future__ import annotations

from sync.server import admin
from tests.ui.cli_helpers import assert_no_traceback, yorisoi

RECOVERY = {"YORISOI_RECOVERY_PASSPHRASE": "a long recovery passphrase"}


def test_found_print_lose_recover_on_the_command_line(central, tmp_path):
    boot = admin.create_org(central.engine, "みその市").code
    office, sheet = str(tmp_path / "office"), tmp_path / "回復シート.pdf"
    assert yorisoi("init", "--profile", office, "--name", "事務局 花子").code == 0
    done = yorisoi("enrol", "--profile", office, "--server", central.url, "--code", boot,
                   "--recovery-sheet", str(sheet), env=RECOVERY)
    assert done.code == 0, done.err
    assert "回復シートを作りました" in done.out and sheet.read_bytes().startswith(b"%PDF")
    assert sheet.stat().st_mode & 0o077 == 0
    status = yorisoi("sync-status", "--profile", office)
    assert "回復シートを作って" not in status.out

    fresh = str(tmp_path / "fresh")
    assert yorisoi("init", "--profile", fresh).code == 0
    code = admin.enrol_code_for(central.engine, "office").code
    assert yorisoi("enrol", "--profile", fresh, "--server", central.url, "--code", code).code == 0
    wrong = yorisoi("recover", "--profile", fresh, "--sheet", str(sheet),
                    env={"YORISOI_RECOVERY_PASSPHRASE": "not the right one"})
    assert wrong.code != 0 and "回復用パスフレーズが違います" in wrong.err
    assert_no_traceback(wrong)
    typed = yorisoi("recover", "--profile", fresh, "--sheet", str(sheet), env=RECOVERY)
    assert typed.code == 0, typed.err
    assert "事務局の端末として承認され" in typed.out
    assert "承認済み" in yorisoi("sync-status", "--profile", fresh).out


def test_bootstrap_enrolment_without_a_sheet_reminds_until_one_is_made(central, tmp_path):
    boot = admin.create_org(central.engine, "みその市").code
    office = str(tmp_path / "office")
    assert yorisoi("init", "--profile", office).code == 0
    done = yorisoi("enrol", "--profile", office, "--server", central.url, "--code", boot)
    assert "yorisoi recovery-sheet --out" in done.out
    assert "回復シートを作って" in yorisoi("sync-status", "--profile", office).out
    short = yorisoi("recovery-sheet", "--profile", office, "--out", str(tmp_path / "s.pdf"),
                    env={"YORISOI_RECOVERY_PASSPHRASE": "short"})
    assert short.code != 0 and "10 文字以上" in short.err
    assert_no_traceback(short)
    made = yorisoi("recovery-sheet", "--profile", office, "--out", str(tmp_path / "s.pdf"), env=RECOVERY)
    assert made.code == 0 and "確認コード" in made.out
    lines = "\n".join(line for line in
                      __import__("subprocess").run(["pdftotext", "-layout", str(tmp_path / "s.pdf"), "-"],
                                                   capture_output=True, text=True).stdout.splitlines()
                      if line.strip()[:2].isdigit() and len(line.split()) >= 3)
    assert "回復シートを作って" not in yorisoi("sync-status", "--profile", office).out
    fresh = str(tmp_path / "fresh")
    assert yorisoi("init", "--profile", fresh).code == 0
    code = admin.enrol_code_for(central.engine, "office").code
    assert yorisoi("enrol", "--profile", fresh, "--server", central.url, "--code", code).code == 0
    typed = yorisoi("recover", "--profile", fresh, stdin=lines + "\n\n", env=RECOVERY)
    assert typed.code == 0, typed.err
