"""A table field (goals, role assignments, household members): rows of column editors.

Each row is a line of the same editors single fields use; rows can be added and removed.
Empty rows are kept while editing and ignored when checked.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QGridLayout, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from forms.schema import FieldDef
from forms.validation import rows_of
from ui.desktop.forms.editors import FieldEditor, Names, make_editor
from ui.desktop.i18n import tr


class TableEditor(FieldEditor):
    def __init__(self, field: FieldDef, names: dict[str, Names], parent=None, session=None) -> None:
        super().__init__(field, parent)
        self.names = names
        self.session = session
        host = QWidget()
        outer = QVBoxLayout(host)
        outer.setContentsMargins(0, 0, 0, 0)
        grid_host = QWidget()
        self.grid = QGridLayout(grid_host)
        self.grid.setContentsMargins(0, 0, 0, 0)
        self.grid.setVerticalSpacing(4)
        for col, column in enumerate(field.columns):
            head = QLabel(column.label + ("＊" if column.required else ""))
            head.setStyleSheet("font-weight: bold; background: #eee; padding: 2px;")
            self.grid.addWidget(head, 0, col)
            self.grid.setColumnStretch(col, max(1, int(column.width * 100)))
        outer.addWidget(grid_host)
        buttons = QHBoxLayout()
        self.add_button = QPushButton(tr("行を追加"))
        self.add_button.clicked.connect(lambda: (self.add_row(), self.changed.emit()))
        self.remove_button = QPushButton(tr("最後の行を削除"))
        self.remove_button.clicked.connect(self.remove_last)
        buttons.addWidget(self.add_button)
        buttons.addWidget(self.remove_button)
        buttons.addStretch(1)
        outer.addLayout(buttons)
        self.layout_.addWidget(host, 1)
        self.rows: list[list[FieldEditor]] = []
        self.extra: list[dict] = []  # columns a row has that this version does not: kept as they were
        self.add_row()

    def add_row(self) -> list[FieldEditor]:
        editors = []
        for col, column in enumerate(self.field.columns):
            editor = make_editor(column, self.names, session=self.session)
            editor.setMinimumHeight(30)  # a row of line edits, not squeezed by the long text around it
            editor.changed.connect(self.changed)
            self.grid.addWidget(editor, len(self.rows) + 1, col)
            editors.append(editor)
        self.rows.append(editors)
        self.extra.append({})
        return editors

    def remove_last(self) -> None:
        if not self.rows:
            return
        for editor in self.rows.pop():
            editor.setParent(None)
            editor.deleteLater()
        self.extra.pop()
        self.changed.emit()

    def value(self) -> Any:
        out = []
        for editors, extra in zip(self.rows, self.extra, strict=True):
            row = dict(extra)
            row.update({column.id: editor.value() for column, editor in zip(self.field.columns, editors, strict=True)})
            out.append(row)
        return out

    def set_value(self, value: Any) -> None:
        rows = rows_of(self.field, value)
        while len(self.rows) > max(1, len(rows)):
            self.remove_last()
        while len(self.rows) < len(rows):
            self.add_row()
        ids = {c.id for c in self.field.columns}
        for n, editors in enumerate(self.rows):
            row = rows[n] if n < len(rows) else {}
            self.extra[n] = {k: v for k, v in row.items() if k not in ids}
            for column, editor in zip(self.field.columns, editors, strict=True):
                editor.set_value(row.get(column.id))
