"""Alembic migrations of the central store, run in-process (no alembic.ini on disk).

`upgrade(engine)` is `alembic upgrade head`: serve and every admin command call it, so an
empty data dir or database just works and an older one is brought up to date."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine

HERE = Path(__file__).resolve().parent


def _config() -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(HERE))
    return cfg


def upgrade(engine: Engine, revision: str = "head") -> bool:
    """True if it changed the schema; then the tables are analysed (see maintenance.py)."""
    from .. import maintenance

    cfg = _config()
    before = current(engine)
    with engine.connect() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, revision)
        conn.commit()
    migrated = current(engine) != before
    if migrated:
        maintenance.analyze(engine)
    return migrated


def current(engine: Engine) -> str | None:
    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def head() -> str | None:
    return ScriptDirectory.from_config(_config()).get_current_head()
