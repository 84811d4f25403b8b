"""One timeline of everything that happened to a household, newest first; a correction is
shown beneath what it corrects, indented, and the original stays readable.

A long note (3,000 characters of a case conference, 20,000 pasted from a former system) shows
its first lines and 「全文」; a click on it, or Space, shows the whole text (and folds it again).
Text is cut by code points, never inside a surrogate pair (𠮷)."""

from __future__ import annotations

import html

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QListWidgetItem

from app import display
from app.services.timeline import TimelineItem
from ui.desktop.i18n import N_, tr
from ui.desktop.widgets.rich_list import HTML_ROLE, INDENT_ROLE, RichList

ITEM_ROLE = Qt.ItemDataRole.UserRole + 5
KIND_LABELS = {"contact": N_("接触"), "note": N_("記録"), "event": N_("経過"), "consent": N_("同意"), "form": N_("様式"),
               "decision": N_("会議")}
KIND_COLOURS = {"contact": "#1a5fb4", "note": "#333333", "event": "#6b3fa0", "consent": "#1e7b34",
                "form": "#8a5a00", "decision": "#b3261e"}
AMENDABLE = ("contact", "note")
CORRECTION_INDENT = 28
SHORT_LINES = 3  # a body longer than this (in lines or characters) is folded
SHORT_CHARS = 120


def when(at) -> str:
    return display.moment(at)


def _kind(entry: TimelineItem) -> str:
    return tr(KIND_LABELS.get(entry.kind, entry.kind))


def is_long(body: str) -> bool:
    return len(body) > SHORT_CHARS or body.count("\n") >= SHORT_LINES


def folded(body: str) -> str:
    """The first lines of a long body (whole code points: Python strings are not UTF-16)."""
    head = "\n".join(body.split("\n")[:SHORT_LINES])
    return head[:SHORT_CHARS].rstrip()


def _html(entry: TimelineItem, expanded: bool = False) -> str:
    colour = KIND_COLOURS.get(entry.kind, "#333")
    if is_long(entry.body) and not expanded:
        more = tr("全文（{n}文字）").format(n=len(entry.body))
        body = (html.escape(folded(entry.body)).replace("\n", "<br>")
                + f"…　<span style='color:#1a5fb4'><u>［{html.escape(more)}］</u></span>")
    elif is_long(entry.body):
        body = html.escape(entry.body).replace("\n", "<br>") + \
            f"　<span style='color:#1a5fb4'><u>［{html.escape(tr('たたむ'))}］</u></span>"
    else:
        body = html.escape(entry.body).replace("\n", "<br>")
    mark = f"<span style='color:#8a5a00'><b>{html.escape(tr('訂正'))}</b></span>　" if entry.correction else ""
    title = f"<b>{html.escape(entry.title)}</b>" if entry.title else ""
    head = (f"<span style='color:#555'>{when(entry.at)}</span>　"
            f"<span style='color:{colour}'><b>{html.escape(_kind(entry))}</b></span>　{mark}{title}")
    return head + (f"<br>{body}" if body else "")


def _plain(entry: TimelineItem) -> str:
    parts = (when(entry.at), _kind(entry), tr("訂正") if entry.correction else "", entry.title, entry.body)
    return " ".join(p for p in parts if p)


class TimelineView(RichList):
    amend_requested = Signal(object)  # TimelineItem

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.setAccessibleName(tr("タイムライン"))
        self._entries: list[TimelineItem] = []  # items hold indexes (see SearchResultsList)
        self._expanded: set[int] = set()
        self.setAlternatingRowColors(True)
        self.itemActivated.connect(self._activated)
        self.itemClicked.connect(lambda item: self.toggle_full(item))

    def show_items(self, items: list[TimelineItem]) -> None:
        self.clear()
        self._entries = []
        self._expanded = set()
        for entry in items:
            self._add(entry, correction=False)
            for correction in entry.corrections:
                self._add(correction, correction=True)

    def _add(self, entry: TimelineItem, *, correction: bool) -> None:
        plain = _plain(entry)
        item = QListWidgetItem(plain)
        item.setData(ITEM_ROLE, len(self._entries))
        self._entries.append(entry)
        item.setData(HTML_ROLE, _html(entry))
        item.setData(INDENT_ROLE, CORRECTION_INDENT if correction else 0)  # under what it corrects
        item.setData(Qt.ItemDataRole.AccessibleTextRole, plain)
        tips = []
        if is_long(entry.body):
            tips.append(tr("クリックまたは Space で全文を表示します。"))
        if entry.kind in AMENDABLE:
            tips.append(tr("Enter またはダブルクリックで訂正を書けます（元の記録は残ります）。"))
        item.setToolTip("\n".join(tips))
        self.addItem(item)

    def toggle_full(self, item) -> None:
        """Show the whole of a long body, or fold it again."""
        index = item.data(ITEM_ROLE) if item is not None else None
        if not isinstance(index, int) or not is_long(self._entries[index].body):
            return
        self._expanded ^= {index}
        item.setData(HTML_ROLE, _html(self._entries[index], index in self._expanded))
        self.doItemsLayout()

    def is_expanded(self, row: int) -> bool:
        item = self.item(row)
        return item is not None and item.data(ITEM_ROLE) in self._expanded

    def keyPressEvent(self, event) -> None:  # noqa: N802 - Qt's name
        if event.key() == Qt.Key.Key_Space and self.currentItem() is not None:
            self.toggle_full(self.currentItem())
            return
        super().keyPressEvent(event)

    def entries(self) -> list[TimelineItem]:
        return list(self._entries)

    def _entry(self, item) -> TimelineItem | None:
        index = item.data(ITEM_ROLE) if item is not None else None
        return self._entries[index] if isinstance(index, int) else None

    def current_entry(self) -> TimelineItem | None:
        return self._entry(self.currentItem())

    def clear(self) -> None:
        super().clear()
        self._entries = []

    def _activated(self, item) -> None:
        entry = self._entry(item)
        if entry is not None and entry.kind in AMENDABLE:
            self.amend_requested.emit(entry)
