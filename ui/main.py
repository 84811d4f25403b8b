"""The composition root: `yorisoi` runs a sub-command, or with none opens the desktop window.

Qt is imported only when the window opens, so the command line starts fast and works on a
machine without a display.
"""

from __future__ import annotations

import sys


def main(argv: list[str] | None = None) -> int:
    from ui.cli import run

    return run(sys.argv[1:] if argv is None else argv)


if __name__ == "__main__":
    sys.exit(main())
