"""import, export, search."""

from __future__ import annotations

import logging
import sys
from pathlib import Path

from app.errors import InvalidInput
from app.interchange import ImportError_, export_to_file, import_file
from ui.cli.report import say
from ui.cli.session import opened

log = logging.getLogger("yorisoi")


def import_(args) -> int:
    path = Path(args.file)
    with opened(args) as session:
        try:
            report = import_file(session, path, source=args.source, new_stations=args.new_stations)
        except ImportError_ as exc:
            print(exc.message(), file=sys.stderr)
            if exc.new_stations:
                print(f"新しく作られるステーション: {'、'.join(exc.new_stations)}（作ってよければ --new-stations を付けてください）",
                      file=sys.stderr)
            log.info("import refused problems=%d", len(exc.problems))
            return 2
    for kind in sorted(set(report.created) | set(report.updated) | set(report.unchanged)):
        say(f"{kind}: 新規 {report.created[kind]}、更新 {report.updated[kind]}、変更なし {report.unchanged[kind]}")
    if report.new_stations:
        say(f"新しく作ったステーション: {'、'.join(report.new_stations)}")
    if report.changed_nothing:
        say(f"このファイルはすでに取り込まれています。何も変わりませんでした（{report.total} 件）。")
    else:
        where = f"（番号の出どころ: {report.source}。ファイルの番号は「元の番号」として残ります）" if report.source else ""
        say(f"取り込みました（{report.total} 件）。{where}")
    log.info("import records=%d", report.total)
    return 0


def export(args) -> int:
    out = Path(args.out)
    warning = (f"注意: {out} には個人情報が平文（暗号化なし）で書き出されます。"
               "用が済んだら安全に削除してください。")
    if not args.yes:
        if not sys.stdin.isatty():
            print(f"yorisoi: {warning}\n確認のため --yes を付けて実行してください。", file=sys.stderr)
            return 2
        answer = input(f"{warning}\n書き出しますか？ [y/N]: ").strip().lower()
        if answer not in ("y", "yes", "はい"):
            say("書き出しをやめました。")
            return 0
    else:
        print(warning, file=sys.stderr)
    with opened(args) as session:
        count = export_to_file(session, out)
    say(f"{count} 件を書き出しました: {out}")
    log.info("export records=%d", count)
    return 0


def search(args) -> int:
    query = " ".join(args.query)
    if args.limit < 1:
        raise InvalidInput("--limit は 1 以上にしてください。")
    with opened(args) as session:
        results = session.search.find(query, limit=args.limit)
        total = session.search.count(query) if len(results) >= args.limit else len(results)
    if not results:
        say("見つかりませんでした。")
        return 0
    for r in results:
        when = (r.at or "")[:10]
        say(f"{r.kind_label}\t{r.heading}\t{when}\t{r.snippet}\t{r.household_id or ''}")
    if total > len(results):
        # On stderr, so a script reading the tab-separated lines on stdout is not confused.
        print(f"{total} 件のうち新しい {len(results)} 件を表示しました。ほかに {total - len(results)} 件あります"
              "（--limit で増やすか、語を足して絞り込んでください）。", file=sys.stderr)
    return 0
