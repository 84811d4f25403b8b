"""The command-line grammar. Each sub-command names its handler."""

from __future__ import annotations

import argparse

from ui.cli import commands_data, commands_profile


class _Parser(argparse.ArgumentParser):
    def error(self, message: str):  # argparse's own errors, worded for users, exit 2
        self.print_usage()
        self.exit(2, f"yorisoi: 指定が正しくありません: {message}\n")


def _profile(p: argparse.ArgumentParser) -> None:
    p.add_argument("--profile", metavar="DIR", help="プロファイルのフォルダ（既定: 利用者のデータフォルダ）")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="yorisoi", description="寄り添い — 重層的支援体制整備事業のためのオフライン対応デスクトップアプリ")
    _profile(parser)
    sub = parser.add_subparsers(dest="command", parser_class=_Parser)

    p = sub.add_parser("init", help="新しいプロファイルを作る")
    _profile(p)
    p.add_argument("--name", help="この端末の利用者（職員）の氏名")
    p.set_defaults(handler=commands_profile.init)

    p = sub.add_parser("demo", help="架空の市のデモデータでプロファイルを作る")
    _profile(p)
    p.add_argument("--households", type=int, default=300, help="世帯数（既定 300）")
    p.add_argument("--seed", type=int, default=1, help="乱数の種（同じ種なら同じデータ）")
    p.set_defaults(handler=commands_profile.demo)

    p = sub.add_parser("import", help="JSON Lines ファイルを取り込む（全件か、何もしないか）")
    _profile(p)
    p.add_argument("file", metavar="FILE.jsonl")
    p.set_defaults(handler=commands_data.import_)

    p = sub.add_parser("export", help="全データを JSON Lines に書き出す（平文です）")
    _profile(p)
    p.add_argument("--out", required=True, metavar="FILE.jsonl")
    p.add_argument("--yes", action="store_true", help="平文で書き出すことの確認を省く")
    p.set_defaults(handler=commands_data.export)

    p = sub.add_parser("search", help="世帯・接触記録・記録を検索する")
    _profile(p)
    p.add_argument("query", nargs="+")
    p.add_argument("--limit", type=int, default=50)
    p.set_defaults(handler=commands_data.search)

    p = sub.add_parser("check", help="プロファイルの整合性を確かめる")
    _profile(p)
    p.set_defaults(handler=commands_profile.check)

    p = sub.add_parser("passwd", help="パスフレーズを変える")
    _profile(p)
    p.set_defaults(handler=commands_profile.passwd)

    return parser
