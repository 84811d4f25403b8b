"""`yorisoi-server`: serve the API, run migrations, make a certificate, and administer.

Exit status: 0 done, 2 refused input (with a Japanese message), 1 failure. Never a traceback:
an unexpected error prints its type only. Only the standard library is imported up front, so
a machine without the server extra gets a sentence instead of an ImportError."""

from __future__ import annotations

import argparse
import sys

SERVER_MODULES = ("fastapi", "uvicorn", "sqlalchemy", "alembic", "msgpack")


class _Parser(argparse.ArgumentParser):
    def error(self, message: str):
        self.print_usage(sys.stderr)
        self.exit(2, f"引数が正しくありません: {message}\n")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="yorisoi-server", description="寄り添い 中央ストア (同期サーバー)")
    commands = parser.add_subparsers(dest="command", required=True, parser_class=_Parser, metavar="COMMAND")

    def with_store(sub: argparse.ArgumentParser, suppress: bool = False) -> argparse.ArgumentParser:
        # Without --data the current folder is the data folder: `yorisoi-server serve` in an
        # empty folder just works (SQLite there, migrated on start).
        default = argparse.SUPPRESS if suppress else None
        sub.add_argument("--data", metavar="DIR", default=argparse.SUPPRESS if suppress else ".",
                         help="データディレクトリ (SQLite ファイル、証明書、ログ、設定。既定: 今のフォルダ)")
        sub.add_argument("--db", metavar="URL", default=default,
                         help="postgresql://… (省略時は DIR/central.db、前回の --db を DIR/server.json に記憶)")
        return sub

    serve = with_store(commands.add_parser("serve", help="API を起動する"))
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8443)
    serve.add_argument("--cert", metavar="FILE")
    serve.add_argument("--key", metavar="FILE")
    serve.add_argument("--workers", type=int, default=1)
    serve.add_argument("--pool-size", type=int, metavar="N",
                       help="ワーカー1つあたりのデータベース接続数 (既定: PostgreSQL の max_connections から計算)")

    with_store(commands.add_parser("migrate", help="データベースを最新の形にする"))

    cert = commands.add_parser("make-cert", help="自己署名証明書を DIR/tls に作る")
    cert.add_argument("--data", metavar="DIR", default=".", help="データディレクトリ (既定: 今のフォルダ)")
    cert.add_argument("--host", action="append", default=[], metavar="NAME", help="サーバーの名前または IP (複数可)")
    cert.add_argument("--force", action="store_true", help="既存の証明書を置き換える")

    admin = with_store(commands.add_parser("admin", help="組織・利用者・登録コードの管理"))
    ops = admin.add_subparsers(dest="op", required=True, parser_class=_Parser, metavar="OPERATION")
    op = with_store(ops.add_parser("create-org", help="組織と事務局アカウントを作り、初回登録コードを出す"), True)
    op.add_argument("name", metavar="NAME")
    op.add_argument("--office-login", default="office")
    op.add_argument("--hours", type=int, default=24)
    op.add_argument("--cert", metavar="FILE", help="serve が使う証明書 (既定: DIR/tls/cert.pem)。チケットにその指紋を入れる")
    op = with_store(ops.add_parser("add-user", help="利用者を追加する"), True)
    op.add_argument("login", metavar="LOGIN")
    op.add_argument("--org", metavar="NAME")
    op.add_argument("--role", choices=("worker", "office"), default="worker")
    op = with_store(ops.add_parser("enrol-code", help="端末の登録チケット (登録コードと指紋) を出す"), True)
    op.add_argument("login", metavar="LOGIN")
    op.add_argument("--org", metavar="NAME")
    op.add_argument("--hours", type=int, default=24)
    op.add_argument("--cert", metavar="FILE", help="serve が使う証明書 (既定: DIR/tls/cert.pem)。チケットにその指紋を入れる")
    op = with_store(ops.add_parser("list-devices", help="端末の一覧"), True)
    op.add_argument("--org", metavar="NAME")
    op = with_store(ops.add_parser("check", help="運用者が直すべきこと (接続数、統計情報、ディスク、バックアップ) を調べる"), True)
    op.add_argument("--workers", type=int, metavar="N", help="serve のワーカー数 (既定: 前回の serve)")
    op.add_argument("--pool-size", type=int, metavar="N", help="ワーカーあたりの接続数 (既定: 前回の serve)")
    return parser


def main(argv: list[str] | None = None) -> int:
    try:
        args = build_parser().parse_args(argv)
    except SystemExit as e:  # --help (0) or a usage error (2), already printed
        return e.code if isinstance(e.code, int) else 2
    missing = _missing_modules()
    if missing:
        print(f"サーバー用の追加パッケージがありません ({', '.join(missing)})。\n"
              "  pip install 'yorisoi[server]'\nでインストールしてください。", file=sys.stderr)
        return 1
    from . import commands

    return commands.run(args)


def _missing_modules() -> list[str]:
    import importlib

    missing = []
    for name in SERVER_MODULES:
        try:
            importlib.import_module(name)
        except ImportError:
            missing.append(name)
    return missing
