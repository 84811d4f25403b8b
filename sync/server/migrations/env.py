"""Alembic environment: always given a live connection by sync.server.migrations.upgrade."""

from __future__ import annotations

from alembic import context
from sqlalchemy import text

from sync.server.schema import metadata

connection = context.config.attributes.get("connection")
if connection is None:
    raise RuntimeError("run migrations through sync.server.migrations.upgrade (or yorisoi-server migrate)")

context.configure(connection=connection, target_metadata=metadata,
                  render_as_batch=connection.dialect.name == "sqlite")
with context.begin_transaction():
    if connection.dialect.name == "postgresql":
        # Several API nodes may start at once: one migrates, the others wait and find it done.
        connection.execute(text("SELECT pg_advisory_xact_lock(7306752150)"))
    context.run_migrations()
