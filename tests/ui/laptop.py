"""A municipal laptop offscreen: a 1366×768 screen at 100 % or at 150 % scaling, for screenshot
tests of any screen, and the checks that say what a screen shows cut.

The screen is Qt's offscreen platform configured as the real one: 1366 physical pixels wide, 144
dpi at 150 % (911 logical pixels). The offscreen platform has no taskbar, so its screen is the
part of the 768 pixels a taskbar leaves free (40 logical pixels, as on Windows 10/11): 1366×728
at 100 %, 911×472 at 150 %. Dialogs that size themselves from the screen's free area see what
they would see on the laptop. A maximised window there also loses its title bar:
`client_size()`.

Use it from a script run in a child process (the screen is chosen before Qt starts):

    # tests/ui/screenshots_mine.py
    from tests.ui import laptop
    def main(out, scale):
        app = laptop.start(scale)
        session = laptop.demo_session()
        dialog = MyDialog(session)
        laptop.show_fitted(dialog)            # as the window would open it
        laptop.shoot(dialog, out, "my-dialog", scale)   # PNG + what is cut, into the report
        laptop.finish(out, scale)
    if __name__ == "__main__": laptop.child_main(main)

    # tests/ui/test_screenshots_mine.py
    @pytest.mark.parametrize("scale", laptop.SCALES)
    def test_mine(scale):
        report = laptop.run_child("tests.ui.screenshots_mine", scale)
        assert report["my-dialog"]["cut"] == []

PNGs go to test-output/screenshots/NAME@SCALEx.png: look at them.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
OUT = ROOT / "test-output" / "screenshots"
SCALES = ("1", "1.5")
SCREEN = (1366, 768)  # physical pixels
TASKBAR, TITLE_BAR = 40, 32
PAD = 6  # a table cell's text margins  # logical pixels a maximised window loses (Windows 10/11)

_report: dict[str, dict] = {}


# -- the parent (pytest) side ----------------------------------------------------------------------

def screen_config(scale: str) -> Path:
    """The offscreen platform's screen description for this scale."""
    path = Path(tempfile.gettempdir()) / f"yorisoi-laptop-{scale}.json"
    factor = float(scale)
    free_height = SCREEN[1] - round(TASKBAR * factor)
    path.write_text(json.dumps({"screens": [{"name": "laptop", "x": 0, "y": 0, "width": SCREEN[0],
                                             "height": free_height, "logicalDpi": 96 * factor,
                                             "logicalBaseDpi": 96, "dpr": 1}]}), encoding="utf-8")
    return path


def run_child(module: str, scale: str, *args: str, out: Path = OUT, timeout: int = 300) -> dict:
    """Run ``python -m module OUT SCALE *args`` on the laptop's screen; returns its report
    (name → {"cut": [...], "size": [w, h], ...})."""
    out.mkdir(parents=True, exist_ok=True)
    env = {**os.environ, "PYTHONPATH": str(ROOT),
           "QT_QPA_PLATFORM": f"offscreen:configfile={screen_config(scale)}"}
    env.pop("QT_SCALE_FACTOR", None)
    result = subprocess.run([sys.executable, "-m", module, str(out), scale, *args], cwd=ROOT, env=env,
                            capture_output=True, text=True, timeout=timeout)
    assert result.returncode == 0, result.stderr[-3000:]
    report = out / f"{module.rsplit('.', 1)[-1]}@{scale}x.json"
    return json.loads(report.read_text(encoding="utf-8"))


# -- the child side ---------------------------------------------------------------------------------

def child_main(main) -> None:
    main(Path(sys.argv[1]), sys.argv[2], *sys.argv[3:])


def start(scale: str):
    """The application on the configured screen, with the window's fonts."""
    from ui.desktop import fonts
    from ui.desktop.app import make_application

    app = make_application()
    fonts.apply(app)
    screen = app.primaryScreen()
    assert abs(screen.devicePixelRatio() - float(scale)) < 0.01, (screen.devicePixelRatio(), scale)
    return app


def client_size():
    """A maximised window's size on this screen (logical pixels)."""
    from PySide6.QtCore import QSize
    from PySide6.QtGui import QGuiApplication

    area = QGuiApplication.primaryScreen().availableGeometry()
    return QSize(area.width(), area.height() - TITLE_BAR)


def demo_session(households: int = 120, seed: int = 4):
    from app import profiles
    from app.demo import fill
    from tests.conftest import FAST_KDF, PASSPHRASE

    folder = Path(tempfile.mkdtemp()) / "profile"
    session = profiles.create(folder, PASSPHRASE, owner_name="デモ 利用者", kdf=FAST_KDF)
    fill(session, households=households, seed=seed)
    return session


def settle(rounds: int = 8) -> None:
    from PySide6.QtWidgets import QApplication

    from ui.desktop import runner

    for _ in range(rounds):
        runner.wait_idle()
        QApplication.processEvents()


def show_fitted(window) -> None:
    """Show a dialog or secondary window at the size it asks for, as far as the screen allows
    (what `fit_to_screen` does in the window), laid out."""
    from ui.desktop.widgets.adaptive import fit_to_screen

    window.show()
    settle()
    fit_to_screen(window, window.size().expandedTo(window.sizeHint()))
    settle()


def shoot(widget, out: Path, name: str, scale: str, **extra) -> list[str]:
    """Save the widget as NAME@SCALEx.png and note in the report what it shows cut."""
    settle()
    widget.grab().save(str(out / f"{name}@{scale}x.png"))
    cut = cut_texts(widget)
    _report[name] = {"cut": cut, "size": [widget.width(), widget.height()],
                     "minimum": [widget.minimumSizeHint().width(), widget.minimumSizeHint().height()], **extra}
    return cut


def finish(out: Path, scale: str, module: str | None = None) -> None:
    name = (module or sys.modules["__main__"].__spec__.name).rsplit(".", 1)[-1]
    (out / f"{name}@{scale}x.json").write_text(json.dumps(_report, ensure_ascii=False, indent=1), encoding="utf-8")


# -- what is cut ----------------------------------------------------------------------------------

def _path(widget) -> str:
    name = widget.accessibleName() or widget.objectName() or type(widget).__name__
    return f"{type(widget).__name__}[{name}]"


def _in_scroll_area(widget, root) -> bool:
    from PySide6.QtWidgets import QAbstractScrollArea

    parent = widget.parentWidget()
    while parent is not None and parent is not root:
        if isinstance(parent.parentWidget(), QAbstractScrollArea) and parent is parent.parentWidget().viewport():
            return True
        parent = parent.parentWidget()
    return False


def _really_visible(widget, root) -> bool:
    return widget.isVisibleTo(root) and widget.width() > 0 and widget.height() > 0


def cut_texts(root) -> list[str]:
    """Texts a person cannot read whole on this screen: labels, buttons, group titles, combo
    boxes, tabs and table cells narrower than their text, and widgets pushed outside the
    window. A table names the columns that elide by design (their tooltip is whole) in its
    ``elided_columns`` property."""
    from PySide6.QtCore import QPoint, QRect
    from PySide6.QtWidgets import (
        QAbstractScrollArea,
        QCheckBox,
        QComboBox,
        QGroupBox,
        QLabel,
        QPushButton,
        QRadioButton,
        QStyle,
        QStyleOptionComboBox,
        QTabBar,
        QTableView,
        QWidget,
    )

    problems: list[str] = []
    if root.width() < root.minimumSizeHint().width() - 1:
        problems.append(f"{_path(root)}: {root.width()} px wide, needs {root.minimumSizeHint().width()}")
    for widget in [root, *root.findChildren(QWidget)]:
        if not _really_visible(widget, root) and widget is not root:
            continue
        if widget is not root and not _in_scroll_area(widget, root):
            place = QRect(widget.mapTo(root, QPoint(0, 0)), widget.size())
            if not root.rect().adjusted(-1, -1, 1, 1).contains(place):
                problems.append(f"{_path(widget)}: outside the window ({place.getRect()})")
                continue
        fm = widget.fontMetrics()
        if isinstance(widget, QLabel) and widget.text() and widget.pixmap().isNull():
            rect = widget.contentsRect()
            if widget.wordWrap():
                if widget.heightForWidth(rect.width()) > rect.height() + 2:
                    problems.append(f"{_path(widget)}: 「{widget.text()[:40]}」 needs "
                                    f"{widget.heightForWidth(rect.width())} px of height, has {rect.height()}")
            elif widget.sizeHint().width() > widget.width() + 1:
                problems.append(f"{_path(widget)}: 「{widget.text()[:40]}」 needs {widget.sizeHint().width()} px, "
                                f"has {widget.width()}")
        elif isinstance(widget, QPushButton) and widget.text():
            style = widget.style()
            margin = style.pixelMetric(QStyle.PixelMetric.PM_ButtonMargin, None, widget)
            frame = style.pixelMetric(QStyle.PixelMetric.PM_DefaultFrameWidth, None, widget)
            menu = style.pixelMetric(QStyle.PixelMetric.PM_MenuButtonIndicator, None, widget) if widget.menu() else 0
            needed = fm.horizontalAdvance(widget.text().replace("&", "")) + 2 * margin + 2 * frame + menu
            if needed > widget.width():
                problems.append(f"{_path(widget)}: 「{widget.text()}」 needs {needed} px, has {widget.width()}")
        elif (isinstance(widget, QCheckBox | QRadioButton) and widget.text()
              and widget.sizeHint().width() > widget.width() + 1):
            problems.append(f"{_path(widget)}: 「{widget.text()}」 needs {widget.sizeHint().width()} px, "
                            f"has {widget.width()}")
        if isinstance(widget, QGroupBox) and widget.title() and fm.horizontalAdvance(widget.title()) + 16 > widget.width():
            problems.append(f"{_path(widget)}: title 「{widget.title()}」 cut")
        if isinstance(widget, QComboBox) and widget.currentText():
            option = QStyleOptionComboBox()
            option.initFrom(widget)
            field = widget.style().subControlRect(QStyle.ComplexControl.CC_ComboBox, option,
                                                  QStyle.SubControl.SC_ComboBoxEditField, widget).width()
            if fm.horizontalAdvance(widget.currentText()) > field + 1:
                problems.append(f"{_path(widget)}: 「{widget.currentText()}」 cut to {field} px")
        if isinstance(widget, QTabBar):
            for i in range(widget.count()):
                if not widget.isTabVisible(i):
                    continue
                rect = widget.tabRect(i)
                if not widget.rect().contains(rect) or rect.width() < widget.tabSizeHint(i).width() - 1:
                    problems.append(f"{_path(widget)}: tab 「{widget.tabText(i)}」 cut or hidden")
        if isinstance(widget, QTableView) and widget.model() is not None:
            problems.extend(_cut_cells(widget))
        elif isinstance(widget, QAbstractScrollArea) and widget.horizontalScrollBar().maximum() > 0:
            problems.append(f"{_path(widget)}: scrolls sideways")
    return problems


def wrapped_names(rich_list, names: list[str]) -> list[str]:
    """Names that a wrapping list (members, search hits) would have to break over two lines
    at its present width (names are drawn bold)."""
    from PySide6.QtGui import QFontMetrics

    from ui.desktop.widgets.rich_list import PADDING

    bold = rich_list.font()
    bold.setBold(True)
    room = rich_list.viewport().width() - 2 * PADDING - 4
    return [name for name in names if QFontMetrics(bold).horizontalAdvance(name) > room]


def _cut_cells(table) -> list[str]:
    from PySide6.QtCore import Qt

    model = table.model()
    elided = set(table.property("elided_columns") or [])
    header = table.horizontalHeader()
    fm = table.fontMetrics()
    problems = []
    bold = table.font()
    bold.setBold(True)
    from PySide6.QtGui import QFontMetrics

    bold_fm = QFontMetrics(bold)
    rows = min(model.rowCount(), 60)
    for col in range(model.columnCount()):
        if table.isColumnHidden(col):
            continue
        width = table.columnWidth(col)
        head = str(model.headerData(col, Qt.Orientation.Horizontal) or "")
        if head and header.isVisible() and fm.horizontalAdvance(head) + PAD > width and col not in elided:
            problems.append(f"{_path(table)}: column head 「{head}」 cut ({width} px)")
        if col in elided:
            continue
        for row in range(rows):
            index = model.index(row, col)
            text = str(index.data() or "")
            if not text:
                continue
            font = index.data(Qt.ItemDataRole.FontRole)
            metrics = bold_fm if font is not None and font.bold() else fm
            needed = max(metrics.horizontalAdvance(line) for line in text.split("\n")) + PAD
            if needed > width:
                problems.append(f"{_path(table)}: 「{text[:30]}」 in column 「{head}」 needs {needed} px, has {width}")
    if table.horizontalScrollBar().maximum() > 0:
        problems.append(f"{_path(table)}: scrolls sideways")
    return problems
