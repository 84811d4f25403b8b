"""`yorisoi [--profile DIR]` with no sub-command: the desktop window."""

from __future__ import annotations

import logging
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
    code = run_desktop(args.profile)
    # Everything is saved and closed. PySide6 can crash while Python tears down the Qt objects
    # at exit (a known shutdown-order problem), so leave without that teardown.
    logging.shutdown()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)


def check_install(args) -> int:
    """Open the window on a profile, wait for the list, print a PDF, close (ui/desktop/selfcheck.py)."""
    from pathlib import Path

    from ui.cli import passphrase
    from ui.cli.session import folder_of

    secret = passphrase.read()
    try:
        from ui.desktop import selfcheck
    except ImportError as exc:
        print(f"yorisoi: 画面を開けません（{exc.name or 'PySide6'} がありません）。", file=sys.stderr)
        return 1
    return selfcheck.run(folder_of(args), secret, Path(args.pdf))
