"""enrol, sync, devices (approve, revoke), quarantine, import-unsent, assign, unassign, transfer: this
laptop and the central store."""

from __future__ import annotations

import datetime as dt
import logging
import sys
from pathlib import Path

from app.errors import describe
from sync.client.errors import DevicePending, DeviceRevoked, Unreachable
from ui.cli.report import say
from ui.cli.session import opened

log = logging.getLogger("yorisoi")


def enrol(args) -> int:
    with opened(args) as session:
        done = session.sync.enrol(args.server, args.ticket or args.code, device_name=args.name,
                                  server_fingerprint=args.server_fingerprint, org_fingerprint=args.org_fingerprint)
        _say_enrolled(done)
        if done.bootstrap:
            if args.recovery_sheet:
                from ui.cli.commands_recovery import make_sheet

                make_sheet(session, Path(args.recovery_sheet), device_name=args.name or "")
            else:
                say(SHEET_REMINDER)
    log.info("enrol role=%s bootstrap=%s", done.identity.role, done.bootstrap)
    return 0


SHEET_REMINDER = ("組織の鍵はまだこの端末にしかありません。この端末が壊れると、端末の承認も記録の回復もできなくなります。"
                  "回復シートを作って印刷し、金庫に保管してください: yorisoi recovery-sheet --out 回復シート.pdf")


def _say_enrolled(done) -> None:
    identity = done.identity
    say(f"中央ストアに登録しました: {identity.server}（{identity.org_name}、利用者 {identity.login}）")
    if done.cert_fingerprint:
        say(f"  サーバ証明書の指紋: {done.cert_fingerprint}")
    say(f"  この端末の指紋:     {done.fingerprint}")
    if done.org_fingerprint:
        say(f"  組織の鍵の指紋:     {done.org_fingerprint}")
    if done.bootstrap:
        say("この端末は事務局の端末です。組織の鍵を作り、この端末に保存しました（パスフレーズで暗号化）。")
    else:
        say("事務局に上の「この端末の指紋」を伝えて、承認を受けてください（yorisoi devices approve 指紋）。")


def ticket(args) -> int:
    with opened(args) as session:
        made, matches = session.sync.ticket(args.given)
    if matches is False:
        print("yorisoi: この登録チケットの指紋は、この端末が固定している中央ストアの証明書・組織の鍵と違います。"
              "このチケットは使わず、下のチケットを渡してください（コードは同じです）。", file=sys.stderr)
    elif matches:
        say("この登録チケットの指紋は、この端末が固定している証明書・組織の鍵と一致します。")
    say("登録チケット（この端末が固定している証明書と組織の鍵の指紋入り）:")
    say(f"  {made}")
    return 1 if matches is False else 0


def sign_server_cert(args) -> int:
    path = Path(args.cert)
    try:
        pem = path.read_bytes()
    except OSError as exc:
        print(f"yorisoi: 証明書のファイルを読めません: {path}（{exc.strerror}）", file=sys.stderr)
        return 2
    with opened(args) as session:
        fingerprint = session.sync.sign_server_cert(pem)
    say(f"中央ストアの証明書に組織の鍵で署名し、中央ストアに預けました: {fingerprint}")
    say("この証明書に切り替えても、各端末は次の同期で署名を確かめて受け入れます。署名のない証明書は受け入れません。")
    log.info("server-cert signed")
    return 0


def sync(args) -> int:
    with opened(args) as session:
        try:
            report = session.sync.run(progress=_progress if sys.stderr.isatty() else None)
        except (DevicePending, DeviceRevoked) as exc:
            print(f"yorisoi: {describe(exc)}", file=sys.stderr)
            log.info("sync refused: %s", type(exc).__name__)
            return 2
        except Unreachable as exc:
            print(f"yorisoi: {describe(exc)}", file=sys.stderr)
            log.info("sync unreachable: %s", exc.reason)
            return 1
        status = session.sync.status()
    say(f"送った変更: {report.pushed_changes} 件、受け取った記録: {report.merged_records} 件"
        f"（{report.pulled_envelopes} 回分）、鍵: 受け取り {report.keys_received}・渡した {report.keys_supplied}")
    if report.households:
        say(f"  更新された世帯: {len(report.households)}")
    if report.purged:
        say(f"  担当を外れた世帯: {len(report.purged)}（この端末から消去しました）")
    for file in report.sealed_files:
        say(f"  その世帯の未送信の記録は組織だけが開ける形でファイルに保存しました: {file}（事務局に渡してください）")
    if report.bad_copies:
        say(f"  正しくない鍵のコピーを {report.bad_copies} 件受け取りました。使わずに中央ストアへ報告し、"
            "差し替えを求めました（次の同期で正しい鍵が届きます）。")
    if status.open_flags:
        say(f"  確認が必要な事項: {status.open_flags} 件（同時に行われた変更があります。画面で確認してください）")
    if report.store_went_back and status.store_rollback:
        say(f"  ⚠ {status.store_rollback}")
    log.info("sync pushed=%d pulled=%d complete=%s", report.pushed_changes, report.pulled_envelopes, report.complete)
    if report.complete:
        say("すべて交換しました。")
        return 0
    reasons = []
    if report.held:
        reasons.append(f"鍵がまだ届いていないか、この版では読めない変更が {report.held} 件あります（保管してあり、次の同期で再試行します）")
    if report.waiting_vaults:
        reasons.append(f"中央ストアにまだ登録できない保管庫が {report.waiting_vaults} 件あります（共有データは事務局の端末が先に同期する必要があります）")
    if not reasons:
        reasons.append("送り切れなかった変更があります")
    for reason in reasons:
        print(f"yorisoi: {reason}。", file=sys.stderr)
    return 1


def _progress(stage: str, done: int, total: int) -> None:
    if stage == "pull" and total > 0:
        print(f"\r受信中… {min(100, done * 100 // total)}%", end="", file=sys.stderr, flush=True)
        if done >= total:
            print(file=sys.stderr)


def devices(args) -> int:
    if getattr(args, "fingerprint", None):
        return approve(args)
    with opened(args) as session:
        found = session.sync.devices()
    pending = [d for d in found if d.status == "pending"]
    others = [d for d in found if d.status != "pending"]
    say(f"承認待ちの端末: {len(pending)} 台")
    for d in pending:
        say(f"  {d.fingerprint}  {d.login}（{_role(d.role)}）  {d.name}")
    say(f"登録済みの端末: {len(others)} 台")
    for d in others:
        mark = "この端末" if d.this_device else ("署名確認済み" if d.trusted else "署名を確認できません")
        say(f"  {d.fingerprint}  {d.login}（{_role(d.role)}）  {d.name}  {_device_status(d)}  [{mark}]")
        if d.unsent is not None:
            say(f"      {_unsent(d.unsent)}")
        if d.imported is not None:
            i = d.imported
            span = f"、{_when(i.oldest_ms)}〜{_when(i.newest_ms)}" if i.oldest_ms else ""
            say(f"      封印ファイルから取り込み済み: {i.count} 件{span}（{_when(i.reported_ms)}）")
    return 0


def _device_status(d) -> str:
    if d.status == "revoked":
        return f"停止（{_when(d.revoked_ms)}、組織の署名あり）" if d.revoked_ms else "停止（組織の署名なし）"
    return _status(d.status)


def _unsent(u) -> str:
    said = f"（{_when(u.reported_ms)} の報告）"
    if not u.count:
        return f"未送信の変更: なし{said}"
    return f"未送信の変更: {u.count} 件、{_when(u.oldest_ms)}〜{_when(u.newest_ms)}{said}"


def _when(ms: int | None) -> str:
    return dt.datetime.fromtimestamp(ms / 1000).strftime("%Y-%m-%d %H:%M") if ms else "不明"


def revoke(args) -> int:
    with opened(args) as session:
        device = session.sync.revoke(args.fingerprint)
    say(f"停止しました: {device.login} の端末「{device.name}」（{device.fingerprint}）")
    say("  中央ストアはこの端末をすぐに拒否します。ほかの端末は次の同期で組織の署名を確かめ、鍵を渡さなくなります。")
    say("  この端末は次に接続したとき、送信していなかった記録を事務局だけが開けるファイルに封印し、世帯のデータを消します。")
    say("  そのファイルを受け取ったら: yorisoi import-unsent ファイル")
    return 0


REASONS = {
    "format": "この版では読めない形式",
    "oversize": "展開すると大きすぎる（上限を超える）",
    "signature": "送った端末の署名が合わない",
    "integrity": "暗号の検証に失敗（改ざんの可能性）",
    "stamp": "変更時刻の形式が不正か、中央ストアの時刻より先すぎる",
    "foreign": "この束の世帯・共有の範囲の外の記録に触れている",
    "forged_author": "記録者を別の利用者と偽っている",
}


def quarantine_list(args) -> int:
    with opened(args) as session:
        kept = session.sync.quarantined()
    if not kept:
        say("取り分けた記録の束はありません。")
        return 0
    say(f"受信時の検査で取り分けた記録の束: {len(kept)} 件（反映していません）")
    for q in kept:
        who = f"{q.login} の端末 {q.author}" if q.login else f"端末 {q.author or '不明'}"
        say(f"  {q.seq}  {who}  {REASONS.get(q.reason, q.reason)}  {q.at}")
        if q.detail:
            say(f"      {q.detail}")
    say("  もう一度検査する: yorisoi quarantine release 番号 / 捨てる: yorisoi quarantine drop 番号")
    return 0


def quarantine_release(args) -> int:
    with opened(args) as session:
        moved = session.sync.release(args.seqs)
        left = {q.seq for q in session.sync.quarantined()}
    again = [seq for seq in args.seqs if seq in left]
    say(f"もう一度検査しました: {moved} 件。" + (f"通らずに取り分けたままの束: {', '.join(map(str, again))}"
                                              if again else "すべて反映しました。"))
    return 1 if again else 0


def quarantine_drop(args) -> int:
    with opened(args) as session:
        dropped = session.sync.drop(args.seqs)
    say(f"捨てました: {dropped} 件（反映していません）。")
    return 0


def import_unsent(args) -> int:
    with opened(args) as session:
        done = session.sync.import_unsent(args.file)
    span = f"、{_when(done.oldest_ms)}〜{_when(done.newest_ms)}" if done.oldest_ms else ""
    if done.again:
        say(f"このファイル（{done.login} の端末、未送信 {done.count} 件{span}）は取り込み済みです。何も変えていません。")
        return 0
    say(f"取り込みました: {done.login} の停止した端末が送信していなかった変更 {done.count} 件{span}")
    say(f"  反映した記録: {done.records} 件（世帯 {done.households}）。次の同期で中央ストアに送ります。")
    return 0


def approve(args) -> int:
    with opened(args) as session:
        device = session.sync.approve(args.fingerprint)
    say(f"承認しました: {device.login} の端末「{device.name}」（{device.fingerprint}）")
    return 0


def assign(args) -> int:
    with opened(args) as session:
        household = session.households.get(args.household)
        supplied = session.sync.assign(args.household, args.user)
    say(f"{household.name} を {args.user} さんの担当にしました（これまでの経過を含めて共有されます）。")
    if not supplied:
        say("  その利用者の端末はまだ承認されていないか、登録されていません。承認後の同期で鍵が渡されます。")
    return 0


def unassign(args) -> int:
    with opened(args) as session:
        household = session.households.get(args.household)
        session.sync.unassign(args.household, args.user)
    say(f"{household.name} の担当から {args.user} さんを外しました（組織の鍵で署名）。")
    say("  世帯の鍵を新しくしました。これからの記録は残る担当者と事務局だけが読めます。")
    say(f"  {args.user} さんの端末は、次の同期でこの世帯のデータ（記録・検索索引・下書き）を消去します。")
    return 0


def transfer(args) -> int:
    with opened(args) as session:
        chosen = [session.households.resolve(h) for h in args.households] if args.households else None
        moved = session.sync.transfer(args.source, args.target, chosen)
        names = [session.households.get(h).name for h in moved]
    say(f"人事異動: {args.source} さんの担当 {len(moved)} 世帯を {args.target} さんに引き継ぎました。")
    for name in names:
        say(f"  {name}（経過に「担当交代」を記録し、世帯の鍵を新しくしました）")
    say(f"  {args.source} さんの端末は、次の同期でこれらの世帯のデータを消去します。")
    return 0


def status(args) -> int:
    with opened(args) as session:
        s = session.sync.status()
        stopped = session.sync.stopped() if s.enrolled else None
    if stopped is not None:  # revoked at an earlier contact: why, and where the sealed file is
        say(describe(stopped))
    if not s.enrolled:
        say("中央ストアには未登録です（オフラインで利用中）。")
        say(f"  送信待ちの変更: {s.pending_changes} 件")
        return 0
    last = dt.datetime.fromtimestamp(s.last_sync_ms / 1000).strftime("%Y-%m-%d %H:%M") if s.last_sync_ms else "まだ"
    say(f"中央ストア: {s.server}（利用者 {s.login}、{_role(s.role)}、端末は{_status(s.device_status)}）")
    say(f"  送信待ちの変更: {s.pending_changes} 件、最後の同期: {last}、確認が必要な事項: {s.open_flags} 件")
    if s.quarantined:
        say(f"  {quarantine_line(s.quarantined)}")
    if s.sheet_missing:
        say(f"  {SHEET_REMINDER}")
    if s.store_rollback:
        say(f"  ⚠ {s.store_rollback}")
    return 0


def quarantine_line(by_sender: dict[str, int]) -> str:
    who = "、".join(f"{login} {n}件" for login, n in sorted(by_sender.items()))
    return f"受信時の検査で取り分けた束: {sum(by_sender.values())} 件（{who}）。事務局が yorisoi quarantine で確認します。"


def _role(role: str) -> str:
    return {"office": "事務局", "worker": "支援員"}.get(role, role)


def _status(status: str) -> str:
    return {"pending": "承認待ち", "approved": "承認済み", "revoked": "停止"}.get(status, status)

