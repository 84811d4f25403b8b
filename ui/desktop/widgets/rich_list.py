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


class RichTextDelegate(QStyledItemDelegate):
    def __init__(self, view: QListWidget) -> None:
        super().__init__(view)
        self.view = view

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
        doc = self._document(option, index, self._width(index))
        return QSize(self.view.viewport().width(), int(doc.size().height()) + PADDING)


class RichList(QListWidget):
    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.setItemDelegate(RichTextDelegate(self))
        self.setWordWrap(True)
        self.setUniformItemSizes(False)
        self.setResizeMode(QListView.ResizeMode.Adjust)
        self.setVerticalScrollMode(QListView.ScrollMode.ScrollPerPixel)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        # A scroll bar that comes and goes would change the width after heights were measured.
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOn)

    def resizeEvent(self, event) -> None:  # noqa: N802 - Qt's name
        super().resizeEvent(event)
        self.doItemsLayout()  # heights depend on the width
