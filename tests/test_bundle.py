"""The one-folder program packaging/build.sh makes (PyInstaller): built here, then run with a
bare environment (no virtualenv, no PYTHONPATH) on a demo profile it makes itself, offscreen, to
an interactive household list and a printed PDF whose fonts are embedded. Slow (a few minutes):
./run-tests.sh -m slow."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from tests.forms.pdf_tools import needs_poppler

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.slow
@needs_poppler
def test_the_bundle_builds_and_runs_without_the_projects_python(tmp_path):
    built = subprocess.run(["bash", str(ROOT / "packaging" / "build.sh")], cwd=ROOT, capture_output=True, text=True,
                           timeout=1500)
    assert built.returncode == 0, built.stderr[-3000:]
    program = ROOT / "dist" / "yorisoi" / "yorisoi"
    assert program.exists() and list((ROOT / "dist").glob("yorisoi-*.tar.gz"))
    bundled = ROOT / "dist" / "yorisoi" / "_internal"
    assert (bundled / "fonts" / "ipamjm.ttf").exists() and (bundled / "forms" / "definitions").is_dir()
    assert list(bundled.glob("libpython3*"))  # its own Python
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "YORISOI_PASSPHRASE": "bundle-check",
           "QT_QPA_PLATFORM": "offscreen", "LANG": "C.UTF-8"}
    made = subprocess.run([str(program), "demo", "--profile", str(tmp_path / "p"), "--households", "25"],
                          cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300)
    assert made.returncode == 0, made.stderr
    pdf = tmp_path / "history.pdf"
    checked = subprocess.run([str(program), "check-install", "--profile", str(tmp_path / "p"), "--pdf", str(pdf)],
                             cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300)
    assert checked.returncode == 0, checked.stderr
    assert "一覧: 25 世帯" in checked.stdout and "字体のない文字: なし" in checked.stdout
    assert "Traceback" not in checked.stderr
    fonts = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, check=True).stdout.splitlines()[2:]
    assert fonts and all(line.split()[-5] == "yes" for line in fonts)  # every font embedded
    assert any("IPAexGothic" in line for line in fonts)
    shutil.rmtree(tmp_path / "p")
