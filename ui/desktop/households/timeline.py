"""One timeline of everything that happened to a household, newest first; a correction is
shown beneath what it corrects, indented, and the original stays readable."""

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


def when(at) -> str:
    return display.moment(at)


def _kind(entry: TimelineItem) -> str:
    return tr(KIND_LABELS.get(entry.kind, entry.kind))


def _html(entry: TimelineItem) -> str:
    colour = KIND_COLOURS.get(entry.kind, "#333")
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
        self.setAlternatingRowColors(True)
        self.itemActivated.connect(self._activated)

    def show_items(self, items: list[TimelineItem]) -> None:
        self.clear()
        self._entries = []
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
        if entry.kind in AMENDABLE:
            item.setToolTip(tr("Enter またはダブルクリックで訂正を書けます（元の記録は残ります）。"))
        self.addItem(item)

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
