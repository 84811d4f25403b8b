"""The `yorisoi` command line: a stable interface for scripts and data migration.

Exit codes: 0 done; 1 a check found problems or an operation failed; 2 refused input
(wrong passphrase, malformed file, a rule the programme forbids); 130 interrupted.
Messages go to stderr in Japanese; there is never a traceback.
"""

from __future__ import annotations

import sys

from ui.cli import logsetup
from ui.cli.parser import build_parser

EXIT_OK, EXIT_FAILED, EXIT_REFUSED, EXIT_INTERRUPTED = 0, 1, 2, 130


# Commands that make the profile they name; every other --profile must name one already.
MAKE_PROFILE = ("init", "demo")


def run(argv: list[str]) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    folder = getattr(args, "profile", None)
    if folder and args.command not in MAKE_PROFILE and not _is_profile(folder):
        # A typo must not create a folder (the log would) nor open an empty start dialog.
        print(f"yorisoi: 「{folder}」はプロファイルのフォルダではありません。フォルダ名を確かめてください"
              f"（新しく作るには: yorisoi init --profile {folder}）。", file=sys.stderr)
        return EXIT_REFUSED
    if getattr(args, "handler", None) is None:
        from ui.cli.commands_window import open_window

        return open_window(args)
    logsetup.configure(getattr(args, "profile", None))
    try:
        return int(args.handler(args) or EXIT_OK)
    except KeyboardInterrupt:
        print("中断しました。", file=sys.stderr)
        return EXIT_INTERRUPTED
    except EOFError:  # Ctrl+D at a question: the answer never came, so nothing was done
        print("\nyorisoi: 入力が終わったため中止しました。何も変更していません。", file=sys.stderr)
        return EXIT_REFUSED
    except Exception as exc:  # the last line of defence: words, never a traceback
        from ui.cli.report import fail

        return fail(exc)


def _is_profile(folder: str) -> bool:
    from pathlib import Path

    from app import profiles

    return profiles.exists(Path(folder))
