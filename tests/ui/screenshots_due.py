"""Render the 期限 view (the office's, on demo households) on a 1366×768 laptop, for
test_directory_screenshots (run in a child process, one per scale).

    python -m tests.ui.screenshots_due OUT_DIR SCALE
"""

from __future__ import annotations

from pathlib import Path

from tests.ui import laptop


def main(out: Path, scale: str) -> None:
    from ui.desktop.due_dialog import DueDialog

    laptop.start(scale)
    session = laptop.demo_session()
    dialog = DueDialog(session, office=True)
    laptop.show_fitted(dialog)
    laptop.settle()
    laptop.shoot(dialog, out, "due-office", scale, rows=dialog.model.rowCount(),
                 urgent=sum(1 for i in dialog.items if i.urgent), overdue=sum(1 for i in dialog.items if i.overdue))
    dialog.urgency.setCurrentIndex(1)
    laptop.settle()
    laptop.shoot(dialog, out, "due-urgent", scale, rows=dialog.model.rowCount())
    laptop.finish(out, scale)


if __name__ == "__main__":
    laptop.child_main(main)
