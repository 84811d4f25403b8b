"""What each `yorisoi-server` command does once its arguments parsed (see cli.py), and the one
place where errors become exit codes and Japanese messages."""

from __future__ import annotations

import sys
import time
from argparse import Namespace
from datetime import datetime
from pathlib import Path

from sqlalchemy.exc import SQLAlchemyError

from . import admin, capacity, check, config, db, maintenance, migrations, serve, tls

STATUS_NAMES = {"pending": "承認待ち", "approved": "承認済み", "revoked": "取り消し"}
KIND_NAMES = {"bootstrap": "初回登録チケット (事務局の最初の端末用)", "device": "端末登録チケット"}


def run(args: Namespace) -> int:
    try:
        return {"serve": _serve, "migrate": _migrate, "make-cert": _make_cert, "admin": _admin}[args.command](args)
    except (admin.AdminError, capacity.CapacityError, config.ConfigError, serve.ServeError, tls.TlsError) as e:
        print(str(e), file=sys.stderr)
        return 2
    except SQLAlchemyError as e:
        # The driver's message can quote statements and values; the class says enough.
        print(f"データベースの操作に失敗しました ({type(e).__name__})。--db の指定と、"
              "データベースが動いているかを確かめてください。", file=sys.stderr)
        return 1
    except OSError as e:
        print(f"ファイルの操作に失敗しました: {e.filename or ''} ({e.strerror})", file=sys.stderr)
        return 1
    except Exception as e:
        print(f"予期しないエラーです ({type(e).__name__})。", file=sys.stderr)
        return 1


def _open_store(args: Namespace):
    """The data dir's database, migrated to the current schema."""
    data = config.ensure_data_dir(args.data)
    return _migrated(data, config.resolve_db_url(data, args.db), args.db)


def _migrated(data, url: str, cli_db: str | None):
    engine = db.make_engine(url)
    try:
        migrations.upgrade(engine)
    except BaseException:
        engine.dispose()
        raise
    if cli_db:
        config.remember_db(data, url)
    return engine


def _serve(args: Namespace) -> int:
    plan = serve.plan(args.data, args.db, args.host, args.port, args.cert, args.key, args.workers)
    engine = _migrated(plan.data, plan.db_url, args.db)
    try:
        pool = capacity.pool_size(capacity.postgres_limits(engine), plan.workers, args.pool_size)
    finally:
        engine.dispose()
    config.remember_serve(plan.data, plan.workers, pool)
    for line in serve.announce(plan, pool):
        print(line, flush=True)
    serve.run(plan, pool)
    return 0


def _migrate(args: Namespace) -> int:
    engine = _open_store(args)
    try:
        maintenance.analyze(engine)  # whether or not it migrated: `admin check` sends people here
        print(f"データベースは最新です (版 {migrations.current(engine)}): "
              f"{engine.url.render_as_string(hide_password=True)}")
    finally:
        engine.dispose()
    return 0


def _make_cert(args: Namespace) -> int:
    data = config.ensure_data_dir(args.data)
    cert, key, fingerprint = tls.make_cert(data, args.host, force=args.force)
    print(f"証明書: {cert}\n秘密鍵: {key} (このサーバーの外に出さないでください)\nSHA-256 指紋: {fingerprint}")
    return 0


def _admin(args: Namespace) -> int:
    engine = _open_store(args)
    try:
        if args.op == "create-org":
            issued = admin.create_org(engine, args.name, args.office_login, args.hours, _cert_sha256(args))
            print(f"組織「{issued.org_name}」と事務局アカウント「{issued.login}」を作成しました。")
            _print_code(issued)
        elif args.op == "add-user":
            org_name, shared = admin.add_user(engine, args.login, args.org, args.role)
            print(f"組織「{org_name}」に{admin.ROLE_NAMES[args.role]}「{args.login}」を追加しました"
                  f"（保管庫 {shared} 件に参加）。")
        elif args.op == "enrol-code":
            _print_code(admin.enrol_code_for(engine, args.login, args.org, args.hours, _cert_sha256(args)))
        elif args.op == "list-devices":
            _print_devices(admin.list_devices(engine, args.org))
        elif args.op == "check":
            return _check(engine, args)
    finally:
        engine.dispose()
    return 0


def _check(engine, args: Namespace) -> int:
    findings = check.run(engine, config.ensure_data_dir(args.data), args.workers, args.pool_size,
                         int(time.time() * 1000))
    for finding in findings:
        print(finding.line())
    to_fix = sum(f.must_fix for f in findings)
    print(f"直すべきことが {to_fix} 件あります。" if to_fix else "直すべきことはありません。")
    return 1 if to_fix else 0


def _cert_sha256(args: Namespace) -> bytes | None:
    """The certificate `serve` presents (the one given, else the data folder's); None when the
    store serves without TLS (loopback only), so the ticket carries no certificate."""
    path = Path(args.cert) if args.cert else tls.paths(config.ensure_data_dir(args.data))[0]
    if not args.cert and not path.exists():
        return None
    return tls.sha256(path.read_bytes())


def _print_code(issued: admin.IssuedCode) -> None:
    print(f"{KIND_NAMES[issued.kind]} ({issued.login}、1回限り、{_when(issued.expires_ms)} まで有効):")
    print(f"  {issued.ticket}")
    print("端末で: yorisoi enrol --server URL --ticket 上のチケット (または 同期 → 中央ストアに登録…)")
    print("手で入力する場合 (同じ内容):")
    print(f"  登録コード:         {issued.code}")
    if issued.cert_sha256:
        print(f"  サーバ証明書の指紋: {':'.join(f'{b:02X}' for b in issued.cert_sha256)}")
    else:
        print("  サーバ証明書の指紋: なし (TLS なしのストア: この端末上 (ループバック) からのみ登録できます)")
    if issued.org_fingerprint:
        print(f"  組織の鍵の指紋:     {issued.org_fingerprint}")
    else:
        print("  組織の鍵の指紋:     なし (組織の最初の端末が組織の鍵を作ります)")


def _print_devices(devices: list[admin.DeviceInfo]) -> None:
    if not devices:
        print("登録された端末はありません。")
        return
    print("ID\tログイン\t役割\t端末名\t状態\t指紋\t最終接続")
    for d in devices:
        print("\t".join([d.id, d.login, admin.ROLE_NAMES.get(d.role, d.role), d.name,
                         STATUS_NAMES.get(d.status, d.status), d.fingerprint, _when(d.last_seen_ms)]))


def _when(ms: int | None) -> str:
    return "-" if ms is None else datetime.fromtimestamp(ms / 1000).strftime("%Y-%m-%d %H:%M")
