"""Layouts that adapt to a 1366×768 laptop at 100 % and at 150 % (911×512 logical pixels).

* `FlowLayout` — buttons (or any widgets) in rows that wrap when the width runs out, instead of
  one row that pushes the window wider than the screen.
* `AdaptivePanels` — panels in columns side by side when the widget is wide enough, and all of
  them as tabs when it is not. A column shows its panels one above another (``stacked``) or as
  tabs. The switch follows the widget's own width, so it works the same inside a splitter, a
  dialog or a full window.
* `em(widget, n)` — n full-width characters of the widget's font, for widths that follow the
  font and the scale rather than fixed pixels.
* `fit_to_screen(window)` — size a dialog or a secondary window to its wish, but never past the
  screen's free area.

Screens built for the window use these (see ui/desktop/households/view_page.py for the panels,
and tests/ui/laptop.py for the checks a screenshot test runs on any screen).
"""

from __future__ import annotations

from PySide6.QtCore import QPoint, QRect, QSize, Qt, Signal
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QLayout,
    QScrollArea,
    QSizePolicy,
    QSplitter,
    QStyle,
    QTabWidget,
    QVBoxLayout,
    QWidget,
    QWidgetItem,
)

FULL_WIDTH_SAMPLE = "あ"


def em(widget: QWidget, n: float = 1.0) -> int:
    """The width of n full-width characters in the widget's font (logical pixels)."""
    return round(widget.fontMetrics().horizontalAdvance(FULL_WIDTH_SAMPLE) * n)


class FlowLayout(QLayout):
    """Items left to right, wrapping onto a new row when the next one does not fit."""

    def __init__(self, parent: QWidget | None = None, spacing: int = 6) -> None:
        super().__init__(parent)
        self._items: list = []
        self._spacing = spacing
        self.setContentsMargins(0, 0, 0, 0)

    # -- QLayout ----------------------------------------------------------------------------

    def addItem(self, item) -> None:  # noqa: N802 - Qt's name
        self._items.append(item)

    def addWidget(self, widget: QWidget) -> None:  # noqa: N802 - Qt's name
        self.addChildWidget(widget)
        self.addItem(QWidgetItem(widget))
        self.invalidate()

    def count(self) -> int:
        return len(self._items)

    def itemAt(self, index: int):  # noqa: N802 - Qt's name
        return self._items[index] if 0 <= index < len(self._items) else None

    def takeAt(self, index: int):  # noqa: N802 - Qt's name
        return self._items.pop(index) if 0 <= index < len(self._items) else None

    def expandingDirections(self) -> Qt.Orientation:  # noqa: N802 - Qt's name
        return Qt.Orientation(0)

    def hasHeightForWidth(self) -> bool:  # noqa: N802 - Qt's name
        return True

    def heightForWidth(self, width: int) -> int:  # noqa: N802 - Qt's name
        return self._arrange(QRect(0, 0, width, 0), move=False)

    def setGeometry(self, rect: QRect) -> None:  # noqa: N802 - Qt's name
        super().setGeometry(rect)
        self._arrange(rect, move=True)

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt's name
        """All items in one row."""
        visible = [i for i in self._items if not i.isEmpty()]
        width = sum(i.sizeHint().width() for i in visible) + self._spacing * max(0, len(visible) - 1)
        height = max((i.sizeHint().height() for i in visible), default=0)
        margins = self.contentsMargins()
        return QSize(width + margins.left() + margins.right(), height + margins.top() + margins.bottom())

    def minimumSize(self) -> QSize:  # noqa: N802 - Qt's name
        """The widest single item: anything narrower would cut it."""
        size = QSize()
        for item in self._items:
            if not item.isEmpty():
                size = size.expandedTo(item.minimumSize()).expandedTo(QSize(item.sizeHint().width(), 0))
        margins = self.contentsMargins()
        return size + QSize(margins.left() + margins.right(), margins.top() + margins.bottom())

    def _arrange(self, rect: QRect, *, move: bool) -> int:
        margins = self.contentsMargins()
        area = rect.adjusted(margins.left(), margins.top(), -margins.right(), -margins.bottom())
        rows: list[list] = [[]]
        x = area.x()
        for item in self._items:
            if item.isEmpty():
                continue
            width = item.sizeHint().width()
            if rows[-1] and x + width > area.right() + 1:
                rows.append([])
                x = area.x()
            rows[-1].append(item)
            x += width + self._spacing
        y = area.y()
        for row in rows:
            height = max((item.sizeHint().height() for item in row), default=0)
            x = area.x()
            for item in row:
                hint = item.sizeHint()
                if move:  # items of one row share its middle line
                    item.setGeometry(QRect(QPoint(x, y + (height - hint.height()) // 2),
                                           QSize(min(hint.width(), area.width()), hint.height())))
                x += hint.width() + self._spacing
            y += height + self._spacing
        return max(0, y - self._spacing - rect.y()) + margins.bottom()


class AdaptivePanels(QWidget):
    """Panels in columns when there is room (``wide_from`` logical pixels of this widget's
    own width), otherwise every panel as a tab of one tab widget, in the order added.

        panels = AdaptivePanels(wide_from=lambda w: em(w, 60))
        left, right = panels.add_column(stacked=True), panels.add_column()
        panels.add(left, "世帯員", members)
        panels.add(right, "タイムライン", timeline)

    ``mode_changed(str)`` says "wide" or "tabs" after a switch. `show_panel(widget)` brings a
    panel forward whichever way they are shown. A panel keeps its state (selection, scroll,
    focus) across a switch: the same widget moves, nothing is rebuilt.
    """

    mode_changed = Signal(str)

    def __init__(self, wide_from, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._wide_from = wide_from
        self._columns: list[dict] = []
        self._panels: list[tuple[int, str, QWidget]] = []
        self.mode = ""
        self.front_panel: QWidget | None = None  # shown first when the panels become tabs
        self._outer = QVBoxLayout(self)
        self._outer.setContentsMargins(0, 0, 0, 0)
        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.setChildrenCollapsible(False)
        self.tabs = QTabWidget()
        self.tabs.setUsesScrollButtons(False)
        self.tabs.setDocumentMode(True)
        self._outer.addWidget(self.splitter)
        self._outer.addWidget(self.tabs)
        self.tabs.hide()

    def threshold(self) -> int:
        return int(self._wide_from(self) if callable(self._wide_from) else self._wide_from)

    def add_column(self, *, stacked: bool = False, stretch: int = 1, width: int | None = None) -> int:
        """A column for panels: ``stacked`` shows them one above another, otherwise as tabs.
        ``width`` is its starting width in the splitter."""
        holder = QWidget()
        layout = QVBoxLayout(holder)
        layout.setContentsMargins(0, 0, 0, 0)
        tabs = None
        if not stacked:
            tabs = QTabWidget()
            tabs.setUsesScrollButtons(False)
            layout.addWidget(tabs)
        self.splitter.addWidget(holder)
        self.splitter.setStretchFactor(len(self._columns), stretch)
        self._columns.append({"holder": holder, "layout": layout, "tabs": tabs, "stacked": stacked,
                              "width": width})
        return len(self._columns) - 1

    def add(self, column: int, title: str, widget: QWidget, *, stretch: int = 0) -> QWidget:
        widget.setProperty("adaptive_title", title)
        widget.setProperty("adaptive_stretch", stretch)
        self._panels.append((column, title, widget))
        self._place(self.mode or "wide")
        return widget

    def panels(self) -> list[QWidget]:
        return [widget for _, _, widget in self._panels]

    def show_panel(self, widget: QWidget) -> None:
        if self.mode == "tabs":
            self.tabs.setCurrentWidget(widget)
            return
        for column, _, panel in self._panels:
            tabs = self._columns[column]["tabs"]
            if panel is widget and tabs is not None:
                tabs.setCurrentWidget(widget)

    def current_panel(self) -> QWidget | None:
        """The panel in front (in tabs mode), or None when all columns show."""
        return self.tabs.currentWidget() if self.mode == "tabs" else None

    # -- switching --------------------------------------------------------------------------

    def resizeEvent(self, event) -> None:  # noqa: N802 - Qt's name
        super().resizeEvent(event)
        wanted = self.mode_for(event.size())
        if wanted != self.mode:
            self._place(wanted)

    def mode_for(self, size: QSize) -> str:
        """Columns when the width reaches the threshold and every stacked column's panels fit
        one above another in the height; tabs otherwise."""
        if size.width() < self.threshold():
            return "tabs"
        for n, column in enumerate(self._columns):
            if column["stacked"]:
                needed = sum(w.minimumSizeHint().height() for c, _, w in self._panels if c == n)
                if needed > size.height():
                    return "tabs"
        return "wide"

    def minimumSizeHint(self) -> QSize:  # noqa: N802 - Qt's name
        # Tabs are always possible, so the columns side by side never force the window wider:
        # the minimum is the largest single panel under a tab bar.
        size = QSize(0, 0)
        for widget in self.panels():
            size = size.expandedTo(widget.minimumSizeHint())
        return size + QSize(0, self.tabs.tabBar().sizeHint().height())

    def _place(self, mode: str) -> None:
        front = self.tabs.currentWidget() if self.mode == "tabs" else None
        changed = mode != self.mode
        self.mode = mode
        self._empty_containers()
        for column, title, widget in self._panels:
            if mode == "tabs":
                self.tabs.addTab(widget, title)
            elif self._columns[column]["stacked"]:
                self._columns[column]["layout"].addWidget(widget, int(widget.property("adaptive_stretch") or 0))
                widget.show()  # it may come from a tab that was hidden
            else:
                self._columns[column]["tabs"].addTab(widget, title)
        for column in self._columns:
            layout = column["layout"]
            if column["stacked"] and mode == "wide" and not any(layout.stretch(i) for i in range(layout.count())):
                layout.addStretch(1)
        for holder in (self.tabs, *(c["tabs"] for c in self._columns if c["tabs"] is not None)):
            holder.blockSignals(False)
        self.splitter.setVisible(mode == "wide")
        self.tabs.setVisible(mode == "tabs")
        if mode == "wide":
            widths = [c["width"] for c in self._columns]
            if all(widths):
                self.splitter.setSizes(widths)
        if mode == "tabs":
            front = front or self.front_panel
            if front is not None:
                self.tabs.setCurrentWidget(front)
        elif front is not None:
            self.show_panel(front)
        if changed:
            self.mode_changed.emit(mode)

    def _empty_containers(self) -> None:
        """Take every panel out of the tabs and the stacked columns (the panels live on)."""
        for holder in (self.tabs, *(c["tabs"] for c in self._columns if c["tabs"] is not None)):
            holder.blockSignals(True)
            while holder.count():
                holder.removeTab(0)
        for column in self._columns:
            if column["stacked"]:
                layout = column["layout"]
                while layout.count():
                    layout.takeAt(0)  # a spacer item is simply dropped


def available_area(widget: QWidget | None = None) -> QRect:
    """The free area of the screen the widget is on (or the primary screen)."""
    screen = widget.screen() if widget is not None and widget.screen() is not None else QGuiApplication.primaryScreen()
    return screen.availableGeometry() if screen is not None else QRect(0, 0, 1366, 728)


TITLE_BAR = 32  # logical pixels of a window's title bar (Windows 10/11 at any scale)


def fit_to_screen(window: QWidget, wanted: QSize | None = None, *, margin: int = 8) -> QSize:
    """Resize a dialog or a secondary window to ``wanted`` (default: its size hint), but never
    larger than the free area of its screen (the taskbar excluded) less its title bar."""
    area = available_area(window)
    wanted = wanted or window.sizeHint()
    size = QSize(min(wanted.width(), area.width() - 2 * margin),
                 min(wanted.height(), area.height() - TITLE_BAR - margin))
    window.resize(size)
    return size


class VerticalScroll(QScrollArea):
    """Scrolls up and down only; never narrower than its content's narrowest, so nothing is
    cut at the side (the content may gain rows after the area was made)."""

    def minimumSizeHint(self) -> QSize:  # noqa: N802 - Qt's name
        hint = super().minimumSizeHint()
        content = self.widget()
        if content is not None:
            bar = self.style().pixelMetric(QStyle.PixelMetric.PM_ScrollBarExtent)
            hint.setWidth(max(hint.width(), content.minimumSizeHint().width() + bar + 2 * self.frameWidth()))
        return hint


def scrolling(content: QWidget) -> QScrollArea:
    """A content widget in a vertical scroll area that never scrolls sideways: a tall dialog
    stays usable on a short screen."""
    area = VerticalScroll()
    area.setWidgetResizable(True)
    area.setFrameShape(QScrollArea.Shape.NoFrame)
    area.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
    area.setWidget(content)
    content.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Preferred)
    return area
