"""Protocol 2: each envelope carries the physical time of its latest stamp, bounded at push.

Revision ID: 0006
Revises: 0005
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("log") as batch:
        batch.add_column(sa.Column("stamp_ms", sa.BigInteger(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("log") as batch:
        batch.drop_column("stamp_ms")
