"""What every entry dialog shares: a message line, a form, 保存 / キャンセル, Ctrl+Enter to save.

`submit()` does the work; an AppError (a rule's refusal, a field that cannot be used) is shown
in the dialog, the field concerned gets the focus, and nothing typed is lost.

The form scrolls when the screen is short (1366×768 at 150 % leaves about 440 pixels), the
buttons stay in view, and the dialog opens no larger than the screen's free area.
"""

from __future__ import annotations

from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QFormLayout, QVBoxLayout, QWidget

from app.errors import AppError, InvalidInput
from forms.wareki import WarekiError
from ui.desktop.i18n import tr
from ui.desktop.widgets.adaptive import fit_to_screen, scrolling
from ui.desktop.widgets.message_bar import MessageBar


class EntryDialog(QDialog):
    def __init__(self, title: str, parent=None, *, save_text: str | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setAccessibleName(title)
        self.result_value = None
        self.notice: str | None = None  # shown by the caller after the dialog closes
        self.fields: dict[str, QWidget] = {}
        outer = QVBoxLayout(self)
        self.message = MessageBar()
        outer.addWidget(self.message)
        body = QWidget()
        self.form = QFormLayout(body)
        self.form.setContentsMargins(0, 0, 0, 0)
        self.form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        self.body_scroll = scrolling(body)
        outer.addWidget(self.body_scroll, 1)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel)
        save = self.buttons.button(QDialogButtonBox.StandardButton.Save)
        save.setText(save_text or tr("保存（Ctrl+Enter）"))
        save.setAccessibleName(tr("保存"))
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(tr("キャンセル"))
        self.buttons.accepted.connect(self.try_submit)
        self.buttons.rejected.connect(self.reject)
        outer.addWidget(self.buttons)
        for keys in ("Ctrl+Return", "Ctrl+Enter"):
            QShortcut(QKeySequence(keys), self, activated=self.try_submit)

    def showEvent(self, event) -> None:  # noqa: N802 - Qt's name
        super().showEvent(event)
        if not self.property("fitted"):
            self.setProperty("fitted", True)
            body = self.body_scroll.widget().sizeHint()
            wanted = self.size().expandedTo(self.sizeHint())
            wanted.setHeight(max(wanted.height(), body.height() + self.sizeHint().height() - self.body_scroll.sizeHint().height()))
            fit_to_screen(self, wanted)

    def add_row(self, label: str, widget: QWidget, field: str | None = None) -> QWidget:
        if not widget.accessibleName():
            widget.setAccessibleName(label)
        self.form.addRow(label, widget)
        if field:
            self.fields[field] = widget
        return widget

    def submit(self):  # pragma: no cover - every dialog overrides it
        raise NotImplementedError

    def try_submit(self) -> None:
        try:
            self.result_value = self.submit()
        except InvalidInput as exc:
            self.message.show_error(exc)
            widget = self.fields.get(exc.field or "")
            if widget is not None:
                widget.setFocus()
            return
        except WarekiError as exc:
            self.message.show_message(str(exc), "error")
            return
        except AppError as exc:
            self.message.show_error(exc)
            return
        self.accept()
