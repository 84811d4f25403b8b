"""The README's two commands install what a fresh Debian/Ubuntu lacks, python3-venv included
(without it `python3 -m venv .venv` fails there). Run with stand-ins for dpkg, apt-get and
python3 on PATH, so nothing is installed and no .venv is made."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
FAKES = {
    "dpkg": "exit 1",  # every package is missing
    "apt-get": 'echo "apt-get $*" >> "$FAKE_LOG"',
    "id": 'echo 0',  # root: no sudo
    "python3": 'echo "python3 $*" >> "$FAKE_LOG"; exit 3',  # stop before a venv is made
}


def run_with_stand_ins(script: str, tmp_path):
    """The script run with the stand-ins on PATH: its result and the calls they noted."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    for name, body in FAKES.items():
        (bin_dir / name).write_text(f"#!/bin/sh\n{body}\n")
        (bin_dir / name).chmod(0o755)
    log = tmp_path / "log"
    env = {"PATH": f"{bin_dir}:/usr/bin:/bin", "FAKE_LOG": str(log), "HOME": str(tmp_path)}
    result = subprocess.run(["bash", str(ROOT / script)], env=env, capture_output=True, text=True, timeout=60)
    return result, log.read_text().splitlines()


@pytest.mark.parametrize("script", ["run-tests.sh", "run-demo.sh"])
def test_the_readme_scripts_install_python3_venv(script, tmp_path):
    result, calls = run_with_stand_ins(script, tmp_path)
    assert result.returncode == 3, result.stderr  # stopped at our python3, after the system packages
    install = next(c for c in calls if c.startswith("apt-get install"))
    assert "python3-venv" in install.split()
    assert calls[-1] == "python3 -m venv .venv"
    assert not os.path.exists(tmp_path / ".venv")


@pytest.mark.parametrize("script", ["run-tests.sh", "run-demo.sh"])
def test_both_scripts_install_the_same_desktop_packages_fonts_included(script, tmp_path):
    _, calls = run_with_stand_ins(script, tmp_path)
    install = set(next(c for c in calls if c.startswith("apt-get install")).split())
    listed = subprocess.run(["bash", "-c", f'. "{ROOT}/packaging/system-packages.sh"; echo "${{DESKTOP_PACKAGES[@]}}"'],
                            capture_output=True, text=True, check=True).stdout.split()
    assert {"fonts-ipaexfont-gothic", "fonts-ipamj-mincho", "fonts-symbola", "python3-venv"} <= set(listed)
    assert set(listed) <= install


def test_the_demo_installs_what_the_sync_walkthrough_needs():
    assert "'.[server]'" in (ROOT / "run-demo.sh").read_text()
