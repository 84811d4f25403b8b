"""Enrolment failures are counted per code and per device name as well as per address.

Revision ID: 0002
Revises: 0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("enrol_failure") as table:
        table.add_column(sa.Column("code_key", sa.String(length=64), nullable=True))
        table.add_column(sa.Column("name_key", sa.String(length=64), nullable=True))
    op.create_index("ix_enrol_failure_code_key_at_ms", "enrol_failure", ["code_key", "at_ms"])
    op.create_index("ix_enrol_failure_name_key_at_ms", "enrol_failure", ["name_key", "at_ms"])


def downgrade() -> None:
    op.drop_index("ix_enrol_failure_name_key_at_ms", "enrol_failure")
    op.drop_index("ix_enrol_failure_code_key_at_ms", "enrol_failure")
    with op.batch_alter_table("enrol_failure") as table:
        table.drop_column("name_key")
        table.drop_column("code_key")
