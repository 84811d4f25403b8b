"""設定 → 市町村名: the city printed on every page of every form (様式)."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel, QLineEdit

from app import form_settings
from app.session import Session
from ui.desktop.dialogs.base import EntryDialog
from ui.desktop.i18n import tr


class CityDialog(EntryDialog):
    def __init__(self, session: Session, parent=None) -> None:
        super().__init__(tr("市町村名"), parent)
        self.session = session
        note = QLabel(tr("様式（PDF）の各ページに印刷されます。例: みその市"))
        note.setWordWrap(True)
        self.form.addRow(note)
        self.city = QLineEdit(form_settings.get(session, "city_name"))
        self.add_row(tr("市町村名"), self.city, "city_name")
        self.resize(420, 150)

    def submit(self) -> str:
        form_settings.put(self.session, "city_name", self.city.text())
        return self.city.text().strip()
