"""Membership decided by the organisation: signed statements about vaults, a signed commitment
per vault key version, and one key copy per sender (no longer one per recipient).

Revision ID: 0007
Revises: 0006
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

AutoId = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
Id = sa.String(length=64)
Ms = sa.BigInteger


def upgrade() -> None:
    # On SQLite the table is rebuilt with AUTOINCREMENT: a deleted copy's id is never handed out
    # again, so a replacement always lands after its recipient's cursor.
    with op.batch_alter_table("vault_key", recreate="always", table_kwargs={"sqlite_autoincrement": True}) as batch:
        batch.drop_constraint("uq_vault_key_vault_id_key_version_recipient", type_="unique")
        batch.create_unique_constraint("uq_vault_key_vault_id_key_version_recipient_wrapped_by",
                                       ["vault_id", "key_version", "recipient", "wrapped_by"])
    op.create_table(
        "vault_key_version",
        sa.Column("vault_id", Id, nullable=False),
        sa.Column("key_version", sa.Integer(), nullable=False),
        sa.Column("commitment", sa.LargeBinary(), nullable=False),
        sa.Column("made_by", Id, nullable=False),
        sa.Column("signature", sa.LargeBinary(), nullable=False),
        sa.Column("created_ms", Ms(), nullable=False),
        sa.ForeignKeyConstraint(["made_by"], ["device.id"], name="fk_vault_key_version_made_by_device"),
        sa.ForeignKeyConstraint(["vault_id"], ["vault.id"], name="fk_vault_key_version_vault_id_vault"),
        sa.PrimaryKeyConstraint("vault_id", "key_version", name="pk_vault_key_version"),
    )
    op.create_table(
        "vault_statement",
        sa.Column("id", AutoId, autoincrement=True, nullable=False),
        sa.Column("vault_id", Id, nullable=False),
        sa.Column("action", sa.String(length=8), nullable=False),
        sa.Column("account_id", Id, nullable=True),
        sa.Column("serial", sa.BigInteger(), nullable=False),
        sa.Column("device_id", Id, nullable=False),
        sa.Column("signature", sa.LargeBinary(), nullable=False),
        sa.Column("created_ms", Ms(), nullable=False),
        sa.ForeignKeyConstraint(["account_id"], ["account.id"], name="fk_vault_statement_account_id_account"),
        sa.ForeignKeyConstraint(["device_id"], ["device.id"], name="fk_vault_statement_device_id_device"),
        sa.ForeignKeyConstraint(["vault_id"], ["vault.id"], name="fk_vault_statement_vault_id_vault"),
        sa.PrimaryKeyConstraint("id", name="pk_vault_statement"),
    )
    op.create_index("ix_vault_statement_vault_id_account_id", "vault_statement", ["vault_id", "account_id"])
    op.create_index("ix_vault_statement_account_id_id", "vault_statement", ["account_id", "id"])


def downgrade() -> None:
    op.drop_table("vault_statement")
    op.drop_table("vault_key_version")
    with op.batch_alter_table("vault_key") as batch:
        batch.drop_constraint("uq_vault_key_vault_id_key_version_recipient_wrapped_by", type_="unique")
        batch.create_unique_constraint("uq_vault_key_vault_id_key_version_recipient",
                                       ["vault_id", "key_version", "recipient"])
