"""The first schema: organisations, accounts, enrolment, devices, vaults, keys and the log.

Revision ID: 0001
Revises:
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

AutoId = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
Id = sa.String(length=64)
Ms = sa.BigInteger
NOT_HOUSEHOLD = "kind <> 'household'"


def upgrade() -> None:
    op.create_table(
        "org",
        sa.Column("id", Id, nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("sign_public", sa.LargeBinary(), nullable=True),
        sa.Column("box_public", sa.LargeBinary(), nullable=True),
        sa.Column("keys_signature", sa.LargeBinary(), nullable=True),
        sa.Column("created_ms", Ms(), nullable=False),
        sa.Column("keys_epoch", sa.BigInteger(), server_default="0", nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_org"),
        sa.UniqueConstraint("name", name="uq_org_name"),
    )
    op.create_table(
        "account",
        sa.Column("id", Id, nullable=False),
        sa.Column("org_id", Id, nullable=False),
        sa.Column("login", sa.String(length=64), nullable=False),
        sa.Column("role", sa.String(length=16), nullable=False),
        sa.Column("created_ms", Ms(), nullable=False),
        sa.ForeignKeyConstraint(["org_id"], ["org.id"], name="fk_account_org_id_org"),
        sa.PrimaryKeyConstraint("id", name="pk_account"),
        sa.UniqueConstraint("org_id", "login", name="uq_account_org_id_login"),
    )
    op.create_table(
        "enrol_code",
        sa.Column("id", AutoId, autoincrement=True, nullable=False),
        sa.Column("code_hash", sa.String(length=64), nullable=False),
        sa.Column("account_id", Id, nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("created_ms", Ms(), nullable=False),
        sa.Column("expires_ms", Ms(), nullable=False),
        sa.Column("used_ms", Ms(), nullable=True),
        sa.Column("device_id", Id, nullable=True),
        sa.ForeignKeyConstraint(["account_id"], ["account.id"], name="fk_enrol_code_account_id_account"),
        sa.PrimaryKeyConstraint("id", name="pk_enrol_code"),
        sa.UniqueConstraint("code_hash", name="uq_enrol_code_code_hash"),
    )
    op.create_table(
        "enrol_failure",
        sa.Column("id", AutoId, autoincrement=True, nullable=False),
        sa.Column("address", sa.String(length=100), nullable=False),
        sa.Column("at_ms", Ms(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_enrol_failure"),
    )
    op.create_index("ix_enrol_failure_address_at_ms", "enrol_failure", ["address", "at_ms"])
    op.create_table(
        "device",
        sa.Column("id", Id, nullable=False),
        sa.Column("account_id", Id, nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("box_public", sa.LargeBinary(), nullable=False),
        sa.Column("sign_public", sa.LargeBinary(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("bootstrap", sa.Boolean(), nullable=False),
        sa.Column("signature", sa.LargeBinary(), nullable=True),
        sa.Column("created_ms", Ms(), nullable=False),
        sa.Column("approved_ms", Ms(), nullable=True),
        sa.Column("revoked_ms", Ms(), nullable=True),
        sa.Column("last_seen_ms", Ms(), nullable=True),
        sa.ForeignKeyConstraint(["account_id"], ["account.id"], name="fk_device_account_id_account"),
        sa.PrimaryKeyConstraint("id", name="pk_device"),
        sa.UniqueConstraint("token_hash", name="uq_device_token_hash"),
    )
    op.create_index("ix_device_account_id", "device", ["account_id"])
    op.create_table(
        "vault",
        sa.Column("id", Id, nullable=False),
        sa.Column("org_id", Id, nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("key_version", sa.Integer(), nullable=False),
        sa.Column("created_by", Id, nullable=False),
        sa.Column("created_ms", Ms(), nullable=False),
        sa.ForeignKeyConstraint(["created_by"], ["device.id"], name="fk_vault_created_by_device"),
        sa.ForeignKeyConstraint(["org_id"], ["org.id"], name="fk_vault_org_id_org"),
        sa.PrimaryKeyConstraint("id", name="pk_vault"),
    )
    op.create_index("ux_vault_shared_kind", "vault", ["org_id", "kind"], unique=True,
                    sqlite_where=sa.text(NOT_HOUSEHOLD), postgresql_where=sa.text(NOT_HOUSEHOLD))
    op.create_table(
        "vault_member",
        sa.Column("vault_id", Id, nullable=False),
        sa.Column("account_id", Id, nullable=False),
        sa.Column("granted_seq", sa.BigInteger(), nullable=False),
        sa.Column("removed_ms", Ms(), nullable=True),
        sa.ForeignKeyConstraint(["account_id"], ["account.id"], name="fk_vault_member_account_id_account"),
        sa.ForeignKeyConstraint(["vault_id"], ["vault.id"], name="fk_vault_member_vault_id_vault"),
        sa.PrimaryKeyConstraint("vault_id", "account_id", name="pk_vault_member"),
    )
    op.create_index("ix_vault_member_account_id", "vault_member", ["account_id"])
    op.create_table(
        "vault_key",
        sa.Column("id", AutoId, autoincrement=True, nullable=False),
        sa.Column("vault_id", Id, nullable=False),
        sa.Column("key_version", sa.Integer(), nullable=False),
        sa.Column("recipient", Id, nullable=False),
        sa.Column("wrapped", sa.LargeBinary(), nullable=False),
        sa.Column("wrapped_by", Id, nullable=False),
        sa.Column("created_ms", Ms(), nullable=False),
        sa.ForeignKeyConstraint(["vault_id"], ["vault.id"], name="fk_vault_key_vault_id_vault"),
        sa.ForeignKeyConstraint(["wrapped_by"], ["device.id"], name="fk_vault_key_wrapped_by_device"),
        sa.PrimaryKeyConstraint("id", name="pk_vault_key"),
        sa.UniqueConstraint("vault_id", "key_version", "recipient",
                            name="uq_vault_key_vault_id_key_version_recipient"),
    )
    op.create_index("ix_vault_key_recipient_id", "vault_key", ["recipient", "id"])
    op.create_table(
        "log",
        sa.Column("seq", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("vault_id", Id, nullable=False),
        sa.Column("kind", sa.String(length=8), nullable=False),
        sa.Column("env_id", Id, nullable=True),
        sa.Column("kv", sa.Integer(), nullable=True),
        sa.Column("device_id", Id, nullable=True),
        sa.Column("nonce", sa.LargeBinary(), nullable=True),
        sa.Column("body", sa.LargeBinary(), nullable=True),
        sa.Column("sig", sa.LargeBinary(), nullable=True),
        sa.Column("digest", sa.LargeBinary(), nullable=True),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("account_id", Id, nullable=True),
        sa.Column("count", sa.BigInteger(), nullable=True),
        sa.Column("created_ms", Ms(), nullable=False),
        sa.ForeignKeyConstraint(["vault_id"], ["vault.id"], name="fk_log_vault_id_vault"),
        sa.PrimaryKeyConstraint("seq", name="pk_log"),
        sa.UniqueConstraint("vault_id", "env_id", name="uq_log_vault_id_env_id"),
    )
    op.create_index("ix_log_vault_id_seq", "log", ["vault_id", "seq"])
    head = op.create_table(
        "log_head",
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("seq", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_log_head"),
    )
    op.bulk_insert(head, [{"id": 1, "seq": 0}])


def downgrade() -> None:
    for table in ("log_head", "log", "vault_key", "vault_member", "vault", "device", "enrol_failure",
                  "enrol_code", "account", "org"):
        op.drop_table(table)
