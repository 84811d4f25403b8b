"""A list whose items are small pieces of rich text that wrap to the list's width.

Used for the timeline and for search results: long Japanese notes wrap instead of being cut
off, and the height of every item follows the width of the list when it is resized.
"""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QAbstractTextDocumentLayout, QPalette, QTextDocument
from PySide6.QtWidgets import QListView, QListWidget, QStyle, QStyledItemDelegate

# Every item must set both roles: reading an unset role costs a reference to None in PySide6
# 6.12, which eventually crashes the process (tests/ui/test_qt_refcount.py).
HTML_ROLE = Qt.ItemDataRole.UserRole + 3
INDENT_ROLE = Qt.ItemDataRole.UserRole + 7
PADDING = 6


HEIGHTS_KEPT = 4000  # measured item heights kept; the cache is emptied past this


class RichTextDelegate(QStyledItemDelegate):
    """Draws an item's rich text. Measuring means laying the text out, and Qt asks an item's
    size several times per layout: heights are kept per (text, width, font), so showing a
    hundred search hits lays each out once."""

    def __init__(self, view: QListWidget) -> None:
        super().__init__(view)
        self.view = view
        self._heights: dict[tuple[str, int, str], int] = {}

    def _document(self, option, index, width: int) -> QTextDocument:
        doc = QTextDocument()
        doc.setDefaultFont(option.font)
        doc.setDocumentMargin(0)
        doc.setHtml(index.data(HTML_ROLE) or "")
        doc.setTextWidth(max(80, width))
        return doc

    def _width(self, index) -> int:
        indent = int(index.data(INDENT_ROLE) or 0)
        return self.view.viewport().width() - 2 * PADDING - indent - 4

    def paint(self, painter, option, index) -> None:
        self.initStyleOption(option, index)
        option.text = ""
        style = option.widget.style() if option.widget else self.view.style()
        style.drawControl(QStyle.ControlElement.CE_ItemViewItem, option, painter, option.widget)
        indent = int(index.data(INDENT_ROLE) or 0)
        doc = self._document(option, index, self._width(index))
        painter.save()
        painter.translate(option.rect.left() + PADDING + indent, option.rect.top() + PADDING // 2)
        if indent:
            painter.setPen(option.palette.color(QPalette.ColorRole.Mid))
            painter.drawLine(-indent // 2, 0, -indent // 2, option.rect.height() - PADDING)
        ctx = QAbstractTextDocumentLayout.PaintContext()
        if option.state & QStyle.StateFlag.State_Selected:
            ctx.palette.setColor(QPalette.ColorRole.Text, option.palette.color(QPalette.ColorRole.HighlightedText))
        doc.documentLayout().draw(painter, ctx)
        painter.restore()

    def sizeHint(self, option, index) -> QSize:  # noqa: N802 - Qt's name
        width = self._width(index)
        key = (index.data(HTML_ROLE) or "", width, option.font.key())
        height = self._heights.get(key)
        if height is None:
            if len(self._heights) > HEIGHTS_KEPT:
                self._heights.clear()
            height = self._heights[key] = int(self._document(option, index, width).size().height()) + PADDING
        return QSize(self.view.viewport().width(), height)


class RichList(QListWidget):
    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.setItemDelegate(RichTextDelegate(self))
        self.setWordWrap(True)
        self.setUniformItemSizes(False)
        self.setResizeMode(QListView.ResizeMode.Adjust)
        # Lay items out a screenful at a time: the first hits show before the hundredth is measured.
        self.setLayoutMode(QListView.LayoutMode.Batched)
        self.setBatchSize(25)
        self.setVerticalScrollMode(QListView.ScrollMode.ScrollPerPixel)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        # A scroll bar that comes and goes would change the width after heights were measured.
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOn)

    def resizeEvent(self, event) -> None:  # noqa: N802 - Qt's name
        super().resizeEvent(event)
        self.doItemsLayout()  # heights depend on the width
