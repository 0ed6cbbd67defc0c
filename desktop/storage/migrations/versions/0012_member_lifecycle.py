"""lifecycle: applications gain their channel, registry fields, join date and reject
reason; every change of membership status is kept in ``member_status_changes``

The application columns are plain ADD COLUMNs (nullable, no default: SQLite adds them in
place). The history table is synced: upgrading reinstalls the capture triggers (as every
migration does), which then cover it.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None

_APPLICATION_COLUMNS = (
    ("channel", sa.String(length=8)),
    ("ethnicity", sa.String(length=2)),
    ("political_status", sa.String(length=2)),
    ("education", sa.String(length=16)),
    ("hukou_type", sa.String(length=16)),
    ("joined_on", sa.Date()),
    ("reject_reason", sa.String(length=200)),
    ("notes", sa.Text()),
    ("scan_payload_id", sa.String(length=32)),
)


def upgrade() -> None:
    for name, kind in _APPLICATION_COLUMNS:
        op.add_column("applications", sa.Column(name, kind, nullable=True))
    op.create_index(
        "ix_applications_scan_payload_id", "applications", ["scan_payload_id"], unique=False
    )
    op.create_table(
        "member_status_changes",
        sa.Column("member_id", sa.String(length=36), nullable=False),
        sa.Column("changed_on", sa.Date(), nullable=False),
        sa.Column("from_status", sa.String(length=16), nullable=True),
        sa.Column("to_status", sa.String(length=16), nullable=False),
        sa.Column("reason", sa.String(length=200), nullable=True),
        sa.Column("operator", sa.String(length=100), nullable=True),
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("deleted", sa.Boolean(), server_default=sa.text("0"), nullable=False),
        sa.ForeignKeyConstraint(
            ["member_id"], ["members.id"], name=op.f("fk_member_status_changes_member_id_members")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_member_status_changes")),
    )
    op.create_index(
        "ix_member_status_changes_member",
        "member_status_changes",
        ["member_id", "changed_on"],
        unique=False,
    )


def downgrade() -> None:
    op.drop_index("ix_member_status_changes_member", table_name="member_status_changes")
    op.drop_table("member_status_changes")
    op.drop_index("ix_applications_scan_payload_id", table_name="applications")
    with op.batch_alter_table("applications", schema=None) as batch_op:
        for name, _kind in reversed(_APPLICATION_COLUMNS):
            batch_op.drop_column(name)
