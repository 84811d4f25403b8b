"""init, demo, check, passwd."""

from __future__ import annotations

import logging
import sys

from app import checks, profiles
from app.demo import fill
from app.errors import InvalidInput
from ui.cli import passphrase
from ui.cli.report import say
from ui.cli.session import folder_of, opened

log = logging.getLogger("yorisoi")
DEMO_KEY = "demo"


def init(args) -> int:
    folder = folder_of(args)
    secret = passphrase.read("新しいパスフレーズ（8文字以上）: ", confirm=True)
    session = profiles.create(folder, secret, owner_name=args.name, city_name=args.city)
    session.close()
    say(f"プロファイルを作りました: {folder}")
    if not args.city:
        say("様式に印刷する市町村名は「yorisoi setting --profile DIR city_name 〇〇市」で設定できます。")
    log.info("init")
    return 0


def demo(args) -> int:
    folder = folder_of(args)
    if args.households < 1 or args.households > 200_000:
        raise InvalidInput("--households は 1 から 200000 の間で指定してください。")
    if profiles.exists(folder):
        with opened(args) as session:
            if session.store.meta(DEMO_KEY) != "1":
                raise InvalidInput(f"{folder} には実データのプロファイルがあります。デモは別のフォルダに作ってください。")
        say(f"デモプロファイルはすでにあります: {folder}")
        return 0
    secret = passphrase.read("デモ用のパスフレーズ（8文字以上）: ", confirm=True)
    session = profiles.create(folder, secret, owner_name="デモ 利用者")
    try:
        session.store.set_meta(DEMO_KEY, "1")
        report = fill(session, args.households, args.seed)
    finally:
        session.close()
    say(f"デモプロファイルを作りました: {folder}")
    say(f"  世帯 {report.households}、世帯員 {report.persons}、ケース {report.cases}、"
        f"接触記録 {report.contacts}、記録 {report.notes}、会議 {report.meetings}（{report.seconds:.1f} 秒）")
    log.info("demo households=%d seconds=%.1f", report.households, report.seconds)
    return 0


def check(args) -> int:
    with opened(args, verify=False) as session:
        report = checks.check(session)
    for line in report.passed:
        say(f"OK  {line}")
    for line in report.problems:
        print(f"NG  {line}", file=sys.stderr)
    if report.problems:
        print(f"問題が {len(report.problems)} 項目で見つかりました。ファイルは変更していません。"
              "バックアップから戻すか、事務局に連絡してください。", file=sys.stderr)
    log.info("check ok=%s problems=%d", report.ok, len(report.problems))
    return 0 if report.ok else 1


def passwd(args) -> int:
    folder = folder_of(args)
    old = passphrase.read("現在のパスフレーズ: ")
    new = passphrase.read("新しいパスフレーズ（8文字以上）: ", confirm=True, env="YORISOI_NEW_PASSPHRASE")
    profiles.change_passphrase(folder, old, new)
    say("パスフレーズを変えました（データベースは暗号化し直していません。鍵の包み直しだけです）。")
    log.info("passwd")
    return 0
