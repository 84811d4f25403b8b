"""The translation pipeline works end to end: pyside6-lupdate extracts the window's strings and
the domain labels under the contexts the window looks them up in, and a .qm built from them
switches a UI string and a domain label to another language."""

from __future__ import annotations

import ast
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from PySide6.QtCore import QCoreApplication

from app.vocab import LABELS
from tests.ui.qt_helpers import settle
from ui.desktop import translations
from ui.desktop.translations.build import ToolMissing, extract, release, tool

ROOT = Path(__file__).resolve().parents[2]

try:
    tool("pyside6-lupdate"), tool("pyside6-lrelease")
    HAVE_TOOLS = True
except ToolMissing:
    HAVE_TOOLS = False
needs_tools = pytest.mark.skipif(not HAVE_TOOLS, reason="pyside6-lupdate/lrelease not installed")

ENGLISH = {
    ("", "自分の担当を先に"): "My households first",
    ("", "しばらく操作がなかったため、画面をロックしました。"): "Locked after a while without use.",
    ("vocab.ContactKind", "家庭訪問"): "Home visit",
    ("vocab.Outcome", "本人に会えた"): "Met the person",
}


def messages(ts: Path) -> dict[tuple[str, str], ET.Element]:
    out = {}
    for context in ET.parse(ts).getroot().iter("context"):
        name = context.findtext("name") or ""
        for message in context.iter("message"):
            out[(name, message.findtext("source"))] = message
    return out


@pytest.fixture(scope="module")
def catalogue(tmp_path_factory):
    ts = tmp_path_factory.mktemp("i18n") / "yorisoi_en.ts"
    extract(ts)
    return ts


@needs_tools
def test_lupdate_finds_strings_kept_in_tables_and_every_domain_label(catalogue):
    found = messages(catalogue)
    contexts = {context for context, _ in found}
    assert "yorisoi" not in contexts  # the context tr() used to look in, which lupdate never wrote
    for source in ("自分の担当を先に", "しばらく操作がなかったため、画面をロックしました。", "完成日", "経過", "高",
                   "検索", "支援経過記録を PDF に…"):
        assert ("", source) in found, source  # combo items, lock reasons, columns, timeline kinds
    for (enum, _code), text in LABELS.items():
        assert (f"vocab.{enum.__name__}", text) in found, text


def test_the_label_table_lupdate_reads_is_app_vocab_exactly():
    tree = ast.parse((ROOT / "ui" / "desktop" / "vocab_strings.py").read_text(encoding="utf-8"))
    listed = {(call.args[0].value, call.args[1].value) for call in ast.walk(tree)
              if isinstance(call, ast.Call) and getattr(call.func, "id", "") == "QT_TRANSLATE_NOOP"}
    assert listed == {(f"vocab.{enum.__name__}", text) for (enum, _code), text in LABELS.items()}


@needs_tools
def test_a_built_qm_switches_a_ui_string_and_a_domain_label(qtbot, catalogue, tmp_path, session, household):
    tree = ET.parse(catalogue)
    for context in tree.getroot().iter("context"):
        for message in context.iter("message"):
            english = ENGLISH.get((context.findtext("name") or "", message.findtext("source")))
            if english:
                translation = message.find("translation")
                translation.text = english
                translation.attrib.pop("type", None)
    filled = tmp_path / "yorisoi_en.ts"
    tree.write(filled, encoding="utf-8", xml_declaration=True)
    release(filled, tmp_path / "yorisoi_en.qm")

    from ui.desktop.dialogs.contact import ContactDialog
    from ui.desktop.households.list_page import HouseholdListPage
    from ui.desktop.lock_screen import LockScreen

    app = QCoreApplication.instance()
    before = list(app.findChildren(translations.QTranslator))
    assert translations.install(app, "en", folder=tmp_path)
    try:
        h, _ = household
        dialog = ContactDialog(session, h.id, h.name, session.households.persons(h.id))
        qtbot.addWidget(dialog)
        assert dialog.kind.itemText(0) == "1 Home visit"
        assert "Met the person" in [b.text() for b in dialog.outcomes.buttons()]
        page = HouseholdListPage(session)
        qtbot.addWidget(page)
        assert page.scope.itemText(0) == "My households first"
        lock = LockScreen(session.folder)
        qtbot.addWidget(lock)
        lock.prepare("idle")
        assert lock.reason.text() == "Locked after a while without use."
    finally:
        settle(qtbot)  # the list page loads in the background; let it finish before the session closes
        for translator in app.findChildren(translations.QTranslator):
            if translator not in before:
                app.removeTranslator(translator)
                translator.deleteLater()
    assert QCoreApplication.translate("vocab.ContactKind", "家庭訪問") == "家庭訪問"


def test_japanese_needs_no_catalogue_and_a_missing_one_falls_back_to_japanese(tmp_path):
    app = QCoreApplication.instance() or QCoreApplication([])
    assert translations.install(app, "ja", folder=tmp_path)
    assert not translations.install(app, "xx", folder=tmp_path)
