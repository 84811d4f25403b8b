"""Running the real `yorisoi` command line in a child process."""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PASS = "cli passphrase 1"


@dataclass
class Result:
    code: int
    out: str
    err: str


def yorisoi(*args: str, passphrase: str | None = PASS, stdin: str | None = None, env: dict | None = None,
            timeout: float = 120) -> Result:
    full_env = {k: v for k, v in os.environ.items() if not k.startswith("YORISOI_")}
    full_env["QT_QPA_PLATFORM"] = "offscreen"
    if passphrase is not None:
        full_env["YORISOI_PASSPHRASE"] = passphrase
    full_env.update(env or {})
    proc = subprocess.run([sys.executable, "-m", "ui.main", *args], cwd=ROOT, env=full_env, input=stdin,
                          capture_output=True, text=True, timeout=timeout)
    return Result(proc.returncode, proc.stdout, proc.stderr)


def assert_no_traceback(result: Result) -> None:
    assert "Traceback" not in result.err and "Traceback" not in result.out, result.err
