"""`yorisoi [--profile DIR]` with no sub-command: the desktop window."""

from __future__ import annotations

import os
import sys


def open_window(args) -> int:
    if sys.platform.startswith("linux") and not (
        os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY") or os.environ.get("QT_QPA_PLATFORM")
    ):
        print("yorisoi: 画面（ディスプレイ）がないため、ウィンドウを開けません。"
              "コマンドは `yorisoi --help` で確認できます。", file=sys.stderr)
        return 1
    try:
        from ui.desktop.app import run_desktop
    except ImportError as exc:  # PySide6 missing or no usable platform plugin
        print(f"yorisoi: 画面を開けません（{exc.name or 'PySide6'} がありません）。", file=sys.stderr)
        return 1
    return run_desktop(args.profile)
