"""sync: trusted peers, stored segments, receipts, conflicts, acknowledgements

Local bookkeeping of the sync engine; none of these tables travel and none are synced.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-21
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "sync_peer",
        sa.Column("node_id", sa.String(length=32), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False, server_default=""),
        sa.Column("sign_public", sa.LargeBinary(), nullable=False),
        sa.Column("box_public", sa.LargeBinary(), nullable=False),
        # 1: enrolled by the clerk (may send packages); 0: known only as a relayed origin.
        sa.Column("trusted", sa.Integer(), nullable=False, server_default=sa.text("0")),
        sa.Column("enrolled_at", sa.DateTime(), nullable=False),
        # Accept this node's writes only up to this counter (NULL: not revoked).
        sa.Column("revoked_after", sa.BigInteger(), nullable=True),
        sa.Column("certified_by", sa.String(length=32), nullable=True),
        sa.PrimaryKeyConstraint("node_id", name=op.f("pk_sync_peer")),
    )
    op.create_table(
        "sync_segment",
        sa.Column("origin", sa.String(length=32), nullable=False),
        sa.Column("first", sa.BigInteger(), nullable=False),
        sa.Column("last", sa.BigInteger(), nullable=False),
        sa.Column("payload", sa.LargeBinary(), nullable=False),
        sa.Column("signature", sa.LargeBinary(), nullable=False),
        sa.Column("stored_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("origin", "first", "last", name=op.f("pk_sync_segment")),
    )
    op.create_table(
        "sync_knowledge",
        sa.Column("node_id", sa.String(length=32), nullable=False),
        # Highest contiguous counter received from this origin.
        sa.Column("contiguous", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("node_id", name=op.f("pk_sync_knowledge")),
    )
    op.create_table(
        "sync_ack",
        sa.Column("peer", sa.String(length=32), nullable=False),
        sa.Column("origin", sa.String(length=32), nullable=False),
        sa.Column("counter", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("peer", "origin", name=op.f("pk_sync_ack")),
    )
    op.create_table(
        "sync_pending",
        sa.Column("tbl", sa.String(length=40), nullable=False),
        sa.Column("row_id", sa.String(length=36), nullable=False),
        sa.Column("missing_tbl", sa.String(length=40), nullable=False),
        sa.Column("missing_id", sa.String(length=36), nullable=False),
        sa.PrimaryKeyConstraint("tbl", "row_id", name=op.f("pk_sync_pending")),
    )
    op.create_table(
        "sync_conflict",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("tbl", sa.String(length=40), nullable=False),
        sa.Column("row_id", sa.String(length=36), nullable=False),
        sa.Column("field", sa.String(length=64), nullable=False),
        sa.Column("win_node", sa.String(length=32), nullable=False),
        sa.Column("win_counter", sa.BigInteger(), nullable=False),
        sa.Column("win_hlc", sa.BigInteger(), nullable=False),
        sa.Column("win_value", sa.Text(), nullable=False),
        sa.Column("lose_node", sa.String(length=32), nullable=False),
        sa.Column("lose_counter", sa.BigInteger(), nullable=False),
        sa.Column("lose_hlc", sa.BigInteger(), nullable=False),
        sa.Column("lose_value", sa.Text(), nullable=False),
        sa.Column("detected_at", sa.DateTime(), nullable=False),
        sa.Column("resolved_at", sa.DateTime(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sync_conflict")),
        sa.UniqueConstraint(
            "tbl", "row_id", "field", "lose_node", "lose_counter", name="uq_sync_conflict_loser"
        ),
    )
    op.create_table(
        "sync_receipt",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("package_id", sa.String(length=36), nullable=False),
        # "in" or "out"
        sa.Column("direction", sa.String(length=3), nullable=False),
        sa.Column("peer", sa.String(length=32), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("file_name", sa.String(length=260), nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sync_receipt")),
    )
    with op.batch_alter_table("sync_receipt", schema=None) as batch_op:
        batch_op.create_index("ix_sync_receipt_package", ["package_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("sync_receipt", schema=None) as batch_op:
        batch_op.drop_index("ix_sync_receipt_package")
    for table in (
        "sync_receipt",
        "sync_conflict",
        "sync_pending",
        "sync_ack",
        "sync_knowledge",
        "sync_segment",
        "sync_peer",
    ):
        op.drop_table(table)
