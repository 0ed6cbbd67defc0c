"""care: hardship files 困难职工档案 (一户一档) with household, assistance ledger, reviews
and consents (issue 22)

``hardship_cases`` gains the disability grade and health notes (sensitive, like the
income per head already there) and the exit reason; four synced tables hang off it. The
capture triggers for the new tables are installed by ``desktop.opening.run_migrations``
after the upgrade, as for every synced table.

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def _synced(name: str, *columns: sa.Column) -> None:  # type: ignore[type-arg]
    op.create_table(
        name,
        sa.Column("case_id", sa.String(length=36), nullable=False),
        *columns,
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("deleted", sa.Boolean(), server_default=sa.text("0"), nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"], ["hardship_cases.id"], name=op.f(f"fk_{name}_case_id_hardship_cases")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f(f"pk_{name}")),
    )
    with op.batch_alter_table(name, schema=None) as batch_op:
        batch_op.create_index(batch_op.f(f"ix_{name}_case_id"), ["case_id"], unique=False)


def upgrade() -> None:
    # plain ADD COLUMN: nullable columns are added in place
    op.add_column("hardship_cases", sa.Column("disability_grade", sa.String(length=4)))
    op.add_column("hardship_cases", sa.Column("health_notes", sa.Text()))
    op.add_column("hardship_cases", sa.Column("close_reason", sa.String(length=200)))
    _synced(
        "hardship_household",
        sa.Column("name", sa.String(length=50), nullable=True),
        sa.Column("relation", sa.String(length=16), nullable=True),
        sa.Column("id_number", sa.String(length=18), nullable=True),
        sa.Column("age", sa.Integer(), nullable=True),
        sa.Column("health", sa.String(length=100), nullable=True),
        sa.Column("work_status", sa.String(length=16), nullable=True),
        sa.Column("work_place", sa.String(length=100), nullable=True),
        sa.Column("monthly_income", sa.Integer(), nullable=True),
    )
    _synced(
        "hardship_assistance",
        sa.Column("given_on", sa.Date(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("amount_fen", sa.Integer(), nullable=False),
        sa.Column("fund_source", sa.String(length=16), nullable=False),
        sa.Column("handler", sa.String(length=50), nullable=True),
        sa.Column("batch", sa.String(length=60), nullable=True),
        sa.Column("notes", sa.Text(), nullable=True),
    )
    with op.batch_alter_table("hardship_assistance", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_hardship_assistance_batch"), ["batch"], unique=False)
    _synced(
        "hardship_reviews",
        sa.Column("reviewed_on", sa.Date(), nullable=False),
        sa.Column("result", sa.String(length=12), nullable=False),
        sa.Column("reviewer", sa.String(length=50), nullable=True),
        sa.Column("next_due_on", sa.Date(), nullable=True),
        sa.Column("notes", sa.Text(), nullable=True),
    )
    _synced(
        "hardship_consents",
        sa.Column("consented_on", sa.Date(), nullable=False),
        sa.Column("form", sa.String(length=12), nullable=False),
        sa.Column("recorded_by", sa.String(length=50), nullable=True),
        sa.Column("notes", sa.Text(), nullable=True),
    )


def downgrade() -> None:
    for name in (
        "hardship_consents",
        "hardship_reviews",
        "hardship_assistance",
        "hardship_household",
    ):
        op.drop_table(name)
    with op.batch_alter_table("hardship_cases", schema=None) as batch_op:
        batch_op.drop_column("close_reason")
        batch_op.drop_column("health_notes")
        batch_op.drop_column("disability_grade")
