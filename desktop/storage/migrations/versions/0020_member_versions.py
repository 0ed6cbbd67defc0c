"""member versions and slip counters: many clerks at once (issue #25, item 3)

``members.version`` is the optimistic-lock counter of a member record: every write of
the row through the member writer (a local edit, a received change, a merge, an
erasure) adds one, and an edit made in a dialog is saved only if the row still holds
the version the clerk loaded. It is a LOCAL column (the model marks it so): each PC
(and the hub) counts the writes it has seen of its own copy, so a number from another
PC would mean nothing here, and the capture triggers neither record nor send it.
Existing rows start at 1.

``slip_sequences`` is the counter of 转接单号 per (issuer, year), like
``card_sequences`` for card numbers: the slip service takes the next number with one
``UPDATE … RETURNING`` of this row, which serialises concurrent issuers on PostgreSQL
(a row lock held to commit) as SQLite's write lock already does. It starts empty: the
first slip of a year seeds it from the highest slip number already in ``transfers``.

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0020"
down_revision = "0019"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column(
        "members",
        sa.Column("version", sa.Integer(), server_default=sa.text("1"), nullable=False),
    )
    op.create_table(
        "slip_sequences",
        sa.Column("issuer_code", sa.String(length=8), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("last_seq", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("issuer_code", "year", name=op.f("pk_slip_sequences")),
    )


def downgrade() -> None:
    op.drop_table("slip_sequences")
    # a plain ALTER TABLE … DROP COLUMN (SQLite 3.35+, PostgreSQL): a batch copy of the
    # table would trip over the triggers that name it
    op.drop_column("members", "version")
