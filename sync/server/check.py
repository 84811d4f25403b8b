"""`yorisoi-server admin check`: what the operator of a store must fix, in plain lines.

Each finding is either something to fix (the command then exits 1) or a plain statement.
Connections: workers × pool against PostgreSQL's max_connections (see capacity.py).
Statistics: autovacuum off, or tables PostgreSQL never analysed, leave the planner guessing.
Disk: the data folder (logs, the SQLite file, certificates) running out of space.
Backups: how old the last recorded one is."""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Engine, text

from . import capacity, config, schema

MIN_FREE_BYTES = 1 << 30  # 1 GiB: a day of a city's logs and pushes with room to spare
MAX_BACKUP_AGE_MS = 7 * 24 * 3600 * 1000
_DAY_MS = 24 * 3600 * 1000


@dataclass(frozen=True)
class Finding:
    must_fix: bool
    text: str

    def line(self) -> str:
        return ("要対応: " if self.must_fix else "OK: ") + self.text


def connections(engine: Engine, workers: int, pool: int | None) -> Finding:
    limits = capacity.postgres_limits(engine)
    if limits is None:
        return Finding(False, "接続数: SQLite のため上限はありません")
    try:
        pool = capacity.pool_size(limits, workers, pool)
    except capacity.CapacityError as e:
        return Finding(True, str(e))
    return Finding(False, f"接続数: ワーカー {workers} × プール {pool} = {workers * pool} "
                          f"(PostgreSQL で使えるのは {limits.available}、max_connections {limits.max_connections})")


def statistics(engine: Engine) -> list[Finding]:
    ours = [t.name for t in schema.TABLES]
    with engine.connect() as conn:
        if conn.dialect.name != "postgresql":
            has_stats = conn.execute(text("SELECT 1 FROM sqlite_master WHERE name = 'sqlite_stat1'")).first()
            if has_stats:
                return [Finding(False, "統計情報: 集計済み")]
            return [Finding(True, "統計情報: まだ集計されていません。yorisoi-server migrate を実行してください")]
        found = []
        if conn.execute(text("SHOW autovacuum")).scalar_one() != "on":
            found.append(Finding(True, "統計情報: PostgreSQL の autovacuum が off です。postgresql.conf で "
                                       "autovacuum = on にしてください (off のままでは削除された行が溜まり、統計も古くなります)"))
        off = sorted(r[0] for r in conn.execute(text(
            "SELECT relname FROM pg_class WHERE relnamespace = current_schema()::regnamespace"
            " AND reloptions @> ARRAY['autovacuum_enabled=false']")) if r[0] in ours)
        if off:
            found.append(Finding(True, f"統計情報: autovacuum が止められた表があります ({', '.join(off)})。"
                                       "ALTER TABLE … RESET (autovacuum_enabled) で戻してください"))
        never = sorted(r[0] for r in conn.execute(text(
            "SELECT relname FROM pg_stat_user_tables WHERE schemaname = current_schema()"
            " AND last_analyze IS NULL AND last_autoanalyze IS NULL")) if r[0] in ours)
    if never:
        found.append(Finding(True, f"統計情報: 一度も集計されていない表があります ({', '.join(never)})。"
                                   "yorisoi-server migrate を実行してください (ANALYZE します)"))
    return found or [Finding(False, "統計情報: すべての表が集計済み、autovacuum は on")]


def disk(data: Path, min_free: int = MIN_FREE_BYTES) -> Finding:
    free = shutil.disk_usage(data).free
    gib = free / (1 << 30)
    if free < min_free:
        return Finding(True, f"ディスク: データフォルダ {data} の空きが {gib:.1f} GiB しかありません "
                             f"({min_free / (1 << 30):.1f} GiB 以上にしてください)")
    return Finding(False, f"ディスク: データフォルダの空き {gib:.1f} GiB")


def backup(data: Path, now_ms: int, max_age_ms: int = MAX_BACKUP_AGE_MS) -> Finding:
    at = config.last_backup_ms(data)
    if at is None:
        return Finding(False, "バックアップ: 記録はありません (このストアのバックアップを取ったか確かめてください。"
                              "PostgreSQL なら pg_dump、SQLite なら central.db を WAL ごと)")
    days = (now_ms - at) / _DAY_MS
    if now_ms - at > max_age_ms:
        return Finding(True, f"バックアップ: 最後のバックアップは {days:.0f} 日前です。新しく取ってください")
    return Finding(False, f"バックアップ: 最後のバックアップは {days:.1f} 日前")


def run(engine: Engine, data: Path, workers: int | None, pool: int | None, now_ms: int) -> list[Finding]:
    served_workers, served_pool = config.served_with(data)
    workers = workers or served_workers or 1
    pool = pool if pool is not None else served_pool
    return [connections(engine, workers, pool), *statistics(engine), disk(data), backup(data, now_ms)]
