"""Extracting the window's strings into a ``.ts`` file and compiling it into a ``.qm``, with the
pyside6-lupdate / pyside6-lrelease that PySide6-Essentials installs beside Python.

``N_`` is declared to lupdate as QT_TR_NOOP, so table entries land in the same context as
``tr`` (see ui/desktop/i18n.py).
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

SOURCES = Path(__file__).resolve().parents[1]  # ui/desktop
ALIASES = "QT_TR_NOOP+=N_"


class ToolMissing(Exception):
    pass


def tool(name: str) -> str:
    beside = Path(sys.executable).parent / name
    found = str(beside) if beside.exists() else shutil.which(name)
    if not found:
        raise ToolMissing(f"{name} が見つかりません（PySide6-Essentials に含まれています）。")
    return found


def sources(root: Path = SOURCES) -> list[str]:
    return sorted(str(p) for p in root.rglob("*.py"))


def extract(ts: Path, root: Path = SOURCES) -> None:
    """Create or update ``ts``: new strings are added, translations already made are kept."""
    subprocess.run([tool("pyside6-lupdate"), *sources(root), "-tr-function-alias", ALIASES, "-locations",
                    "relative", "-ts", str(ts)], check=True, capture_output=True)


def release(ts: Path, qm: Path) -> None:
    subprocess.run([tool("pyside6-lrelease"), str(ts), "-qm", str(qm)], check=True, capture_output=True)
