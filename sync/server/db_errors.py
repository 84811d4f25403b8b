"""Database failures in words an operator can act on, and the 503 a client gets for them.

The driver's own message can quote statements and values, so it is matched, never logged."""

from __future__ import annotations

from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout

UNAVAILABLE = "unavailable"

_CAUSES = (
    (("too many clients", "remaining connection slots"),
     "PostgreSQL の max_connections に達しました: --workers か --pool-size を減らすか、"
     "PostgreSQL の max_connections を増やしてください (yorisoi-server admin check で確認できます)"),
    (("too many connections for",),
     "PostgreSQL のロールかデータベースの CONNECTION LIMIT に達しました: ALTER ROLE / ALTER DATABASE "
     "… CONNECTION LIMIT を --workers × --pool-size 以上にしてください"),
    (("connection refused", "could not connect", "server closed the connection", "terminating connection"),
     "データベースに接続できません: PostgreSQL が動いているか、--db の宛先を確かめてください"),
    (("no space left", "disk full", "database or disk is full"),
     "データベースのディスクが一杯です: 空き容量を作ってください"),
    (("database is locked",),
     "SQLite の書き込みが混み合っています: 端末が多いなら PostgreSQL に移してください"),
)


def cause(exc: BaseException) -> str | None:
    """What the operator must do about this database error; None if it is not one we know."""
    if isinstance(exc, PoolTimeout):
        return ("接続プールが空くのを待ちきれませんでした: 処理の遅い要求が接続を占めています。"
                "--pool-size を増やすか、--workers を増やしてください (admin check で上限を確認)")
    if not isinstance(exc, DBAPIError):
        return None
    message = str(getattr(exc, "orig", exc)).lower()
    for needles, words in _CAUSES:
        if any(n in message for n in needles):
            return words
    if isinstance(exc, OperationalError):
        return "データベースが要求に応えられません: データベースのログを確かめてください"
    return None
