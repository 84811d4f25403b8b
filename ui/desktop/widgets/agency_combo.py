"""Choosing an agency anywhere, with 「新しい機関を追加…」 in place: a new city's first plan
(様式2-1 needs a 主担当機関 and an agency for each 役割分担) is never stuck for want of one.

Choosing the last item (from the list: Alt+↓ or F4, then Enter) opens the directory's agency dialog; the agency saved there is selected,
and every other agency choice open at that moment offers it too (``added`` is shared). Cancelling
goes back to what was chosen before. A retired agency is offered only where it is the value.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import QComboBox

from app.services.directory import is_active
from app.session import Session
from ui.desktop.i18n import tr

NEW = "\x00new-agency"


class _Added(QObject):
    added = Signal(str, str)  # id, name


ADDED = _Added()


class AgencyCombo(QComboBox):
    """``currentData()`` is the agency's id (None: nothing chosen)."""

    chosen = Signal()  # the user changed the choice, a newly added agency included

    def __init__(self, session: Session, none_text: str | None = None, current: str | None = None,
                 parent=None) -> None:
        super().__init__(parent)
        self.session = session
        self.dialog = None
        self._previous = 0
        self.addItem(none_text if none_text is not None else tr("（未選択）"), None)
        agencies = session.directory.agencies()
        self._retired = {a.id: a.name for a in agencies if not is_active(a)}
        for agency in agencies:
            if is_active(agency):
                self.addItem(agency.name, agency.id)
        self.addItem(tr("新しい機関を追加…"), NEW)
        self.set_value(current)
        self.activated.connect(self._activated)
        ADDED.added.connect(self._offer)

    def set_value(self, agency_id: str | None) -> None:
        index = self.findData(agency_id) if agency_id else 0
        if index < 0:  # retired, or an id this profile does not know (yet): kept, not dropped
            text = (tr("{name}（廃止）").format(name=self._retired[agency_id]) if agency_id in self._retired
                    else tr("{value}（名簿にない機関）").format(value=agency_id))
            self.insertItem(self.count() - 1, text, agency_id)
            index = self.count() - 2
        self.setCurrentIndex(index)
        self._previous = index

    def keyPressEvent(self, event) -> None:  # noqa: N802 - Qt's name
        # Arrowing through a closed list must not open the dialog on reaching the last item; the
        # popup (Alt+↓, F4 or Space) offers it, and Enter there chooses it.
        last = self.count() - 1
        if event.key() in (Qt.Key.Key_Down, Qt.Key.Key_End, Qt.Key.Key_PageDown) and \
                (self.currentIndex() >= last - 1 or event.key() != Qt.Key.Key_Down):
            self.setCurrentIndex(last - 1)
            if self.currentIndex() != self._previous:
                self._activated(self.currentIndex())
            event.accept()
            return
        super().keyPressEvent(event)

    def _offer(self, agency_id: str, name: str) -> None:
        if self.findData(agency_id) < 0:
            self.insertItem(self.count() - 1, name, agency_id)

    def _activated(self, index: int) -> None:
        if self.itemData(index) != NEW:
            self._previous = index
            self.chosen.emit()
            return
        self.setCurrentIndex(self._previous)
        self.add_new()

    def add_new(self) -> None:
        """Open the agency dialog; the agency saved there becomes the choice."""
        from ui.desktop.directory.entry_dialog import DirectoryEntryDialog

        dialog = DirectoryEntryDialog(self.session, "agencies", parent=self.window())
        dialog.setWindowModality(Qt.WindowModality.WindowModal)
        self.dialog = dialog

        def finished(code: int) -> None:
            self.dialog = None
            agency = dialog.result_value
            if code == DirectoryEntryDialog.DialogCode.Accepted and agency is not None:
                ADDED.added.emit(agency.id, agency.name)
                self.set_value(agency.id)
                self.chosen.emit()
            dialog.deleteLater()
            self.setFocus()

        dialog.finished.connect(finished)
        dialog.open()
