"""The one generic form screen: builds any 様式 definition into an entry screen.

    FormScreen(session, household_id, form_id="2-1")          start a new, pre-filled draft
    FormScreen(session, household_id, record_id="…")          continue or review a form

Sections are boxes (with the sheet they print on); each field has its label (＊ required,
【国】 a nationally reported item, framed in bold as on paper), its help, and a red message
when a check fails. Conditional fields appear when the field they depend on has a value.
A new form is written as a draft only at its first change (opening one and closing it leaves
nothing). What is typed is saved as an encrypted draft a second after each pause
(``session.drafts``), restored if the window closed or crashed before saving, and never
rewritten: saving keeps unreadable values as typed beside their message. A draft can be
discarded (after a confirmation: a tombstone, synced like any deletion). A form a meeting
approved opens read-only.

Signals: ``saved(record_id)`` after a save (and when a new form is first written),
``discarded(record_id)`` when a draft was thrown away, ``closed()`` when the user closes it,
``pdf_written(path)`` when a PDF made in the background is on disk.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QFileDialog,
    QFrame,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from app.errors import AppError, describe
from app.form_sources import STATUS_LABELS, record_label
from app.printing import export_pdf
from app.services.form_filling import OpenForm
from app.session import Session
from forms.validation import Problem
from ui.desktop import runner
from ui.desktop.forms.editors import FieldEditor, Names, make_editor
from ui.desktop.forms.table_editor import TableEditor
from ui.desktop.i18n import tr

AUTOSAVE_MS = 1000
DRAFT_KIND = "form"


class FieldRow(QFrame):
    """Label, editor, help and message of one field."""

    def __init__(self, field, editor: FieldEditor, parent=None) -> None:
        super().__init__(parent)
        self.field, self.editor = field, editor
        layout = QGridLayout(self)
        layout.setContentsMargins(4, 2, 4, 2)
        marks = ("＊" if field.required else "") + (tr("【国】") if field.national else "")
        self.label = QLabel(f"{field.label}{marks}" if field.type != "check" else marks)
        self.label.setWordWrap(True)
        self.label.setMinimumWidth(150)
        self.label.setMaximumWidth(190)
        if field.help:
            self.label.setToolTip(field.help)
            editor.setToolTip(field.help)
        # A table needs the whole width (a narrow screen has no room for a label beside it).
        top, col, span = (1, 0, 2) if field.is_table else (0, 1, 1)
        if field.is_table:
            self.label.setMaximumWidth(16_777_215)
            layout.addWidget(self.label, 0, 0, 1, 2)
        else:
            layout.addWidget(self.label, 0, 0, Qt.AlignmentFlag.AlignTop)
        layout.addWidget(editor, top, col, 1, span)
        self.help = QLabel(field.help)
        self.help.setWordWrap(True)
        self.help.setStyleSheet("color: #666; font-size: 11px;")
        self.help.setVisible(bool(field.help) and field.type in ("longtext", "table", "multichoice", "date", "check"))
        layout.addWidget(self.help, top + 1, col, 1, span)
        self.message = QLabel("")
        self.message.setWordWrap(True)
        self.message.setStyleSheet("color: #b00020;")
        self.message.setAccessibleName(tr("{label}のメッセージ").format(label=field.label))
        self.message.hide()
        layout.addWidget(self.message, top + 2, col, 1, span)
        layout.setColumnStretch(1, 1)
        if field.national:  # the paper's bold frame around nationally reported items
            self.setFrameShape(QFrame.Shape.Box)
            self.setLineWidth(2)

    def show_problems(self, problems: list[Problem]) -> None:
        self.message.setText("\n".join(p.message for p in problems))
        self.message.setVisible(bool(problems))


class FormScreen(QWidget):
    saved = Signal(str)
    discarded = Signal(str)
    closed = Signal()
    pdf_written = Signal(str)

    def __init__(self, session: Session, household_id: str, form_id: str | None = None, *,
                 record_id: str | None = None, variant: str | None = None, parent=None) -> None:
        super().__init__(parent)
        self.session, self.household_id = session, household_id
        filling = session.form_filling
        self.opened: OpenForm = filling.open(record_id) if record_id else filling.prepare(household_id, form_id or "", variant)
        self.definition = self.opened.definition
        self.draft_key = f"form:{self.opened.record.id}"
        self.rows: dict[str, FieldRow] = {}
        self.sections: list[tuple[Any, QGroupBox]] = []
        self._loading = True
        self._build()
        self._fill(self._restore_draft() or self.opened.answers)
        self._loading = False
        self._autosave = QTimer(self)
        self._autosave.setSingleShot(True)
        self._autosave.timeout.connect(self.save_local_draft)
        self._refresh_visibility()

    # -- building -------------------------------------------------------------------------------

    def _names(self) -> dict[str, Names]:
        s = self.session
        records = {r.id: record_label(r) for r in s.forms.for_household(self.household_id)}
        return {"person": {p.id: p.name for p in s.households.persons(self.household_id)},
                "agency": s.directory.names("agency"), "staff": s.directory.names("staff"), "record": records}

    def _build(self) -> None:
        d, record = self.definition, self.opened.record
        outer = QVBoxLayout(self)
        title = QLabel(f"{d.form_no}　{d.display_title}")
        title.setStyleSheet("font-size: 18px; font-weight: bold;")
        outer.addWidget(title)
        self.status = QLabel(tr("状態: {status}　第{version}版").format(status=STATUS_LABELS.get(record.status, record.status), version=d.version))
        outer.addWidget(self.status)
        self.banner = QLabel("")
        self.banner.setWordWrap(True)
        self.banner.setStyleSheet("background: #fff6d5; padding: 6px;")
        self.banner.hide()
        outer.addWidget(self.banner)
        body = QWidget()
        column = QVBoxLayout(body)
        names = self._names()
        for section in d.sections:
            group = QGroupBox(f"■ {section.title}" + (tr("（その{n}）").format(n=section.sheet) if len(d.sheets) > 1 else ""))
            layout = QVBoxLayout(group)
            if section.note:
                note = QLabel(section.note)
                note.setWordWrap(True)
                note.setFrameShape(QFrame.Shape.Box)
                layout.addWidget(note)
            for field in section.fields:
                editor = (TableEditor(field, names, session=self.session) if field.is_table
                          else make_editor(field, names, session=self.session))
                editor.changed.connect(self._changed)
                row = FieldRow(field, editor)
                self.rows[field.id] = row
                layout.addWidget(row)
            column.addWidget(group)
            self.sections.append((section, group))
        column.addStretch(1)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(body)
        outer.addWidget(scroll, 1)
        outer.addLayout(self._buttons())
        if not self.opened.editable:
            self._say(tr("この様式は「{status}」のため、閲覧のみです（記入したときの第{version}版の様式で表示しています）。")
                      .format(status=STATUS_LABELS.get(record.status, record.status), version=d.version))
            for row in self.rows.values():
                row.editor.set_read_only(True)
        elif self.opened.migrated_from:
            self._say(tr("この様式は第{old}版で記入されたものです。第{new}版に移しました。保存すると新しい版で保存されます"
                         "（なくなった項目の記入内容は「旧様式の項目」として残ります）。")
                      .format(old=self.opened.migrated_from, new=d.version))

    def _buttons(self) -> QHBoxLayout:
        bar = QHBoxLayout()
        self.save_button = QPushButton(tr("下書き保存"))
        self.save_button.clicked.connect(self.save_draft)
        self.complete_button = QPushButton(tr("完成として保存"))
        self.complete_button.clicked.connect(self.complete)
        self.prefill_button = QPushButton(tr("前の様式から反映"))
        self.prefill_button.setToolTip(tr("空欄を、完成したアセスメントや計画などの記入内容で埋めます（記入済みの欄は変えません）。"))
        self.prefill_button.clicked.connect(self.prefill_again)
        self.discard_button = QPushButton(tr("下書きを破棄…"))
        self.discard_button.setToolTip(tr("この下書きを捨てます（確認があります）。"))
        self.discard_button.clicked.connect(self.ask_discard)
        self.discard_button.setVisible(self.opened.editable and self.opened.record.status == "draft")
        self.discard_button.setEnabled(self.opened.stored)  # an untouched new form leaves nothing to discard
        self.pdf_button = QPushButton(tr("PDF を作成…"))
        self.pdf_button.clicked.connect(self.choose_pdf)
        close = QPushButton(tr("閉じる"))
        close.clicked.connect(self.close_screen)
        for button in (self.save_button, self.complete_button, self.prefill_button):
            button.setVisible(self.opened.editable)
            bar.addWidget(button)
        bar.addWidget(self.discard_button)
        bar.addStretch(1)
        bar.addWidget(self.pdf_button)
        bar.addWidget(close)
        return bar

    # -- values ---------------------------------------------------------------------------------------

    def answers(self) -> dict:
        """Everything on the screen, hidden fields included (what was typed is never dropped)."""
        return {field_id: row.editor.value() for field_id, row in self.rows.items()}

    def _fill(self, answers: dict) -> None:
        for field_id, row in self.rows.items():
            row.editor.set_value(answers.get(field_id))

    def _changed(self) -> None:
        if self._loading:
            return
        self._keep()
        self._refresh_visibility()
        self._autosave.start(AUTOSAVE_MS)

    def _keep(self) -> None:
        """A new form is written at its first change (and not before)."""
        if not self.opened.stored:
            self.opened = self.session.form_filling.keep(self.opened)
            self.discard_button.setEnabled(True)
            self.saved.emit(self.opened.record.id)

    def _refresh_visibility(self) -> None:
        answers = self.answers()
        for section, group in self.sections:
            group.setVisible(section.when is None or section.when.holds(answers))
        for row in self.rows.values():
            row.setVisible(self.definition.visible(row.field, answers))

    # -- drafts on this device -------------------------------------------------------------------------

    def _restore_draft(self) -> dict | None:
        draft = self.session.drafts.load(self.draft_key)
        if draft is None or not self.opened.editable:
            return None
        self._say(tr("保存していない入力が残っていたので、復元しました。内容を確かめて保存してください。"))
        return {**self.opened.answers, **draft.payload.get("answers", {})}

    def keep_unsaved_input(self) -> None:
        """Called by the window's lock before this screen is hidden."""
        self._autosave.stop()
        self.save_local_draft()

    def save_local_draft(self) -> None:
        if self.opened.editable and self.opened.stored:
            self.session.drafts.save(self.draft_key, DRAFT_KIND, {"record_id": self.opened.record.id,
                                                                  "answers": self.answers()}, self.household_id)

    # -- saving ---------------------------------------------------------------------------------------

    def save_draft(self) -> bool:
        return self._save(complete=False)

    def complete(self) -> bool:
        return self._save(complete=True)

    def _save(self, *, complete: bool) -> bool:
        self._autosave.stop()
        filling = self.session.form_filling
        try:
            self._keep()
            if complete:
                checked = filling.complete(self.opened.record.id, self.answers())
            else:
                checked = filling.save_draft(self.opened.record.id, self.answers())
        except AppError as exc:
            self._say(describe(exc))
            self.save_local_draft()  # the typed text stays on this device, encrypted
            return False
        self.show_problems(checked.problems)
        self.session.drafts.discard(self.draft_key)
        self.opened = filling.open(self.opened.record.id)
        self.status.setText(tr("状態: {status}　第{version}版").format(status=STATUS_LABELS.get(self.opened.record.status), version=self.definition.version))
        self.saved.emit(self.opened.record.id)
        if checked.problems:
            self._say(tr("{n}か所を確かめてください。入力した内容は下書きとして保存しました。").format(n=len(checked.problems)))
            return False
        self._say(tr("完成として保存しました。") if complete else tr("下書きを保存しました。"))
        return True

    def show_problems(self, problems: list[Problem]) -> None:
        for field_id, row in self.rows.items():
            row.show_problems([p for p in problems if p.field == field_id])
        first = next((self.rows[p.field] for p in problems if p.field in self.rows), None)
        if first is not None:
            first.editor.setFocus()

    def prefill_again(self) -> None:
        self._save(complete=False)
        self.opened = self.session.form_filling.prefill_from_latest(self.opened.record.id)
        self._loading = True
        self._fill(self.opened.answers)
        self._loading = False
        self._refresh_visibility()

    def export_to(self, path: str) -> None:
        """Rendering and writing a long form takes a moment: done on a worker thread (its own
        database connection), the window stays responsive, the result is said in the banner."""
        self.pdf_button.setEnabled(False)
        self._say(tr("PDF を作成しています…"))
        session, household_id, record = self.session, self.household_id, self.opened.record

        def done(printed) -> None:
            self.pdf_button.setEnabled(True)
            self._say(tr("PDF を作成しました（{pages}ページ）: {path}　個人情報を含むため、取扱いに注意してください。")
                      .format(pages=printed.pages, path=printed.path))
            self.pdf_written.emit(str(printed.path))

        def failed(exc: Exception) -> None:
            self.pdf_button.setEnabled(True)
            self._say(tr("PDF を作成できません: {reason}").format(reason=describe(exc)))

        runner.run(lambda: export_pdf(session, household_id, record.form_id, path, record_id=record.id), done, failed)

    def choose_pdf(self) -> None:
        if self.opened.editable:
            self._save(complete=False)  # the PDF shows what is on the screen now
        path, _ = QFileDialog.getSaveFileName(self, tr("PDF の保存先"), f"{self.definition.short_title}.pdf", "PDF (*.pdf)")
        if path:
            self.export_to(path)

    def ask_discard(self) -> None:
        answer = QMessageBox.question(self, tr("下書きを破棄"),
                                      tr("この下書きを破棄しますか？記入した内容は元に戻せません。"),
                                      QMessageBox.StandardButton.Discard | QMessageBox.StandardButton.Cancel,
                                      QMessageBox.StandardButton.Cancel)
        if answer == QMessageBox.StandardButton.Discard:
            self.discard()

    def discard(self) -> None:
        """Throw the draft away (asked first by `ask_discard`) and close the screen."""
        self._autosave.stop()
        self.session.drafts.discard(self.draft_key)
        if self.opened.stored:
            try:
                self.session.form_filling.discard(self.opened.record.id)
            except AppError as exc:
                self._say(describe(exc))
                return
            self.discarded.emit(self.opened.record.id)
        self.closed.emit()

    def close_screen(self) -> None:
        if self._autosave.isActive():
            self._autosave.stop()
            self.save_local_draft()
        self.closed.emit()

    def _say(self, text: str) -> None:
        self.banner.setText(text)
        self.banner.show()
