"""legal aid and honours: legal-aid cases with their documents, honours, and the
editable list of honour titles (seeded)

Seeds the default honour titles with deterministic ids (the same rows on every
installation, so sync never duplicates them). Capture triggers are made by
``desktop.opening.run_migrations`` after the upgrade, so the seed rows record no changes.

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-06
"""

from __future__ import annotations

import uuid

import sqlalchemy as sa
from alembic import op

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None

# Frozen copies: the seeded titles' ids are fixed forever.
_TITLE_NS = uuid.UUID("6f1c1f0e-8d7b-4b1e-9a52-3b2a0c6e0022")
DEFAULT_HONOUR_TITLES = (
    ("nanyue_craftsman", "南粤工匠", False),
    ("nanyue_best_worker", "南粤最美职工", False),
    ("model_worker", "劳动模范", False),
    ("may_day_medal", "五一劳动奖章", False),
    ("pioneer_team", "工人先锋号", True),
    ("advanced_worker", "先进工作者", False),
)


def _synced() -> list[sa.Column[object]]:
    return [
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("deleted", sa.Boolean(), server_default=sa.text("0"), nullable=False),
    ]


def upgrade() -> None:
    op.create_table(
        "legal_cases",
        sa.Column("intake_on", sa.Date(), nullable=False),
        sa.Column("member_id", sa.String(length=36), nullable=True),
        sa.Column("applicant_name", sa.String(length=50), nullable=True),
        sa.Column("applicant_phone", sa.String(length=11), nullable=True),
        sa.Column("case_type", sa.String(length=24), nullable=False),
        sa.Column("summary", sa.Text(), nullable=True),
        sa.Column("employer", sa.String(length=100), nullable=True),
        sa.Column("handler", sa.String(length=50), nullable=True),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("outcome", sa.String(length=24), nullable=True),
        sa.Column("amount_recovered_fen", sa.Integer(), nullable=True),
        sa.Column("closed_on", sa.Date(), nullable=True),
        sa.Column("notes", sa.Text(), nullable=True),
        *_synced(),
        sa.ForeignKeyConstraint(
            ["member_id"], ["members.id"], name=op.f("fk_legal_cases_member_id_members")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_legal_cases")),
    )
    op.create_index("ix_legal_cases_member_id", "legal_cases", ["member_id"])
    op.create_index("ix_legal_cases_listing", "legal_cases", ["deleted", "intake_on"])
    op.create_table(
        "legal_case_documents",
        sa.Column("case_id", sa.String(length=36), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("mime", sa.String(length=40), nullable=False),
        sa.Column("file_name", sa.String(length=200), nullable=False),
        *_synced(),
        sa.ForeignKeyConstraint(
            ["case_id"],
            ["legal_cases.id"],
            name=op.f("fk_legal_case_documents_case_id_legal_cases"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_legal_case_documents")),
    )
    op.create_index("ix_legal_case_documents_case_id", "legal_case_documents", ["case_id"])
    op.create_table(
        "honour_titles",
        sa.Column("code", sa.String(length=40), nullable=False),
        sa.Column("name", sa.String(length=50), nullable=False),
        sa.Column("team", sa.Boolean(), server_default=sa.text("0"), nullable=False),
        sa.Column("active", sa.Boolean(), server_default=sa.text("1"), nullable=False),
        sa.Column("sort_order", sa.Integer(), nullable=False),
        *_synced(),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_honour_titles")),
    )
    op.create_index("ix_honour_titles_code", "honour_titles", ["code"])
    op.create_table(
        "honours",
        sa.Column("member_id", sa.String(length=36), nullable=True),
        sa.Column("team_name", sa.String(length=100), nullable=True),
        sa.Column("title_code", sa.String(length=40), nullable=False),
        sa.Column("level", sa.String(length=12), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("awarding_body", sa.String(length=100), nullable=True),
        sa.Column("notes", sa.Text(), nullable=True),
        *_synced(),
        sa.ForeignKeyConstraint(
            ["member_id"], ["members.id"], name=op.f("fk_honours_member_id_members")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_honours")),
    )
    op.create_index("ix_honours_member", "honours", ["member_id", "deleted"])
    op.create_index("ix_honours_title", "honours", ["title_code", "deleted", "member_id"])
    titles = sa.table(
        "honour_titles",
        sa.column("id", sa.String),
        sa.column("code", sa.String),
        sa.column("name", sa.String),
        sa.column("team", sa.Boolean),
        sa.column("active", sa.Boolean),
        sa.column("sort_order", sa.Integer),
        sa.column("deleted", sa.Boolean),
    )
    op.bulk_insert(
        titles,
        [
            {
                "id": str(uuid.uuid5(_TITLE_NS, code)),
                "code": code,
                "name": name,
                "team": team,
                "active": True,
                "sort_order": (i + 1) * 10,
                "deleted": False,
            }
            for i, (code, name, team) in enumerate(DEFAULT_HONOUR_TITLES)
        ],
    )


def downgrade() -> None:
    op.drop_table("honours")
    op.drop_table("honour_titles")
    op.drop_table("legal_case_documents")
    op.drop_table("legal_cases")
