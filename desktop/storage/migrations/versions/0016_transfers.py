"""transfers: a transfer's kind (inside the federation, out of it, in from elsewhere),
the sending union's written name for an incoming one, the earlier record it continues,
a note and the operator

Plain nullable ADD COLUMNs (SQLite adds them in place). Rows written before this
revision came only from received packages; they keep a blank kind (a migration writes no
synced row) and are read as ``internal`` when they name a destination union, else
``out`` (``services/transfers/queries.py``). The capture triggers are rebuilt after the upgrade by
``desktop.opening.run_migrations``, so the new columns travel.

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None

_COLUMNS = (
    ("kind", sa.String(length=8)),
    ("from_union_name", sa.String(length=100)),
    ("linked_transfer_id", sa.String(length=36)),
    ("notes", sa.Text()),
    ("operator", sa.String(length=100)),
)


def upgrade() -> None:
    for name, kind in _COLUMNS:
        op.add_column("transfers", sa.Column(name, kind, nullable=True))
    op.create_index("ix_transfers_slip_no", "transfers", ["slip_no"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_transfers_slip_no", table_name="transfers")
    with op.batch_alter_table("transfers", schema=None) as batch_op:
        for name, _kind in reversed(_COLUMNS):
            batch_op.drop_column(name)
