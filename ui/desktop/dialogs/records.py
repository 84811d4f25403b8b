"""Adding a note, and correcting a note or a contact (the original always stays)."""

from __future__ import annotations

from PySide6.QtWidgets import QComboBox, QLabel, QLineEdit, QPlainTextEdit

from app.services.timeline import TimelineItem
from app.session import Session
from app.vocab import Outcome
from ui.desktop.dialogs.base import EntryDialog
from ui.desktop.i18n import label, tr


class NoteDialog(EntryDialog):
    def __init__(self, session: Session, household_id: str, household_name: str, parent=None) -> None:
        super().__init__(tr("記録を追加 — {name}").format(name=household_name), parent)
        self.session = session
        self.household_id = household_id
        self.text = QPlainTextEdit()
        self.text.setTabChangesFocus(True)
        self.text.setMinimumHeight(160)
        self.add_row(tr("記録"), self.text, "text")
        draft = session.drafts.load(self._key)
        if draft:
            self.text.setPlainText(draft.payload.get("text", ""))
            self.message.show_message(tr("保存していない入力（下書き）を戻しました。"))
        self.text.textChanged.connect(self.save_draft)
        self.resize(560, 320)

    @property
    def _key(self) -> str:
        return f"note:{self.household_id}"

    def keep_unsaved_input(self) -> None:
        self.save_draft()

    def save_draft(self) -> None:
        if self.text.toPlainText().strip():
            self.session.drafts.save(self._key, "note", {"text": self.text.toPlainText()}, self.household_id)

    def submit(self):
        note = self.session.contacts.add_note(self.household_id, self.text.toPlainText())
        self.session.drafts.discard(self._key)
        return note


class AmendDialog(EntryDialog):
    """A correction is a new record that names the one it corrects."""

    def __init__(self, session: Session, entry: TimelineItem, parent=None) -> None:
        super().__init__(tr("記録の訂正"), parent, save_text=tr("訂正を保存（Ctrl+Enter）"))
        self.session = session
        self.entry = entry
        original = QLabel("\n".join(x for x in (entry.title, entry.body) if x))
        original.setWordWrap(True)
        original.setStyleSheet("background:#f4f4f4; padding:6px;")
        original.setAccessibleName(tr("元の記録"))
        self.add_row(tr("元の記録（残ります）"), original)
        if entry.entity == "contact":
            contact = session.contacts.contact(entry.entity_id)
            self.outcome = QComboBox()
            for outcome in Outcome:
                self.outcome.addItem(label(outcome), outcome.value)
            self.outcome.setCurrentIndex(self.outcome.findData(contact.outcome))
            self.add_row(tr("結果"), self.outcome, "outcome")
            self.summary = QLineEdit(contact.summary or "")
            self.add_row(tr("要約"), self.summary, "summary")
            self.body = QPlainTextEdit(contact.body or "")
            self.body.setTabChangesFocus(True)
            self.add_row(tr("詳しい記録"), self.body, "body")
        else:
            note = session.contacts.note(entry.entity_id)
            self.body = QPlainTextEdit(note.text)
            self.body.setTabChangesFocus(True)
            self.add_row(tr("訂正後の記録"), self.body, "text")
        self.resize(600, 420)

    def submit(self):
        if self.entry.entity == "contact":
            return self.session.contacts.amend_contact(
                self.entry.entity_id, outcome=self.outcome.currentData(), summary=self.summary.text(),
                body=self.body.toPlainText())
        return self.session.contacts.amend_note(self.entry.entity_id, self.body.toPlainText())
