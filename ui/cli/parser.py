"""The command-line grammar. Each sub-command names its handler."""

from __future__ import annotations

import argparse

from ui.cli import (
    argparse_ja,
    commands_data,
    commands_directory,
    commands_due,
    commands_forms,
    commands_meetings,
    commands_profile,
    commands_recovery,
    commands_sync,
    commands_window,
)

argparse_ja.install()  # argparse's own words (usage, --help, its errors) in Japanese


class _Parser(argparse.ArgumentParser):
    def error(self, message: str):  # argparse's own errors, worded for users, exit 2
        self.print_usage()
        self.exit(2, f"yorisoi: 指定が正しくありません: {message}\n")


def _profile(p: argparse.ArgumentParser, *, nested: bool = False) -> None:
    # A nested parser must not overwrite a --profile given before its sub-command.
    extra = {"default": argparse.SUPPRESS} if nested else {}
    p.add_argument("--profile", metavar="DIR", help="プロファイルのフォルダ（既定: 利用者のデータフォルダ）", **extra)


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="yorisoi", description="寄り添い — 重層的支援体制整備事業のためのオフライン対応デスクトップアプリ",
                     epilog="コマンドを付けずに実行すると画面（ウィンドウ）が開きます。各コマンドの説明: yorisoi コマンド --help")
    _profile(parser)
    sub = parser.add_subparsers(dest="command", parser_class=_Parser, title="コマンド", metavar="コマンド")

    p = sub.add_parser("init", help="新しいプロファイルを作る")
    _profile(p)
    p.add_argument("--name", help="この端末の利用者（職員）の氏名")
    p.add_argument("--city", metavar="NAME", help="様式に印刷する市町村名（例: みその市。あとで setting でも変えられます）")
    p.set_defaults(handler=commands_profile.init)

    p = sub.add_parser("demo", help="架空の市のデモデータでプロファイルを作る")
    _profile(p)
    p.add_argument("--households", type=int, default=300, help="世帯数（既定 300）")
    p.add_argument("--seed", type=int, default=1, help="乱数の種（同じ種なら同じデータ）")
    p.set_defaults(handler=commands_profile.demo)

    p = sub.add_parser("import", help="JSON Lines ファイルを取り込む（全件か、何もしないか）")
    _profile(p)
    p.add_argument("file", metavar="FILE.jsonl")
    p.add_argument("--source", metavar="NAME",
                   help="ファイルの番号の出どころ（既定: ファイル名）。同じ出どころの同じ番号は同じ記録になります")
    p.add_argument("--new-stations", action="store_true",
                   help="ファイルにあってプロファイルにないステーションを新しく作る（ないと取り込みを中止します）")
    p.set_defaults(handler=commands_data.import_)

    p = sub.add_parser("export", help="全データを JSON Lines に書き出す（平文です）")
    _profile(p)
    p.add_argument("--out", required=True, metavar="FILE.jsonl")
    p.add_argument("--yes", action="store_true", help="平文で書き出すことの確認を省く")
    p.set_defaults(handler=commands_data.export)

    commands_directory.register(sub, _Parser, _profile)
    commands_due.register(sub, _profile)

    p = sub.add_parser("search", help="世帯・接触記録・記録を検索する")
    _profile(p)
    p.add_argument("query", nargs="+", metavar="語", help="探す語（いくつでも。すべてを含むものを探します）")
    p.add_argument("--limit", type=int, default=50, metavar="N", help="表示する件数（既定 50）")
    p.set_defaults(handler=commands_data.search)

    p = sub.add_parser("check", help="プロファイルの整合性を確かめる")
    _profile(p)
    p.set_defaults(handler=commands_profile.check)

    p = sub.add_parser("passwd", help="パスフレーズを変える")
    _profile(p)
    p.set_defaults(handler=commands_profile.passwd)

    p = sub.add_parser("export-pdf", help="世帯の様式を PDF にする（記入済みがなければ記入用の白紙）")
    _profile(p)
    p.add_argument("--household", required=True, metavar="ID", help="世帯の ID、または取り込んだファイルでの番号（元の番号）")
    p.add_argument("--form", required=True, choices=("1-1", "1-2", "2-1", "2-2", "contact", "shared-sheet"),
                   help="様式（1-1, 1-2, 2-1, 2-2, contact, shared-sheet）")
    p.add_argument("--variant", choices=("consent", "no-consent"), help="白紙の様式1-1の種類（既定: 本人同意あり）")
    p.add_argument("--out", metavar="FILE", help="出力する PDF（既定: 様式-世帯ID.pdf）")
    p.add_argument("--forms", metavar="DIR", help="市独自の様式定義のフォルダ（設定 forms_dir より優先）")
    p.set_defaults(handler=commands_forms.export_pdf)

    p = sub.add_parser("check-install", help="動作確認: 画面を開いて一覧を表示し、PDF を1枚作って閉じる（導入後に）")
    _profile(p)
    p.add_argument("--pdf", required=True, metavar="FILE", help="作る PDF（最初の世帯の支援経過記録）")
    p.set_defaults(handler=commands_window.check_install)

    p = sub.add_parser("forms-check", help="様式定義のフォルダを検査する（誤りはファイル名と行番号つきで表示）")
    p.add_argument("folder", metavar="DIR")
    p.set_defaults(handler=commands_forms.forms_check)

    p = sub.add_parser("setting", help="プロファイルの設定を表示・変更する（city_name, forms_dir, pdf_font）")
    _profile(p)
    p.add_argument("key", nargs="?", choices=("city_name", "forms_dir", "pdf_font"))
    p.add_argument("value", nargs="?")
    p.set_defaults(handler=commands_forms.setting)

    p = sub.add_parser("enrol", help="この端末を中央ストアに登録する（登録コードは事務局が発行）")
    _profile(p)
    p.add_argument("--server", required=True, metavar="URL", help="中央ストアの URL（例: https://yorisoi.city.local:8443）")
    given = p.add_mutually_exclusive_group(required=True)
    given.add_argument("--ticket", metavar="TICKET", help="事務局から受け取った登録チケット（yrs1:…。コードと指紋を含む）")
    given.add_argument("--code", metavar="CODE", help="登録コード（チケットを手で入力するときは、下の2つの指紋も）")
    p.add_argument("--name", help="この端末の名前（既定: コンピュータ名）")
    p.add_argument("--server-fingerprint", metavar="SHA256", help="サーバ証明書の指紋（--code と。違えば登録コードを送りません）")
    p.add_argument("--org-fingerprint", metavar="FP", help="組織の鍵の指紋（--code と。違えば登録コードを送りません）")
    p.add_argument("--recovery-sheet", metavar="FILE.pdf",
                   help="組織を作る最初の事務局の端末のとき、組織の鍵の回復シートをここに作る（回復用パスフレーズを入力）")
    p.set_defaults(handler=commands_sync.enrol)

    p = sub.add_parser("ticket", help="登録コードから、この端末が固定した指紋で登録チケットを作る（チケットなら照合する）")
    _profile(p)
    p.add_argument("given", metavar="CODE|TICKET", help="中央ストアの管理者が出した登録コード、または登録チケット")
    p.set_defaults(handler=commands_sync.ticket)

    p = sub.add_parser("server-cert", help="中央ストアの新しい証明書に組織の鍵で署名する（事務局の端末で）")
    _profile(p)
    actions = p.add_subparsers(dest="cert_action", parser_class=_Parser, required=True, metavar="sign")
    a = actions.add_parser("sign", help="新しい証明書に署名して中央ストアに預ける（切り替える前に）")
    _profile(a, nested=True)
    a.add_argument("cert", metavar="CERT.pem", help="中央ストアの新しい証明書（make-cert が作った cert.pem）")
    a.set_defaults(handler=commands_sync.sign_server_cert)

    p = sub.add_parser("sync", help="中央ストアと一度同期する（送信と受信）")
    _profile(p)
    p.set_defaults(handler=commands_sync.sync)

    p = sub.add_parser("sync-status", help="同期の状態（送信待ちの変更、最後の同期）を表示する")
    _profile(p)
    p.set_defaults(handler=commands_sync.status)

    p = sub.add_parser("devices", help="組織の端末の一覧（事務局: 端末の承認・停止、未送信の件数）")
    _profile(p)
    p.set_defaults(handler=commands_sync.devices, fingerprint=None)
    actions = p.add_subparsers(dest="devices_action", parser_class=_Parser)
    a = actions.add_parser("approve", help="承認待ちの端末を指紋で承認する（事務局の端末で）")
    _profile(a, nested=True)
    a.add_argument("fingerprint", metavar="FINGERPRINT", help="端末の指紋（yorisoi enrol が表示したもの）")
    a.set_defaults(handler=commands_sync.approve)
    a = actions.add_parser("revoke", help="端末を停止する（組織の署名つき。以後その端末は同期できず、次の接続で未送信の記録を封印して世帯のデータを消す。事務局の端末で）")
    _profile(a, nested=True)
    a.add_argument("fingerprint", metavar="FINGERPRINT", help="停止する端末の指紋（yorisoi devices が表示したもの）")
    a.set_defaults(handler=commands_sync.revoke)

    p = sub.add_parser("quarantine", help="受信時の検査で取り分けた記録の束（送った端末と理由）を見る・検査し直す・捨てる（事務局の端末で）")
    _profile(p)
    p.set_defaults(handler=commands_sync.quarantine_list)
    actions = p.add_subparsers(dest="quarantine_action", parser_class=_Parser, metavar="list|release|drop")
    a = actions.add_parser("list", help="取り分けた束の一覧（番号、送った利用者と端末、理由）")
    _profile(a, nested=True)
    a.set_defaults(handler=commands_sync.quarantine_list)
    a = actions.add_parser("release", help="番号の束をもう一度検査する（通れば反映、だめならまた取り分け）")
    _profile(a, nested=True)
    a.add_argument("seqs", metavar="NUMBER", nargs="+", type=int, help="yorisoi quarantine list の番号")
    a.set_defaults(handler=commands_sync.quarantine_release)
    a = actions.add_parser("drop", help="番号の束を捨てる（反映しない）")
    _profile(a, nested=True)
    a.add_argument("seqs", metavar="NUMBER", nargs="+", type=int, help="yorisoi quarantine list の番号")
    a.set_defaults(handler=commands_sync.quarantine_drop)

    p = sub.add_parser("import-unsent", help="停止した端末が封印した未送信の記録を取り込む（事務局の端末で）")
    _profile(p)
    p.add_argument("file", metavar="FILE", help="停止した端末が保存した .yorisoi-unsent ファイル")
    p.set_defaults(handler=commands_sync.import_unsent)

    p = sub.add_parser("assign", help="世帯を支援員の担当にする（これまでの経過ごと共有。事務局の端末で）")
    _profile(p)
    p.add_argument("--household", required=True, metavar="ID", help="世帯の ID、または取り込んだファイルでの番号（元の番号）")
    p.add_argument("--user", required=True, metavar="LOGIN", help="支援員の利用者名")
    p.set_defaults(handler=commands_sync.assign)

    p = sub.add_parser("recovery-sheet", help="組織の鍵の回復シート（PDF）を作る（事務局の端末で。印刷して金庫に保管）")
    _profile(p)
    p.add_argument("--out", required=True, metavar="FILE.pdf")
    p.set_defaults(handler=commands_recovery.recovery_sheet)

    p = sub.add_parser("recover", help="回復シートから事務局の端末を戻す（事務局の利用者で登録した新しい端末で）")
    _profile(p)
    p.add_argument("--sheet", metavar="FILE", help="回復シートの PDF か、行を打ち込んだテキスト（省略すると1行ずつ入力）")
    p.set_defaults(handler=commands_recovery.recover)

    p = sub.add_parser("org-keys", help="組織の鍵を2台目の事務局の端末に渡す・受け取る")
    actions = p.add_subparsers(dest="org_keys_action", parser_class=_Parser, required=True, metavar="give|take")
    a = actions.add_parser("give", help="承認済みの事務局の端末あてに、組織の鍵を封をしたファイルに書き出す")
    _profile(a)
    a.add_argument("fingerprint", metavar="FINGERPRINT", help="渡す先の事務局の端末の指紋")
    a.add_argument("--out", required=True, metavar="FILE")
    a.set_defaults(handler=commands_recovery.give)
    a = actions.add_parser("take", help="受け渡しファイルから組織の鍵を受け取る")
    _profile(a)
    a.add_argument("file", metavar="FILE")
    a.set_defaults(handler=commands_recovery.take)

    commands_meetings.add_parsers(sub, _profile, _Parser)

    p = sub.add_parser("unassign", help="世帯の担当から支援員を外す（組織の鍵で署名。鍵を更新し、その端末から世帯を消す。事務局の端末で）")
    _profile(p)
    p.add_argument("--household", required=True, metavar="ID", help="世帯の ID、または取り込んだファイルでの番号（元の番号）")
    p.add_argument("--user", required=True, metavar="LOGIN", help="担当から外す支援員の利用者名")
    p.set_defaults(handler=commands_sync.unassign)

    p = sub.add_parser("transfer", help="人事異動: 担当世帯を別の支援員に引き継ぐ（追加・解除・鍵の更新を一度に。事務局の端末で）")
    _profile(p)
    p.add_argument("--from", dest="source", required=True, metavar="LOGIN", help="異動する（担当を外れる）支援員の利用者名")
    p.add_argument("--to", dest="target", required=True, metavar="LOGIN", help="担当を引き継ぐ支援員の利用者名")
    p.add_argument("--household", dest="households", action="append", metavar="ID",
                   help="引き継ぐ世帯（複数可）。省略すると異動元の担当世帯すべて")
    p.set_defaults(handler=commands_sync.transfer)

    return parser
