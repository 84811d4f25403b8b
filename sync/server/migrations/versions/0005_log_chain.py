"""The log's hash chain and epoch: every entry's chain value, the head's chain and the log's
epoch (docs/sync-protocol.md, "The log's chain"). Existing entries are chained in seq order.

Revision ID: 0005
Revises: 0004
"""

from __future__ import annotations

import os

import sqlalchemy as sa
from alembic import op

from sync import protocol as p

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

BATCH = 2000


def upgrade() -> None:
    with op.batch_alter_table("log") as batch:
        batch.add_column(sa.Column("chain", sa.LargeBinary(), nullable=True))
    with op.batch_alter_table("log_head") as batch:
        batch.add_column(sa.Column("chain", sa.LargeBinary(), nullable=True))
        batch.add_column(sa.Column("epoch", sa.String(length=32), nullable=True))
    conn = op.get_bind()
    log = sa.table("log", sa.column("seq", sa.BigInteger), sa.column("kind", sa.String), sa.column("vault_id"),
                   sa.column("digest", sa.LargeBinary), sa.column("account_id"), sa.column("count", sa.BigInteger),
                   sa.column("chain", sa.LargeBinary))
    chain, after = p.LOG_GENESIS, 0
    while True:
        rows = conn.execute(sa.select(log.c.seq, log.c.kind, log.c.vault_id, log.c.digest, log.c.account_id,
                                      log.c.count).where(log.c.seq > after).order_by(log.c.seq).limit(BATCH)).all()
        if not rows:
            break
        for r in rows:
            entry = r.digest if r.kind == "env" else p.grant_entry(r.vault_id, r.account_id, r.count)
            chain = p.log_link(chain, r.seq, entry)
            conn.execute(sa.update(log).where(log.c.seq == r.seq).values(chain=chain))
        after = rows[-1].seq
    head = sa.table("log_head", sa.column("id"), sa.column("chain", sa.LargeBinary), sa.column("epoch"))
    conn.execute(sa.update(head).where(head.c.id == 1).values(chain=chain, epoch=os.urandom(16).hex()))
    with op.batch_alter_table("log") as batch:
        batch.alter_column("chain", existing_type=sa.LargeBinary(), nullable=False)
    with op.batch_alter_table("log_head") as batch:
        batch.alter_column("chain", existing_type=sa.LargeBinary(), nullable=False)
        batch.alter_column("epoch", existing_type=sa.String(length=32), nullable=False)


def downgrade() -> None:
    with op.batch_alter_table("log_head") as batch:
        batch.drop_column("epoch")
        batch.drop_column("chain")
    with op.batch_alter_table("log") as batch:
        batch.drop_column("chain")
