"""applications.is_migrant_worker: the 农民工 answer an application gives

The phone application page asks it and the scan shows it, but the application had no
column for it, so an approved member's 农民工 came from the hukou type alone. NULL: not
stated (older rows, a form without it): the approval then derives it as before.

Revision ID: 0023
Revises: 0022
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0023"
down_revision = "0022"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("applications", sa.Column("is_migrant_worker", sa.Boolean(), nullable=True))


def downgrade() -> None:
    # a batch copy, as 0016's: the capture trigger names the column, and goes with the
    # old table (the triggers are rebuilt from the models after every migration)
    with op.batch_alter_table("applications", schema=None) as batch_op:
        batch_op.drop_column("is_migrant_worker")
