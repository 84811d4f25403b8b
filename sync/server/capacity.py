"""How many database connections each API worker may hold, and why a combination cannot run.

PostgreSQL refuses connections beyond `max_connections` ("too many clients"); part of that is
kept for superusers, and the operator's psql, backups and monitoring need a few more. Every
uvicorn worker has its own pool, so `workers × pool` must fit in what is left. SQLite has no
such limit: its pool stays as it was."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Engine, text

MARGIN = 5  # for psql, pg_dump and monitoring beside the store
MAX_POOL = 30  # what one worker ever needs: more only queues on the same locks
MIN_POOL = 2  # below this a worker serialises its requests behind one connection


class CapacityError(Exception):
    """The asked workers and pool cannot fit; the message is for the operator (Japanese)."""


@dataclass(frozen=True)
class Limits:
    max_connections: int
    reserved: int

    @property
    def available(self) -> int:
        return max(0, self.max_connections - self.reserved - MARGIN)


def postgres_limits(engine: Engine) -> Limits | None:
    """The server's connection limits; None on SQLite (no limit to respect)."""
    if engine.dialect.name != "postgresql":
        return None
    with engine.connect() as conn:
        max_conn = int(conn.execute(text("SHOW max_connections")).scalar_one())
        reserved = int(conn.execute(text("SHOW superuser_reserved_connections")).scalar_one())
    return Limits(max_conn, reserved)


def pool_size(limits: Limits | None, workers: int, asked: int | None) -> int | None:
    """Connections per worker: `asked` if it fits, else the share of what PostgreSQL allows
    (at most MAX_POOL). None on SQLite: keep the engine's own pool."""
    if asked is not None and not 1 <= asked <= 200:
        raise CapacityError("--pool-size は1〜200で指定してください。")
    if limits is None:
        return None  # SQLite: one file, its own pool; nothing to share out
    available = limits.available
    if asked is not None:
        if workers * asked > available:
            raise CapacityError(_too_many(limits, workers, asked))
        return asked
    share = min(MAX_POOL, available // workers)
    if share < MIN_POOL:
        raise CapacityError(_too_many(limits, workers, MIN_POOL))
    return share


def _too_many(limits: Limits, workers: int, pool: int) -> str:
    fit = max(1, limits.available // max(pool, 1))
    return (f"接続数が足りません: ワーカー {workers} × プール {pool} = {workers * pool} 接続が必要ですが、"
            f"PostgreSQL の max_connections {limits.max_connections} から管理者用の予約 "
            f"{limits.reserved} と余裕 {MARGIN} を引いた {limits.available} までしか使えません。\n"
            f"--workers を {fit} 以下にするか、--pool-size を小さくするか、PostgreSQL の "
            f"max_connections を {workers * pool + limits.reserved + MARGIN} 以上にして再起動してください。")
