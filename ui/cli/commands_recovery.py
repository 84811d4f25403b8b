"""recovery-sheet, recover, org-keys give/take: the organisation's keys outside the office PC."""

from __future__ import annotations

import logging
import os
import sys
from pathlib import Path

from ui.cli import passphrase
from ui.cli.report import say
from ui.cli.session import opened

log = logging.getLogger("yorisoi")
RECOVERY_ENV = "YORISOI_RECOVERY_PASSPHRASE"


def _write_private(path: Path, data: bytes) -> None:
    """Readable by the user only: a sheet or a gift is worth protecting even sealed."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as out:
        out.write(data)


def make_sheet(session, out: Path, device_name: str = "") -> None:
    secret = passphrase.read("回復用パスフレーズ（プロファイルのものとは別に）: ", confirm=True, env=RECOVERY_ENV)
    sheet = session.recovery.make_sheet(secret, device_name=device_name)
    _write_private(out, sheet.pdf)
    say(f"回復シートを作りました: {out}（確認コード {sheet.check_code}）")
    say("  印刷して金庫などに保管し、PDF ファイルは削除してください。回復用パスフレーズはシートとは別の場所に保管します。")
    log.info("recovery sheet made")


def recovery_sheet(args) -> int:
    with opened(args) as session:
        make_sheet(session, Path(args.out))
    return 0


def recover(args) -> int:
    if args.sheet:
        data = Path(args.sheet).read_bytes()
    else:
        if sys.stdin.isatty():
            say("回復シートの行（01 から）を1行ずつ入力し、最後に空の行を入力してください。")
        typed = []
        for line in sys.stdin:
            if not line.strip():
                break
            typed.append(line)
        data = "".join(typed).encode("utf-8")
    with opened(args) as session:
        text = session.recovery.sheet_text(data)
        secret = passphrase.read("回復用パスフレーズ: ", env=RECOVERY_ENV)
        done = session.recovery.recover(text, secret)
    say(f"組織の鍵を回復シートから戻しました。この端末が事務局の端末として承認され、{done.keys} 件の保管庫の鍵を取り込みました。")
    say("  端末の承認（yorisoi devices approve）と、すべての世帯の記録の読み出しができます。"
        "新しい回復シートを作ることをおすすめします（yorisoi recovery-sheet）。")
    log.info("recovered keys=%d complete=%s", done.keys, done.report.complete)
    return 0


def give(args) -> int:
    with opened(args) as session:
        data = session.recovery.give(args.fingerprint)
    _write_private(Path(args.out), data)
    say(f"組織の鍵を、指紋 {args.fingerprint} の事務局の端末あてに封をして書き出しました: {args.out}")
    say("  その端末で「yorisoi org-keys take ファイル」を実行してください。ほかの端末では開けません。使ったら削除してください。")
    return 0


def take(args) -> int:
    with opened(args) as session:
        done = session.recovery.take(Path(args.file).read_bytes())
    say(f"組織の鍵を受け取りました。この端末でも端末の承認ができます（保管庫の鍵 {done.keys} 件を取り込みました）。")
    return 0
