"""Where the store keeps its things: the data dir, and which database it uses.

The database is, in order: `--db`, the environment's YORISOI_SERVER_DB, what DIR/server.json
remembers from an earlier `--db`, and otherwise the embedded SQLite file DIR/central.db. An
explicit `--db` that worked is remembered, so `serve --db postgresql://…` followed by `admin --data DIR …`
reaches the same database."""

from __future__ import annotations

import json
import os
from pathlib import Path

from . import db

DB_ENV = "YORISOI_SERVER_DB"
DATA_ENV = "YORISOI_SERVER_DATA"
POOL_ENV = "YORISOI_SERVER_POOL"  # connections per worker, sized by serve (capacity.py)
SETTINGS = "server.json"
SQLITE_FILE = "central.db"


class ConfigError(Exception):
    """A setting that cannot be used; the message is for the admin (Japanese)."""


def ensure_data_dir(path: str | os.PathLike) -> Path:
    data = Path(path).expanduser().resolve()
    if data.exists() and not data.is_dir():
        raise ConfigError(f"データディレクトリがディレクトリではありません: {data}")
    try:
        data.mkdir(parents=True, exist_ok=True, mode=0o700)
    except OSError as e:
        raise ConfigError(f"データディレクトリを作成できません: {data} ({e.strerror})") from e
    return data


def _settings_path(data: Path) -> Path:
    return data / SETTINGS


def _remembered(data: Path) -> str | None:
    path = _settings_path(data)
    if not path.exists():
        return None
    try:
        value = json.loads(path.read_text(encoding="utf-8")).get("db")
    except (OSError, ValueError, AttributeError) as e:
        raise ConfigError(f"{path} を読めません。削除するか修正してください。") from e
    return value if isinstance(value, str) and value else None


def remember_db(data: Path, url: str) -> None:
    """Write DIR/server.json (0600: a PostgreSQL URL may carry a password). Called once the
    database answered, so a mistyped --db is not remembered."""
    url = _checked(url)
    if _remembered(data) == url:
        return
    path = _settings_path(data)
    tmp = path.with_suffix(".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        json.dump({"db": url}, f)
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, path)


def resolve_db_url(data: Path, cli_db: str | None) -> str:
    if cli_db:
        return _checked(cli_db)
    from_env = os.environ.get(DB_ENV)
    if from_env:
        return _checked(from_env)
    remembered = _remembered(data)
    if remembered:
        return _checked(remembered)
    path = data / SQLITE_FILE
    if not path.exists():
        # Owner-only from the first byte (SQLite's WAL and -shm files take the same mode): the
        # store holds only ciphertext, but who belongs to which household is still the city's.
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT, 0o600))
    return db.sqlite_url(str(path))


def _checked(url: str) -> str:
    url = url.strip()
    if not (url.startswith(("postgresql://", "postgres://", "postgresql+psycopg://", "sqlite:///"))):
        raise ConfigError("--db には postgresql://ユーザー@ホスト/データベース名 "
                          "または sqlite:///ファイルのパス を指定してください。")
    return url


def describe(url: str) -> str:
    """The database as shown to the admin: without a password."""
    from sqlalchemy.engine import make_url

    return make_url(db.normalise_url(url)).render_as_string(hide_password=True)


SERVE_FILE = "serve.json"  # the workers and pool `serve` last started with, for `admin check`
BACKUP_FILE = "backup.json"  # when the last backup was made: {"at_ms": int}


def _write_json(path: Path, value: dict) -> None:
    tmp = path.with_suffix(".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        json.dump(value, f)
    os.replace(tmp, path)


def _read_json(path: Path) -> dict:
    try:
        value = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}  # missing or damaged: as if never recorded
    return value if isinstance(value, dict) else {}


def remember_serve(data: Path, workers: int, pool: int | None) -> None:
    _write_json(data / SERVE_FILE, {"workers": workers, "pool": pool})


def served_with(data: Path) -> tuple[int | None, int | None]:
    value = _read_json(data / SERVE_FILE)
    workers, pool = value.get("workers"), value.get("pool")
    return (workers if isinstance(workers, int) else None, pool if isinstance(pool, int) else None)


def record_backup(data: Path, at_ms: int) -> None:
    """Called by whatever made a backup, so `admin check` can say how old it is."""
    _write_json(data / BACKUP_FILE, {"at_ms": at_ms})


def last_backup_ms(data: Path) -> int | None:
    at = _read_json(data / BACKUP_FILE).get("at_ms")
    return at if isinstance(at, int) else None
