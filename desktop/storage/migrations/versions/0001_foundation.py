"""foundation: registry, sync capture, identity

The member search index is an FTS5 table of pre-tokenised text (one token per Chinese
character, pinyin syllables/initials, reversed ID number, phone suffixes, card number),
maintained by ``desktop.storage.search_index``. Capture triggers are not created here:
``desktop.opening.run_migrations`` regenerates them from the live schema after every upgrade.

Revision ID: 0001
Revises:
Create Date: 2026-11-21
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "app_settings",
        sa.Column("key", sa.String(length=60), nullable=False),
        sa.Column("value", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_app_settings")),
    )
    op.create_table(
        "attachments",
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("mime", sa.String(length=40), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.PrimaryKeyConstraint("sha256", name=op.f("pk_attachments")),
    )
    op.create_table(
        "card_sequences",
        sa.Column("issuer_code", sa.String(length=8), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("last_seq", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("issuer_code", "year", name=op.f("pk_card_sequences")),
    )
    op.create_table(
        "federations",
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("card_prefix", sa.String(length=12), nullable=False),
        sa.Column("credit_code", sa.String(length=18), nullable=True),
        sa.Column("address", sa.String(length=200), nullable=True),
        sa.Column("contact_person", sa.String(length=50), nullable=True),
        sa.Column("contact_phone", sa.String(length=20), nullable=True),
        sa.Column("founded_on", sa.Date(), nullable=True),
        sa.Column("notes", sa.Text(), nullable=True),
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("deleted", sa.Boolean(), server_default=sa.text("0"), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_federations")),
    )
    op.create_table(
        "sync_change",
        sa.Column("node_id", sa.String(length=32), nullable=False),
        sa.Column("counter", sa.BigInteger(), nullable=False),
        sa.Column("hlc", sa.BigInteger(), nullable=False),
        sa.Column("ctx", sa.Integer(), nullable=False),
        sa.Column("tbl", sa.String(length=40), nullable=False),
        sa.Column("row_id", sa.String(length=36), nullable=False),
        sa.Column("fields", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("node_id", "counter", name=op.f("pk_sync_change")),
    )
    with op.batch_alter_table("sync_change", schema=None) as batch_op:
        batch_op.create_index("ix_sync_change_row", ["tbl", "row_id"], unique=False)

    op.create_table(
        "sync_clock",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("node_id", sa.String(length=32), nullable=False),
        sa.Column("counter", sa.BigInteger(), nullable=False),
        sa.Column("hlc", sa.BigInteger(), nullable=False),
        sa.Column("ctx", sa.Integer(), nullable=False),
        sa.Column("capturing", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sync_clock")),
    )
    op.create_table(
        "sync_context",
        sa.Column("node_id", sa.String(length=32), nullable=False),
        sa.Column("ctx", sa.Integer(), nullable=False),
        sa.Column("vv", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("node_id", "ctx", name=op.f("pk_sync_context")),
    )
    op.create_table(
        "sync_node",
        sa.Column("node_id", sa.String(length=32), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("sign_public", sa.LargeBinary(), nullable=False),
        sa.Column("box_public", sa.LargeBinary(), nullable=False),
        sa.Column("sign_private", sa.LargeBinary(), nullable=True),
        sa.Column("box_private", sa.LargeBinary(), nullable=True),
        sa.Column("is_self", sa.Boolean(), server_default=sa.text("0"), nullable=False),
        sa.Column("issuer_code", sa.String(length=8), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("retired_at", sa.DateTime(), nullable=True),
        sa.Column("superseded_by", sa.String(length=32), nullable=True),
        sa.PrimaryKeyConstraint("node_id", name=op.f("pk_sync_node")),
    )
    op.create_table(
        "unions",
        sa.Column("federation_id", sa.String(length=36), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("employer", sa.String(length=100), nullable=True),
        sa.Column("credit_code", sa.String(length=18), nullable=True),
        sa.Column("industry", sa.String(length=2), nullable=True),
        sa.Column("ownership", sa.String(length=3), nullable=True),
        sa.Column("address", sa.String(length=200), nullable=True),
        sa.Column("founded_on", sa.Date(), nullable=True),
        sa.Column("chair", sa.String(length=50), nullable=True),
        sa.Column("employee_count", sa.Integer(), nullable=True),
        sa.Column("notes", sa.Text(), nullable=True),
        sa.Column("sort_key", sa.String(length=200), nullable=False),
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("deleted", sa.Boolean(), server_default=sa.text("0"), nullable=False),
        sa.ForeignKeyConstraint(
            ["federation_id"], ["federations.id"], name=op.f("fk_unions_federation_id_federations")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_unions")),
    )
    with op.batch_alter_table("unions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_unions_credit_code"), ["credit_code"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_unions_federation_id"), ["federation_id"], unique=False
        )

    op.create_table(
        "members",
        sa.Column("union_id", sa.String(length=36), nullable=False),
        sa.Column("name", sa.String(length=50), nullable=False),
        sa.Column("id_number", sa.String(length=18), nullable=False),
        sa.Column("gender", sa.String(length=1), nullable=True),
        sa.Column("birth_date", sa.Date(), nullable=True),
        sa.Column("ethnicity", sa.String(length=2), nullable=True),
        sa.Column("political_status", sa.String(length=2), nullable=True),
        sa.Column("education", sa.String(length=16), nullable=True),
        sa.Column("hukou_type", sa.String(length=16), nullable=True),
        sa.Column("is_migrant_worker", sa.Boolean(), server_default=sa.text("0"), nullable=False),
        sa.Column("phone", sa.String(length=11), nullable=True),
        sa.Column("employer", sa.String(length=100), nullable=True),
        sa.Column("position", sa.String(length=50), nullable=True),
        sa.Column("card_no", sa.String(length=32), nullable=True),
        sa.Column("joined_on", sa.Date(), nullable=True),
        sa.Column("membership_status", sa.String(length=16), nullable=False),
        sa.Column("left_on", sa.Date(), nullable=True),
        sa.Column("leave_reason", sa.String(length=100), nullable=True),
        sa.Column("photo", sa.String(length=64), nullable=True),
        sa.Column("notes", sa.Text(), nullable=True),
        sa.Column("sort_key", sa.String(length=200), nullable=False),
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("deleted", sa.Boolean(), server_default=sa.text("0"), nullable=False),
        sa.ForeignKeyConstraint(
            ["union_id"], ["unions.id"], name=op.f("fk_members_union_id_unions")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_members")),
    )
    with op.batch_alter_table("members", schema=None) as batch_op:
        batch_op.create_index("ix_members_card_no", ["card_no"], unique=False)
        batch_op.create_index("ix_members_id_number", ["id_number"], unique=False)
        batch_op.create_index("ix_members_listing", ["deleted", "sort_key"], unique=False)
        batch_op.create_index(
            "ix_members_union_listing", ["union_id", "deleted", "sort_key"], unique=False
        )

    op.create_table(
        "applications",
        sa.Column("union_id", sa.String(length=36), nullable=False),
        sa.Column("name", sa.String(length=50), nullable=False),
        sa.Column("id_number", sa.String(length=18), nullable=False),
        sa.Column("phone", sa.String(length=11), nullable=True),
        sa.Column("employer", sa.String(length=100), nullable=True),
        sa.Column("position", sa.String(length=50), nullable=True),
        sa.Column("submitted_on", sa.Date(), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("reviewer", sa.String(length=50), nullable=True),
        sa.Column("reviewed_on", sa.Date(), nullable=True),
        sa.Column("review_note", sa.Text(), nullable=True),
        sa.Column("member_id", sa.String(length=36), nullable=True),
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("deleted", sa.Boolean(), server_default=sa.text("0"), nullable=False),
        sa.ForeignKeyConstraint(
            ["member_id"], ["members.id"], name=op.f("fk_applications_member_id_members")
        ),
        sa.ForeignKeyConstraint(
            ["union_id"], ["unions.id"], name=op.f("fk_applications_union_id_unions")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_applications")),
    )
    with op.batch_alter_table("applications", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_applications_union_id"), ["union_id"], unique=False)

    op.create_table(
        "hardship_cases",
        sa.Column("member_id", sa.String(length=36), nullable=False),
        sa.Column("level", sa.String(length=12), nullable=False),
        sa.Column("cause", sa.String(length=200), nullable=True),
        sa.Column("household_size", sa.Integer(), nullable=True),
        sa.Column("monthly_income_per_capita", sa.Integer(), nullable=True),
        sa.Column("opened_on", sa.Date(), nullable=False),
        sa.Column("review_due_on", sa.Date(), nullable=False),
        sa.Column("closed_on", sa.Date(), nullable=True),
        sa.Column("notes", sa.Text(), nullable=True),
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("deleted", sa.Boolean(), server_default=sa.text("0"), nullable=False),
        sa.ForeignKeyConstraint(
            ["member_id"], ["members.id"], name=op.f("fk_hardship_cases_member_id_members")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_hardship_cases")),
    )
    with op.batch_alter_table("hardship_cases", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_hardship_cases_member_id"), ["member_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_hardship_cases_review_due_on"), ["review_due_on"], unique=False
        )

    op.create_table(
        "transfers",
        sa.Column("member_id", sa.String(length=36), nullable=False),
        sa.Column("from_union_id", sa.String(length=36), nullable=True),
        sa.Column("to_union_id", sa.String(length=36), nullable=True),
        sa.Column("to_union_name", sa.String(length=100), nullable=True),
        sa.Column("transferred_on", sa.Date(), nullable=False),
        sa.Column("slip_no", sa.String(length=32), nullable=True),
        sa.Column("reason", sa.String(length=200), nullable=True),
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("deleted", sa.Boolean(), server_default=sa.text("0"), nullable=False),
        sa.ForeignKeyConstraint(
            ["from_union_id"], ["unions.id"], name=op.f("fk_transfers_from_union_id_unions")
        ),
        sa.ForeignKeyConstraint(
            ["member_id"], ["members.id"], name=op.f("fk_transfers_member_id_members")
        ),
        sa.ForeignKeyConstraint(
            ["to_union_id"], ["unions.id"], name=op.f("fk_transfers_to_union_id_unions")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_transfers")),
    )
    with op.batch_alter_table("transfers", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_transfers_member_id"), ["member_id"], unique=False)

    if _on_postgres():
        # the integer key the search index names a member by (SQLite's own rowid), and
        # no FTS5 table: the hub's index is storage/pg_search (made after the upgrade)
        op.execute(
            "ALTER TABLE members ADD COLUMN rowid bigint GENERATED BY DEFAULT AS IDENTITY "
            "CONSTRAINT uq_members_rowid UNIQUE"
        )
        # sort keys compare bytewise, as in SQLite, whatever the database's collation
        for table in ("unions", "members"):
            op.execute(f'ALTER TABLE {table} ALTER COLUMN sort_key TYPE varchar(200) COLLATE "C"')
        return
    op.execute(
        "CREATE VIRTUAL TABLE member_search USING fts5("
        "name, pinyin, idrev, phone, card, cardrev, "
        "tokenize = 'unicode61 remove_diacritics 0', prefix = '2 3')"
    )


def _on_postgres() -> bool:
    """The federation hub (PostgreSQL): SQLite-only SQL is skipped there (docs/HUB.md)."""
    return op.get_bind().dialect.name == "postgresql"


def downgrade() -> None:
    op.execute("DROP TABLE IF EXISTS member_search")
    with op.batch_alter_table("transfers", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_transfers_member_id"))

    op.drop_table("transfers")
    with op.batch_alter_table("hardship_cases", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_hardship_cases_review_due_on"))
        batch_op.drop_index(batch_op.f("ix_hardship_cases_member_id"))

    op.drop_table("hardship_cases")
    with op.batch_alter_table("applications", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_applications_union_id"))

    op.drop_table("applications")
    with op.batch_alter_table("members", schema=None) as batch_op:
        batch_op.drop_index("ix_members_union_listing")
        batch_op.drop_index("ix_members_listing")
        batch_op.drop_index("ix_members_id_number")
        batch_op.drop_index("ix_members_card_no")

    op.drop_table("members")
    with op.batch_alter_table("unions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_unions_federation_id"))
        batch_op.drop_index(batch_op.f("ix_unions_credit_code"))

    op.drop_table("unions")
    op.drop_table("sync_node")
    op.drop_table("sync_context")
    op.drop_table("sync_clock")
    with op.batch_alter_table("sync_change", schema=None) as batch_op:
        batch_op.drop_index("ix_sync_change_row")

    op.drop_table("sync_change")
    op.drop_table("federations")
    op.drop_table("card_sequences")
    op.drop_table("attachments")
    op.drop_table("app_settings")
