"""yorisoi directory …: the 名簿 (stations, staff, agencies, resources) from the command line."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

from app import directory_csv
from app.directory_csv import COLUMNS, REFERENCES
from app.errors import InvalidInput
from app.services.directory import KINDS
from app.vocab import StaffRole
from ui.cli.report import say
from ui.cli.session import opened

KIND_HELP = "名簿の種類: agencies（支援関係機関）, staff（職員）, stations（ステーション）, resources（社会資源）"
OPTION_HELP = {
    "name": "名称・氏名", "type": "種別（機関）・種類（社会資源）", "area": "地域", "station": "ステーション（名前）",
    "contact-person": "担当者（機関）", "phone": "電話", "address": "住所", "memo": "メモ", "order": "表示順（ステーション）",
    "login": "ログイン名（職員）", "kana": "ふりがな（職員）", "agency": "所属機関（職員。名前）",
    "role": "役割（職員）: " + "、".join(r.label for r in StaffRole), "contact": "連絡先（社会資源）",
    "description": "説明（社会資源）",
}


def register(sub, parser_class, profile_arg) -> None:
    p = sub.add_parser("directory", help="名簿（支援関係機関・職員・ステーション・社会資源）の表示・登録・取り込み")
    actions = p.add_subparsers(dest="directory_action", parser_class=parser_class, required=True,
                               metavar="list|add|edit|retire|restore|import|export|template")

    a = actions.add_parser("list", help="名簿を表示する（タブ区切り: ID、名前、…）")
    profile_arg(a)
    _kind(a)
    a.add_argument("--all", action="store_true", help="廃止したものも表示する")
    a.set_defaults(handler=list_)

    for name, text in (("add", "名簿に追加する"), ("edit", "名簿の項目を変える（指定した項目だけ）")):
        a = actions.add_parser(name, help=text)
        profile_arg(a)
        _kind(a)
        if name == "edit":
            a.add_argument("ref", metavar="ID|名前", help="変える項目の ID か名前（職員はログイン名でも）")
        for option, help_ in OPTION_HELP.items():
            a.add_argument(f"--{option}", dest=option.replace("-", "_"), metavar="値", help=help_)
        a.set_defaults(handler=add if name == "add" else edit)

    for name, text in (("retire", "廃止する（記録は残り、新しい記録で選べなくなります）"), ("restore", "廃止をやめる")):
        a = actions.add_parser(name, help=text)
        profile_arg(a)
        _kind(a)
        a.add_argument("ref", metavar="ID|名前")
        a.set_defaults(handler=retire if name == "retire" else restore)

    a = actions.add_parser("import", help="CSV（UTF-8 か Excel の cp932、見出し行つき）から取り込む（全件か、何もしないか）")
    profile_arg(a)
    a.add_argument("file", metavar="FILE.csv")
    _kind(a)
    a.set_defaults(handler=import_)

    a = actions.add_parser("export", help="CSV に書き出す（Excel で開ける UTF-8。--encoding cp932 も可）")
    profile_arg(a)
    _kind(a)
    a.add_argument("file", metavar="FILE.csv")
    a.add_argument("--encoding", choices=tuple(directory_csv.ENCODINGS), default="utf-8",
                   help="文字コード（既定 utf-8。BOM つきで Excel がそのまま開けます）")
    a.set_defaults(handler=export)

    a = actions.add_parser("template", help="美作市のような市の名簿のひな形（CSV 4つ）をフォルダに書き出す")
    a.add_argument("folder", metavar="DIR")
    a.set_defaults(handler=template)


def _kind(p) -> None:
    p.add_argument("--kind", required=True, choices=tuple(KINDS), help=KIND_HELP)


def list_(args) -> int:
    with opened(args) as session:
        header, rows = directory_csv.table(session, args.kind, active_only=not args.all)
    if not rows:
        say("登録されていません。" if not args.all else "名簿は空です。")
        return 0
    say("\t".join(header))
    for row in rows:
        say("\t".join(cell.replace("\t", " ").replace("\n", " ") for cell in row))
    return 0


def _values(args, kind: str, session) -> dict:
    """The options given, as the directory's fields; an option the kind has not is refused."""
    allowed = {c.option for c in COLUMNS[kind]}
    values: dict = {}
    for option in OPTION_HELP:
        value = getattr(args, option.replace("-", "_"), None)
        if value is None:
            continue
        if option not in allowed:
            raise InvalidInput(f"--{option} は{KINDS[kind].label}には指定できません"
                               f"（使える指定: {'、'.join('--' + c.option for c in COLUMNS[kind] if c.field not in ('id', 'active'))}）。")
        column = next(c for c in COLUMNS[kind] if c.option == option)
        if column.field in REFERENCES:
            target, ref_kind, _ = REFERENCES[column.field]
            values[target] = session.directory.find(ref_kind, value).id if value.strip() else None
        else:
            values[column.field] = value
    return values


def add(args) -> int:
    with opened(args) as session:
        entry = session.directory.save(args.kind, _values(args, args.kind, session))
    say(f"{KINDS[args.kind].label}「{entry.name}」を追加しました（ID: {entry.id}）。")
    return 0


def edit(args) -> int:
    with opened(args) as session:
        entry = session.directory.find(args.kind, args.ref)
        values = _values(args, args.kind, session)
        if not values:
            raise InvalidInput("変える項目を指定してください（例: --phone 0868-00-0000）。")
        entry = session.directory.save(args.kind, values, entry.id)
    say(f"{KINDS[args.kind].label}「{entry.name}」を保存しました。")
    return 0


def retire(args) -> int:
    return _set_active(args, False, "を廃止しました（これまでの記録は残ります。戻すには restore）。")


def restore(args) -> int:
    return _set_active(args, True, "をふたたび使えるようにしました。")


def _set_active(args, active: bool, done: str) -> int:
    with opened(args) as session:
        entry = session.directory.find(args.kind, args.ref)
        if active:
            session.directory.restore(args.kind, entry.id)
        else:
            session.directory.retire(args.kind, entry.id)
    say(f"{KINDS[args.kind].label}「{entry.name}」{done}")
    return 0


def import_(args) -> int:
    with opened(args) as session:
        summary = directory_csv.import_file(session, Path(args.file), args.kind)
    c = summary.counts
    label = KINDS[args.kind].label
    if summary.total and not c["created"] and not c["updated"]:
        say(f"{label}: このファイルの内容はすでに名簿のとおりです。何も変わりませんでした（{summary.total} 件、{summary.encoding}）。")
    else:
        say(f"{label}を取り込みました（{summary.encoding}）: 新規 {c['created']}、更新 {c['updated']}、変更なし {c['unchanged']}。")
    return 0


def export(args) -> int:
    with opened(args) as session:
        count = directory_csv.export_file(session, args.kind, Path(args.file), args.encoding)
    say(f"{KINDS[args.kind].label} {count} 件を書き出しました: {args.file}")
    return 0


def template(args) -> int:
    folder = Path(args.folder)
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for source in sorted(directory_csv.template_folder().glob("*.csv")):
        target = folder / source.name
        if target.exists():
            print(f"yorisoi: {target} はすでにあります（上書きはしません）。", file=sys.stderr)
            return 2
        shutil.copyfile(source, target)
        written.append(source.name)
    say(f"名簿のひな形を書き出しました: {folder}（{'、'.join(written)}）")
    say("stations.csv → agencies.csv → staff.csv → resources.csv の順に取り込んでください"
        "（例: yorisoi directory import stations.csv --kind stations）。")
    return 0
