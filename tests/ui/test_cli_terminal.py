"""The command line at a real terminal (a pseudo-terminal): Ctrl+D at a passphrase prompt is
an answer that never came, said in Japanese, never 「予期しないエラー」."""

from __future__ import annotations

import os
import sys
import time

import pytest

from tests.ui.cli_helpers import ROOT, yorisoi

pty = pytest.importorskip("pty")


def at_terminal(args: list[str], keys_after_prompt: list[bytes], timeout: float = 60) -> tuple[int, str]:
    """Run yorisoi on a pseudo-terminal; at each prompt ending in 「: 」 send the next keys."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("YORISOI_")}
    pid, fd = pty.fork()
    if pid == 0:  # the child: the pseudo-terminal is its controlling terminal, as in a shell
        os.chdir(ROOT)
        os.execve(sys.executable, [sys.executable, "-m", "ui.main", *args], env)
    output, pending, deadline = b"", list(keys_after_prompt), time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            chunk = os.read(fd, 4096)
        except OSError:  # EIO: the child closed the terminal
            break
        if not chunk:
            break
        output += chunk
        if pending and output.decode("utf-8", "replace").rstrip(" ").endswith(":"):
            os.write(fd, pending.pop(0))
    _, status = os.waitpid(pid, 0)
    os.close(fd)
    return os.waitstatus_to_exitcode(status), output.decode("utf-8", "replace")


@pytest.mark.parametrize("keys", [[b"\x04"], [b"cli passphrase 1\n", b"\x04"]], ids=["current", "new"])
def test_ctrl_d_at_a_passphrase_prompt_is_explained(tmp_path, keys):
    folder = tmp_path / "p"
    assert yorisoi("init", "--profile", str(folder)).code == 0
    before = (folder / "profile.json").read_bytes()
    code, output = at_terminal(["passwd", "--profile", str(folder)], keys)
    assert code == 2, output
    assert "パスフレーズが入力されませんでした" in output and "何も変更していません" in output
    assert "予期しない" not in output and "Traceback" not in output
    assert (folder / "profile.json").read_bytes() == before
