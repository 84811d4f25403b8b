"""`yorisoi due` through the real command line on the demo: overdue first, in Japanese."""

from __future__ import annotations

from tests.ui.cli_helpers import assert_no_traceback, yorisoi


def test_due_lists_overdue_first(tmp_path):
    profile = str(tmp_path / "demo")
    assert yorisoi("demo", "--profile", profile, "--households", "60").code == 0
    office = yorisoi("due", "--office", "--profile", profile)
    assert_no_traceback(office)
    lines = office.out.splitlines()
    assert lines[0].split("\t")[:4] == ["期限", "状態", "緊急性", "種類"]
    states = [line.split("\t")[1] for line in lines[1:-1]]
    assert "期限切れ" in states and states == sorted(states, key=lambda s: s != "期限切れ")
    assert lines[-1].endswith("件）") and "期限切れ" in lines[-1]
    urgent = yorisoi("due", "--office", "--urgent", "--profile", profile).out.splitlines()
    assert all(line.split("\t")[2] == "高" for line in urgent[1:-1])
    refused = yorisoi("due", "--days", "-1", "--profile", profile)
    assert refused.code == 2 and "--days は 0 以上" in refused.err
