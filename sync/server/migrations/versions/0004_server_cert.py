"""Certificates of the store that an organisation signed, so a device re-pins a rotated one.

Revision ID: 0004
Revises: 0003
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "server_cert",
        sa.Column("org_id", sa.String(length=64), nullable=False),
        sa.Column("cert_sha256", sa.LargeBinary(), nullable=False),
        sa.Column("signature", sa.LargeBinary(), nullable=False),
        sa.Column("signed_by", sa.String(length=64), nullable=False),
        sa.Column("created_ms", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(["org_id"], ["org.id"], name="fk_server_cert_org_id_org"),
        sa.PrimaryKeyConstraint("org_id", "cert_sha256", name="pk_server_cert"),
    )


def downgrade() -> None:
    op.drop_table("server_cert")
