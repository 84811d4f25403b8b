"""`yorisoi-server serve`: check what was asked, prepare the database, start uvicorn.

Plain HTTP is allowed only on a loopback address: anything else would send bearer tokens and
enrolment codes across a network in clear text, so that is refused (exit 2), not warned."""

from __future__ import annotations

import os
import ssl
from dataclasses import dataclass
from pathlib import Path

from sync.protocol import is_loopback

from . import config, tls


class ServeError(Exception):
    """The command as given cannot run; the message is Japanese."""


@dataclass(frozen=True)
class Plan:
    data: Path
    db_url: str
    host: str
    port: int
    workers: int
    cert: Path | None
    key: Path | None
    fingerprint: str | None

    @property
    def url(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"{'https' if self.cert else 'http'}://{host}:{self.port}/"


def plan(data_arg: str, db_arg: str | None, host: str, port: int, cert: str | None, key: str | None,
         workers: int) -> Plan:
    if not 1 <= port <= 65535:
        raise ServeError("ポート番号は1〜65535で指定してください。")
    if not 1 <= workers <= 64:
        raise ServeError("--workers は1〜64で指定してください。")
    if bool(cert) != bool(key):
        raise ServeError("--cert と --key は両方指定してください。")
    data = config.ensure_data_dir(data_arg)
    if cert is None:
        default_cert, default_key = tls.paths(data)
        if default_cert.exists() and default_key.exists():
            cert, key = str(default_cert), str(default_key)
    if cert is None and not is_loopback(host):
        raise ServeError(f"TLS なしでは {host} で待ち受けできません (トークンが平文で流れます)。\n"
                         f"  yorisoi-server make-cert --data {data} --host <このサーバーの名前またはIP>\n"
                         "で証明書を作るか --cert/--key を指定してください。"
                         "TLS なしで試すだけなら --host 127.0.0.1 にしてください。")
    fp = None
    if cert is not None:
        try:
            fp = tls.fingerprint(Path(cert).read_bytes())
            ssl.create_default_context(ssl.Purpose.CLIENT_AUTH).load_cert_chain(cert, key)
        except ssl.SSLError as e:  # before OSError: it is one
            raise ServeError(f"証明書と秘密鍵が対になっていないか、形式が違います: {cert}, {key}") from e
        except OSError as e:
            raise ServeError(f"証明書または鍵のファイルを読めません: {e.filename}") from e
    return Plan(data=data, db_url=config.resolve_db_url(data, db_arg), host=host, port=port, workers=workers,
                cert=Path(cert).resolve() if cert else None, key=Path(key).resolve() if key else None,
                fingerprint=fp)


def announce(p: Plan, pool: int | None = None) -> list[str]:
    from . import logs

    lines = [f"yorisoi 中央ストアを起動します: {p.url}"]
    if p.fingerprint:
        lines.append(f"証明書の SHA-256 指紋: {p.fingerprint}")
        lines.append("(端末の登録画面に表示される指紋と同じか確かめてください)")
    else:
        lines.append("警告: TLS なしで起動します。ループバック上の試験用で、他の端末からは接続できません。")
    lines.append(f"データベース: {config.describe(p.db_url)}")
    if pool is not None:
        lines.append(f"データベース接続: ワーカー {p.workers} × {pool} = 最大 {p.workers * pool}")
    lines.append(f"ログ: {logs.log_path(p.data)}")
    return lines


def run(p: Plan, pool: int | None = None) -> None:
    import uvicorn

    from . import logs

    # Each worker builds its app from these (app.app_from_env).
    os.environ[config.DATA_ENV] = str(p.data)
    os.environ[config.DB_ENV] = p.db_url
    if pool is not None:
        os.environ[config.POOL_ENV] = str(pool)
    logs.log_path(p.data).parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    uvicorn.run("sync.server.app:app_from_env", factory=True, host=p.host, port=p.port, workers=p.workers,
                ssl_certfile=str(p.cert) if p.cert else None, ssl_keyfile=str(p.key) if p.key else None,
                log_config=logs.uvicorn_log_config(p.data), access_log=False, server_header=False,
                date_header=False)
