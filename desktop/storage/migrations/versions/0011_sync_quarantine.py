"""sync: quarantine of received changes whose values fail the rules of local input;
who may introduce offices this PC never enrolled

A validly signed change can still carry a NULL name or a 220-character phone; such a
change stays in the change log (counters stay contiguous) but is never merged, and is
listed here, one row per invalid field, for the clerk. ``sync_peer`` gains
``may_introduce`` (this office's packages may bring offices this PC never enrolled; off
unless the clerk allows it) and ``introduced_by`` (who brought a relayed origin's key),
so a revoked office's introductions can be refused. Upgrading also reinstalls the
capture triggers (as every migration does), which now bound how far ahead of the PC's
date the local clock may stay.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "sync_quarantine",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("origin", sa.String(length=32), nullable=False),
        sa.Column("counter", sa.BigInteger(), nullable=False),
        sa.Column("tbl", sa.String(length=40), nullable=False),
        sa.Column("row_id", sa.String(length=36), nullable=False),
        sa.Column("field", sa.String(length=64), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("detected_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sync_quarantine")),
        sa.UniqueConstraint("origin", "counter", "field", name="uq_sync_quarantine_change_field"),
    )
    # plain ADD COLUMN: SQLite adds a column with a constant default in place
    op.add_column(
        "sync_peer",
        sa.Column("may_introduce", sa.Integer(), nullable=False, server_default=sa.text("0")),
    )
    op.add_column("sync_peer", sa.Column("introduced_by", sa.String(length=32), nullable=True))


def downgrade() -> None:
    op.drop_column("sync_peer", "introduced_by")
    op.drop_column("sync_peer", "may_introduce")
    op.drop_table("sync_quarantine")
