"""members: recorded merges of duplicate member records (issue #21, item 4)

``member_merges`` is synced: one row per merge (survivor, merged-away record, when, who,
the fields the survivor took), so every office ends with the same single record and an
edit made elsewhere to the merged-away record can be carried over to the survivor. The
capture triggers are rebuilt after every upgrade (``desktop.opening.run_migrations``).

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "member_merges",
        sa.Column("survivor_id", sa.String(length=36), nullable=False),
        sa.Column("merged_id", sa.String(length=36), nullable=False),
        sa.Column("merged_at", sa.DateTime(), nullable=False),
        sa.Column("operator", sa.String(length=100), nullable=False),
        sa.Column("fields_taken", sa.Text(), nullable=False),
        sa.Column("different_ids", sa.Boolean(), server_default=sa.text("0"), nullable=False),
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("deleted", sa.Boolean(), server_default=sa.text("0"), nullable=False),
        sa.ForeignKeyConstraint(
            ["survivor_id"], ["members.id"], name=op.f("fk_member_merges_survivor_id_members")
        ),
        sa.ForeignKeyConstraint(
            ["merged_id"], ["members.id"], name=op.f("fk_member_merges_merged_id_members")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_member_merges")),
    )
    with op.batch_alter_table("member_merges", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_member_merges_survivor_id"), ["survivor_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_member_merges_merged_id"), ["merged_id"], unique=False)


def downgrade() -> None:
    op.drop_table("member_merges")
