"""One editor widget per field type, each with ``value()``, ``set_value()`` and ``changed``.

Editors never refuse or rewrite what is typed: a date stays the text the user typed (with
its 和暦 reading shown beside it), a number stays text until it is checked, and a stored value
that is no longer among a choice's options is kept as an extra item, marked as such.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QWidget,
)

from forms.schema import FieldDef
from forms.wareki import WarekiError, format_both, parse_date
from ui.desktop.i18n import tr
from ui.desktop.widgets.adaptive import FlowLayout

Names = dict[str, str]  # id → name, for the pickers


class FieldEditor(QWidget):
    changed = Signal()

    def __init__(self, field: FieldDef, parent=None) -> None:
        super().__init__(parent)
        self.field = field
        self.layout_ = QHBoxLayout(self)
        self.layout_.setContentsMargins(0, 0, 0, 0)

    def value(self) -> Any:
        raise NotImplementedError

    def set_value(self, value: Any) -> None:
        raise NotImplementedError

    def set_read_only(self, read_only: bool) -> None:
        for child in self.findChildren(QWidget):
            child.setEnabled(not read_only)


class TextEditor(FieldEditor):
    def __init__(self, field: FieldDef, parent=None) -> None:
        super().__init__(field, parent)
        self.edit = QLineEdit()
        self.edit.setAccessibleName(field.label)
        if field.unit:
            self.edit.setPlaceholderText(field.unit)
        self.edit.textChanged.connect(self.changed)
        self.layout_.addWidget(self.edit)

    def value(self) -> Any:
        return self.edit.text()

    def set_value(self, value: Any) -> None:
        self.edit.setText("" if value is None else str(value))


class LongTextEditor(FieldEditor):
    def __init__(self, field: FieldDef, parent=None) -> None:
        super().__init__(field, parent)
        self.edit = QPlainTextEdit()
        self.edit.setAccessibleName(field.label)
        self.edit.setTabChangesFocus(True)
        self.edit.setFixedHeight(max(3, min(field.lines or 3, 8)) * 22)
        self.edit.textChanged.connect(self.changed)
        self.layout_.addWidget(self.edit)

    def value(self) -> Any:
        return self.edit.toPlainText()

    def set_value(self, value: Any) -> None:
        self.edit.setPlainText("" if value is None else str(value))


class DateEditor(TextEditor):
    """Typed as R7.4.1, 令和7年4月1日 or 2025-04-01; the reading is shown beside it."""

    def __init__(self, field: FieldDef, parent=None) -> None:
        super().__init__(field, parent)
        self.edit.setPlaceholderText(tr("例: R7.4.1"))
        self.edit.setMinimumWidth(90)
        self.edit.setMaximumWidth(160)
        self.reading = QLabel("")
        self.reading.setStyleSheet("color: #555;")
        self.layout_.addWidget(self.reading, 1)
        self.edit.textChanged.connect(self._read)

    def set_value(self, value: Any) -> None:
        text = "" if value is None else str(value)
        try:  # a stored ISO date is shown as 和暦 short form for editing
            text = _short(parse_date(text)) if len(text) == 10 and text[4] == "-" else text
        except WarekiError:
            pass
        self.edit.setText(text)

    def _read(self) -> None:
        text = self.edit.text().strip()
        if not text:
            self.reading.setText("")
            return
        try:
            self.reading.setText(format_both(parse_date(text)))
        except WarekiError:
            self.reading.setText("")


def _short(day) -> str:
    from forms.wareki import format_wareki

    return format_wareki(day, short=True)


class ChoiceEditor(FieldEditor):
    def __init__(self, field: FieldDef, items: list[tuple[str, str]], parent=None) -> None:
        super().__init__(field, parent)
        self.combo = QComboBox()
        self.combo.setAccessibleName(field.label)
        self.combo.addItem(tr("（未選択）"), None)
        for value, label in items:
            self.combo.addItem(label, value)
        self.combo.currentIndexChanged.connect(self.changed)
        self.layout_.addWidget(self.combo, 1)

    def value(self) -> Any:
        return self.combo.currentData()

    def set_value(self, value: Any) -> None:
        if value in (None, ""):
            self.combo.setCurrentIndex(0)
            return
        index = self.combo.findData(str(value))
        if index < 0:  # kept, not dropped: a value this version of the form no longer offers
            self.combo.addItem(tr("{value}（選択肢にない値）").format(value=value), str(value))
            index = self.combo.count() - 1
        self.combo.setCurrentIndex(index)


class MultiChoiceEditor(FieldEditor):
    def __init__(self, field: FieldDef, parent=None) -> None:
        super().__init__(field, parent)
        grid_host = QWidget()
        self.grid = FlowLayout(grid_host, spacing=10)  # as many a row as the width allows
        self.boxes: dict[str, QCheckBox] = {}
        for n, option in enumerate(field.options):
            self._add(option.value, option.label, n)
        self.layout_.addWidget(grid_host, 1)

    def _add(self, value: str, label: str, n: int) -> None:
        box = QCheckBox(label)
        box.toggled.connect(self.changed)
        self.boxes[value] = box
        self.grid.addWidget(box)

    def value(self) -> Any:
        return [v for v, box in self.boxes.items() if box.isChecked()]

    def set_value(self, value: Any) -> None:
        picked = {str(v) for v in (value or [])} if isinstance(value, list) else ({str(value)} if value else set())
        for extra in sorted(picked - set(self.boxes)):
            self._add(extra, tr("{value}（選択肢にない値）").format(value=extra), len(self.boxes))
        for v, box in self.boxes.items():
            box.setChecked(v in picked)


class CheckEditor(FieldEditor):
    def __init__(self, field: FieldDef, parent=None) -> None:
        super().__init__(field, parent)
        self.box = QCheckBox(field.label)
        self.box.toggled.connect(self.changed)
        self.layout_.addWidget(self.box)

    def value(self) -> Any:
        return self.box.isChecked()

    def set_value(self, value: Any) -> None:
        self.box.setChecked(value is True)


class AgencyEditor(FieldEditor):
    """An agency, with 「新しい機関を追加…」 (the directory's dialog) at the end of the list."""

    def __init__(self, field: FieldDef, session, parent=None) -> None:
        super().__init__(field, parent)
        from ui.desktop.widgets.agency_combo import AgencyCombo

        self.combo = AgencyCombo(session, tr("（未選択）"))
        self.combo.setAccessibleName(field.label)
        self.combo.chosen.connect(self.changed)
        self.layout_.addWidget(self.combo, 1)

    def value(self) -> Any:
        return self.combo.currentData()

    def set_value(self, value: Any) -> None:
        self.combo.set_value(str(value) if value not in (None, "") else None)


def make_editor(field: FieldDef, names: dict[str, Names], parent=None, session=None) -> FieldEditor:
    """The editor for a scalar field; ``names`` holds person / agency / staff / record choices.
    With a ``session``, an agency can be added where it is chosen."""
    if field.type == "longtext":
        return LongTextEditor(field, parent)
    if field.type == "date":
        return DateEditor(field, parent)
    if field.type == "choice":
        return ChoiceEditor(field, [(o.value, o.label) for o in field.options], parent)
    if field.type == "multichoice":
        return MultiChoiceEditor(field, parent)
    if field.type == "check":
        return CheckEditor(field, parent)
    if field.type == "agency" and session is not None:
        return AgencyEditor(field, session, parent)
    if field.type in ("person", "agency", "staff", "record"):
        return ChoiceEditor(field, list(names.get(field.type, {}).items()), parent)
    return TextEditor(field, parent)
