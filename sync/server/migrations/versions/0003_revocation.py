"""Revocation signed by the organisation, and each device's last report of what it had not sent.

Revision ID: 0003
Revises: 0002
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

COLUMNS = ("revocation", "unsent_count", "unsent_oldest_ms", "unsent_newest_ms", "unsent_reported_ms")


def upgrade() -> None:
    with op.batch_alter_table("device") as batch:
        batch.add_column(sa.Column("revocation", sa.LargeBinary(), nullable=True))
        batch.add_column(sa.Column("unsent_count", sa.BigInteger(), nullable=True))
        batch.add_column(sa.Column("unsent_oldest_ms", sa.BigInteger(), nullable=True))
        batch.add_column(sa.Column("unsent_newest_ms", sa.BigInteger(), nullable=True))
        batch.add_column(sa.Column("unsent_reported_ms", sa.BigInteger(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("device") as batch:
        for name in reversed(COLUMNS):
            batch.drop_column(name)
