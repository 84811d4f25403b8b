"""Adding or editing one entry of the directory: a station, a staff member, an agency or a
resource. What a rule refuses (a blank name, an unreadable phone, a login someone else uses) is
shown in the dialog with the field focused; nothing typed is lost."""

from __future__ import annotations

from PySide6.QtWidgets import QComboBox, QLineEdit, QPlainTextEdit

from app.services.directory import is_active
from app.session import Session
from app.vocab import AGENCY_KINDS, RESOURCE_KINDS, StaffRole
from ui.desktop.dialogs.base import EntryDialog
from ui.desktop.i18n import N_, label, tr

# field → (label, editor): "line", "text" (several lines), "kinds" (an editable list of usual
# kinds), "station", "agency", "role".
FIELDS: dict[str, tuple[tuple[str, str, str], ...]] = {
    "agencies": (("name", N_("機関名"), "line"), ("kind", N_("種別"), "kinds"), ("area", N_("地域"), "line"),
                 ("station_id", N_("ステーション"), "station"), ("contact_person", N_("担当者"), "line"),
                 ("phone", N_("電話"), "line"), ("address", N_("住所"), "line"), ("memo", N_("メモ"), "text")),
    "staff": (("name", N_("氏名"), "line"), ("kana", N_("ふりがな"), "line"), ("login", N_("ログイン名"), "line"),
              ("station_id", N_("ステーション"), "station"), ("agency_id", N_("所属機関"), "agency"),
              ("role", N_("役割"), "role")),
    "stations": (("name", N_("ステーション名"), "line"), ("area", N_("地域"), "line"),
                 ("sort_order", N_("表示順"), "line")),
    "resources": (("name", N_("名称"), "line"), ("kind", N_("種類"), "kinds"), ("area", N_("地域"), "line"),
                  ("station_id", N_("ステーション"), "station"), ("address", N_("住所"), "line"),
                  ("contact", N_("連絡先"), "line"), ("description", N_("説明"), "text")),
}
KIND_LABELS = {"agencies": N_("支援関係機関"), "staff": N_("職員"), "stations": N_("ステーション"),
               "resources": N_("社会資源")}
TITLES = {"agencies": (N_("支援関係機関を追加"), N_("支援関係機関を編集")), "staff": (N_("職員を追加"), N_("職員を編集")),
          "stations": (N_("ステーションを追加"), N_("ステーションを編集")),
          "resources": (N_("社会資源を追加"), N_("社会資源を編集"))}


class DirectoryEntryDialog(EntryDialog):
    """``entry`` None adds one; ``result_value`` is the saved entry."""

    def __init__(self, session: Session, kind: str, entry=None, parent=None, *, name: str = "") -> None:
        super().__init__(tr(TITLES[kind][entry is not None]), parent)
        self.session, self.kind, self.entry = session, kind, entry
        self.editors: dict[str, object] = {}
        for field, text, editor in FIELDS[kind]:
            widget = self._editor(editor, getattr(entry, field, None) if entry else (name if field == "name" else None))
            self.editors[field] = widget
            self.add_row(tr(text), widget, field)
        if entry is not None and not is_active(entry):
            self.message.show_message(tr("この{kind}は廃止されています（一覧の「再開」で戻せます）。")
                                      .format(kind=tr(KIND_LABELS[kind])), "info")
        self.resize(520, 420 if kind in ("agencies", "resources") else 300)

    def _editor(self, editor: str, value):
        text = "" if value is None else str(value)
        if editor == "line":
            return QLineEdit(text)
        if editor == "text":
            box = QPlainTextEdit(text)
            box.setTabChangesFocus(True)
            box.setMaximumHeight(90)
            return box
        combo = QComboBox()
        if editor == "kinds":
            combo.setEditable(True)
            combo.addItems(list(AGENCY_KINDS if self.kind == "agencies" else RESOURCE_KINDS))
            combo.setCurrentText(text)
            return combo
        combo.addItem(tr("（未設定）"), None)
        if editor == "role":
            for role in StaffRole:
                combo.addItem(label(role), role.value)
        else:
            entries = self.session.directory.list("stations" if editor == "station" else "agencies")
            for e in entries:
                if is_active(e) or e.id == value:
                    combo.addItem(e.name if is_active(e) else tr("{name}（廃止）").format(name=e.name), e.id)
        combo.setCurrentIndex(max(0, combo.findData(value)))
        return combo

    def values(self) -> dict:
        out = {}
        for field, widget in self.editors.items():
            if isinstance(widget, QLineEdit):
                out[field] = widget.text()
            elif isinstance(widget, QPlainTextEdit):
                out[field] = widget.toPlainText()
            elif widget.isEditable():
                out[field] = widget.currentText()
            else:
                out[field] = widget.currentData()
        return out

    def submit(self):
        return self.session.directory.save(self.kind, self.values(), self.entry.id if self.entry else None)
