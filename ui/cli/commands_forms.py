"""export-pdf, forms-check, setting: the official forms from the command line."""

from __future__ import annotations

import logging
import sys
from pathlib import Path

from app import form_settings
from app.printing import FILLED, HISTORY
from app.printing import export_pdf as export
from forms.formset import load_form_set
from forms.loader import DefinitionError
from ui.cli.report import say
from ui.cli.session import opened

log = logging.getLogger("yorisoi")


def export_pdf(args) -> int:
    with opened(args) as session:
        if args.forms:
            session.form_filling.use_forms_dir(args.forms)
        out = Path(args.out) if args.out else Path(f"{args.form}-{args.household}.pdf")
        printed = export(session, args.household, args.form, out, variant=args.variant)
    what = {HISTORY: "この世帯の支援経過記録（訪問・接触の経過）", FILLED: "記入済みの様式"}.get(
        printed.kind, "記入用の白紙の様式（この世帯にはまだ記入済みの様式がありません）")
    say(f"{what}を PDF にしました（{printed.pages} ページ）: {printed.path}")
    if printed.missing:
        codes = "、".join(f"U+{ord(ch):04X}" for ch in sorted(printed.missing))
        print(f"注意: どのフォントにもない文字があり、〓 で印刷しました: {codes}", file=sys.stderr)
    print(f"注意: {printed.path} は個人情報を含む平文の PDF です。用が済んだら安全に削除してください。", file=sys.stderr)
    log.info("export-pdf form=%s pages=%d kind=%s", args.form, printed.pages, printed.kind)
    return 0


def forms_check(args) -> int:
    """Check a city's folder of definitions without a profile: every problem with file and line."""
    try:
        form_set = load_form_set(Path(args.folder))
    except DefinitionError as exc:
        print(exc.message(), file=sys.stderr)
        return 2
    for key in form_set.ordered_keys():
        versions = sorted(form_set.versions[key])
        current = form_set.current(key)
        say(f"OK  {key}\t{current.display_title}\t版 {', '.join(map(str, versions))}\t項目 {len(list(current.fields()))}")
    return 0


def setting(args) -> int:
    with opened(args) as session:
        if args.key is None:
            for key, value in form_settings.all_settings(session).items():
                say(f"{key}\t{value}\t# {form_settings.SETTINGS[key]}")
            return 0
        if args.value is None:
            say(form_settings.get(session, args.key))
            return 0
        form_settings.put(session, args.key, args.value)
    say(f"{args.key} を設定しました。")
    return 0
