"""erasure: the synced tombstone of an erased person (个人信息删除) and the list of
the rows an erasure blanked (issue #23, part 3)

``erasures`` travels (member record id, when, reason code: no personal value), and so
does ``erased_rows`` (which rows an erasure blanked: table, row id, member record id).
Two local tables let relays recover after an erasure dropped another office's signed
segment: ``sync_dropped_segment`` (ranges this PC asks for again) and ``sync_peer_want``
(ranges a partner asked for). The capture triggers are rebuilt after the upgrade by
``desktop.opening.run_migrations``.

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0019"
down_revision = "0018"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "erasures",
        sa.Column("member_id", sa.String(length=36), nullable=False),
        sa.Column("erased_at", sa.DateTime(), nullable=False),
        sa.Column("reason", sa.String(length=16), nullable=False),
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("deleted", sa.Boolean(), server_default=sa.text("0"), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_erasures")),
    )
    op.create_index("ix_erasures_member_id", "erasures", ["member_id"], unique=False)
    op.create_table(
        "erased_rows",
        sa.Column("tbl", sa.String(length=40), nullable=False),
        sa.Column("row_id", sa.String(length=36), nullable=False),
        sa.Column("member_id", sa.String(length=36), nullable=False),
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("deleted", sa.Boolean(), server_default=sa.text("0"), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_erased_rows")),
    )
    op.create_index("ix_erased_rows_row_id", "erased_rows", ["row_id"], unique=False)
    op.create_index("ix_erased_rows_member_id", "erased_rows", ["member_id"], unique=False)
    for table, key in (
        ("sync_dropped_segment", ()),
        ("sync_peer_want", (sa.Column("peer", sa.String(length=32), nullable=False),)),
    ):
        op.create_table(
            table,
            *key,
            sa.Column("origin", sa.String(length=32), nullable=False),
            sa.Column("first", sa.BigInteger(), nullable=False),
            sa.Column("last", sa.BigInteger(), nullable=False),
            sa.PrimaryKeyConstraint(
                *[c.name for c in key], "origin", "first", "last", name=op.f(f"pk_{table}")
            ),
        )


def downgrade() -> None:
    op.drop_table("sync_peer_want")
    op.drop_table("sync_dropped_segment")
    op.drop_table("erased_rows")
    op.drop_table("erasures")
