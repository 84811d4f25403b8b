"""Search hits as the user types — households, their records, forms and the shared directory —
with the match marked, and how many more there are when the list is cut."""

from __future__ import annotations

import html

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QListWidgetItem

from app import display
from app.services.search import SearchResult
from ui.desktop.i18n import tr
from ui.desktop.widgets.rich_list import HTML_ROLE, INDENT_ROLE, RichList

RESULT_ROLE = Qt.ItemDataRole.UserRole + 2


def _marked(result: SearchResult) -> str:
    out, last = [], 0
    for start, end in result.spans:
        out.append(html.escape(result.snippet[last:start]))
        out.append(f"<b style='background:#fff3b0'>{html.escape(result.snippet[start:end])}</b>")
        last = end
    out.append(html.escape(result.snippet[last:]))
    when = display.wareki(result.at, short=True)
    head = f"<span style='color:#555'>{html.escape(result.kind_label)}</span>　<b>{html.escape(result.heading)}</b>"
    if when:
        head += f"　<span style='color:#555'>{when}</span>"
    return f"{head}<br>{''.join(out)}"


class SearchResultsList(RichList):
    """Items carry the index of their result rather than the object, and every role that is
    read is set on every item: PySide6 6.12 drops a reference to None each time an unset role
    is read, which ends in a crash (found by bench.ui; see tests/ui/test_qt_refcount.py)."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.setAccessibleName(tr("検索結果"))
        self.results: list[SearchResult] = []

    def show_results(self, results: list[SearchResult], total: int | None = None) -> None:
        self.clear()
        self.results = list(results)
        if not results:
            self._add_note(tr("見つかりませんでした。"))
            return
        for n, result in enumerate(results):
            plain = f"{result.kind_label} {result.heading} {result.snippet}"
            item = QListWidgetItem(plain)
            item.setData(RESULT_ROLE, n)
            item.setData(INDENT_ROLE, 0)
            item.setData(HTML_ROLE, _marked(result))
            item.setData(Qt.ItemDataRole.AccessibleTextRole, plain)
            self.addItem(item)
        if total is not None:
            self.show_more(len(results), total)
        self.setCurrentRow(0)

    def show_more(self, shown: int, total: int) -> None:
        """How many more matched than are listed (counted after the hits were shown)."""
        if total > shown:
            self._add_note(tr("ほかに {n} 件あります。語を足して絞り込んでください。").format(n=total - shown))

    def _add_note(self, text: str) -> None:
        item = QListWidgetItem(text)
        item.setData(HTML_ROLE, f"<span style='color:#555'>{html.escape(text)}</span>")
        item.setData(RESULT_ROLE, -1)
        item.setData(INDENT_ROLE, 0)
        item.setData(Qt.ItemDataRole.AccessibleTextRole, text)
        item.setFlags(Qt.ItemFlag.NoItemFlags)
        self.addItem(item)

    def result_at(self, row: int) -> SearchResult | None:
        item = self.item(row)
        index = item.data(RESULT_ROLE) if item is not None else None
        return self.results[index] if isinstance(index, int) and index >= 0 else None

    def current_result(self) -> SearchResult | None:
        return self.result_at(self.currentRow())
