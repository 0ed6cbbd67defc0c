"""activities: 3+N service categories, 会站家 sites, activities, attendance, service log,
evaluations; covering indexes on members for the dashboard

Seeds the 3 fixed and the default N service categories with deterministic ids (the same
rows on every installation, so sync never duplicates them). Capture triggers are made by
``desktop.opening.run_migrations`` after the upgrade, so the seed rows record no changes.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-21
"""

from __future__ import annotations

import uuid

import sqlalchemy as sa
from alembic import op

# Frozen: the seeded categories' ids are fixed forever (every installation makes the
# same rows), so this migration keeps its own copy of the rule instead of importing it.
_CATEGORY_NS = uuid.UUID("6f1c1f0e-8d7b-4b1e-9a52-3b2a0c6e0001")


def category_id(code: str) -> str:
    return str(uuid.uuid5(_CATEGORY_NS, code))


# Frozen copies of the code lists at the time of this migration.
FIXED_SERVICE_CATEGORIES = (
    ("hardship_help", "困难帮扶"),
    ("legal_aid", "法律援助"),
    ("culture_sport_health", "文体健康"),
)
DEFAULT_N_SERVICE_CATEGORIES = (
    ("career", "职业发展"),
    ("family_care", "亲情关爱"),
    ("festival", "节日喜庆"),
    ("counselling", "心理咨询"),
    ("child_care", "子女关爱"),
    ("public_services", "争取公共服务均等化"),
)

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "evaluation_templates",
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("site_kind", sa.String(length=12), nullable=True),
        sa.Column("active", sa.Boolean(), server_default=sa.text("1"), nullable=False),
        sa.Column("notes", sa.Text(), nullable=True),
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("deleted", sa.Boolean(), server_default=sa.text("0"), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_evaluation_templates")),
    )
    op.create_table(
        "service_categories",
        sa.Column("code", sa.String(length=40), nullable=False),
        sa.Column("name", sa.String(length=50), nullable=False),
        sa.Column("fixed", sa.Boolean(), server_default=sa.text("0"), nullable=False),
        sa.Column("active", sa.Boolean(), server_default=sa.text("1"), nullable=False),
        sa.Column("sort_order", sa.Integer(), nullable=False),
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("deleted", sa.Boolean(), server_default=sa.text("0"), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_service_categories")),
    )
    with op.batch_alter_table("service_categories", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_service_categories_code"), ["code"], unique=False)

    op.create_table(
        "evaluation_items",
        sa.Column("template_id", sa.String(length=36), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("max_points", sa.Float(), nullable=False),
        sa.Column("is_bonus", sa.Boolean(), server_default=sa.text("0"), nullable=False),
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("deleted", sa.Boolean(), server_default=sa.text("0"), nullable=False),
        sa.ForeignKeyConstraint(
            ["template_id"],
            ["evaluation_templates.id"],
            name=op.f("fk_evaluation_items_template_id_evaluation_templates"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_evaluation_items")),
    )
    with op.batch_alter_table("evaluation_items", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_evaluation_items_template_id"), ["template_id"], unique=False
        )

    op.create_table(
        "evaluation_levels",
        sa.Column("template_id", sa.String(length=36), nullable=False),
        sa.Column("star_level", sa.Integer(), nullable=False),
        sa.Column("min_points", sa.Float(), nullable=False),
        sa.Column("min_area_m2", sa.Float(), nullable=True),
        sa.Column("min_seats", sa.Integer(), nullable=True),
        sa.Column("required_facilities", sa.String(length=300), nullable=True),
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("deleted", sa.Boolean(), server_default=sa.text("0"), nullable=False),
        sa.ForeignKeyConstraint(
            ["template_id"],
            ["evaluation_templates.id"],
            name=op.f("fk_evaluation_levels_template_id_evaluation_templates"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_evaluation_levels")),
    )
    with op.batch_alter_table("evaluation_levels", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_evaluation_levels_template_id"), ["template_id"], unique=False
        )

    op.create_table(
        "sites",
        sa.Column("kind", sa.String(length=12), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("union_id", sa.String(length=36), nullable=True),
        sa.Column("address", sa.String(length=200), nullable=True),
        sa.Column("area_m2", sa.Float(), nullable=True),
        sa.Column("seats", sa.Integer(), nullable=True),
        sa.Column("opening_hours", sa.String(length=100), nullable=True),
        sa.Column("contact_person", sa.String(length=50), nullable=True),
        sa.Column("contact_phone", sa.String(length=20), nullable=True),
        sa.Column("opened_on", sa.Date(), nullable=True),
        sa.Column("star_level", sa.Integer(), nullable=True),
        sa.Column("photos", sa.Text(), nullable=True),
        sa.Column("notes", sa.Text(), nullable=True),
        sa.Column("sort_key", sa.String(length=200), nullable=False),
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("deleted", sa.Boolean(), server_default=sa.text("0"), nullable=False),
        sa.ForeignKeyConstraint(["union_id"], ["unions.id"], name=op.f("fk_sites_union_id_unions")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sites")),
    )
    with op.batch_alter_table("sites", schema=None) as batch_op:
        batch_op.create_index("ix_sites_listing", ["deleted", "kind", "sort_key"], unique=False)

    op.create_table(
        "activities",
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("category", sa.String(length=40), nullable=False),
        sa.Column("starts_at", sa.DateTime(), nullable=False),
        sa.Column("ends_at", sa.DateTime(), nullable=False),
        sa.Column("site_id", sa.String(length=36), nullable=True),
        sa.Column("organiser", sa.String(length=100), nullable=True),
        sa.Column("budget_fen", sa.Integer(), nullable=True),
        sa.Column("spent_fen", sa.Integer(), nullable=True),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("notes", sa.Text(), nullable=True),
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("deleted", sa.Boolean(), server_default=sa.text("0"), nullable=False),
        sa.ForeignKeyConstraint(
            ["site_id"], ["sites.id"], name=op.f("fk_activities_site_id_sites")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_activities")),
    )
    with op.batch_alter_table("activities", schema=None) as batch_op:
        batch_op.create_index(
            "ix_activities_dashboard", ["deleted", "starts_at", "category"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_activities_site_id"), ["site_id"], unique=False)

    op.create_table(
        "evaluations",
        sa.Column("site_id", sa.String(length=36), nullable=False),
        sa.Column("template_id", sa.String(length=36), nullable=False),
        sa.Column("evaluated_on", sa.Date(), nullable=False),
        sa.Column("assessor", sa.String(length=100), nullable=True),
        sa.Column("total_points", sa.Float(), nullable=False),
        sa.Column("star_level", sa.Integer(), nullable=True),
        sa.Column("notes", sa.Text(), nullable=True),
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("deleted", sa.Boolean(), server_default=sa.text("0"), nullable=False),
        sa.ForeignKeyConstraint(
            ["site_id"], ["sites.id"], name=op.f("fk_evaluations_site_id_sites")
        ),
        sa.ForeignKeyConstraint(
            ["template_id"],
            ["evaluation_templates.id"],
            name=op.f("fk_evaluations_template_id_evaluation_templates"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_evaluations")),
    )
    with op.batch_alter_table("evaluations", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_evaluations_site_id"), ["site_id"], unique=False)

    op.create_table(
        "site_facilities",
        sa.Column("site_id", sa.String(length=36), nullable=False),
        sa.Column("facility", sa.String(length=24), nullable=False),
        sa.Column("condition", sa.String(length=12), nullable=False),
        sa.Column("quantity", sa.Integer(), nullable=False),
        sa.Column("notes", sa.String(length=200), nullable=True),
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("deleted", sa.Boolean(), server_default=sa.text("0"), nullable=False),
        sa.ForeignKeyConstraint(
            ["site_id"], ["sites.id"], name=op.f("fk_site_facilities_site_id_sites")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_site_facilities")),
    )
    with op.batch_alter_table("site_facilities", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_site_facilities_site_id"), ["site_id"], unique=False)

    op.create_table(
        "union_workers",
        sa.Column("name", sa.String(length=50), nullable=False),
        sa.Column("gender", sa.String(length=1), nullable=True),
        sa.Column("phone", sa.String(length=11), nullable=True),
        sa.Column("site_id", sa.String(length=36), nullable=True),
        sa.Column("position", sa.String(length=50), nullable=True),
        sa.Column("contract_start", sa.Date(), nullable=True),
        sa.Column("contract_end", sa.Date(), nullable=True),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("notes", sa.Text(), nullable=True),
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("deleted", sa.Boolean(), server_default=sa.text("0"), nullable=False),
        sa.ForeignKeyConstraint(
            ["site_id"], ["sites.id"], name=op.f("fk_union_workers_site_id_sites")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_union_workers")),
    )
    with op.batch_alter_table("union_workers", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_union_workers_site_id"), ["site_id"], unique=False)

    op.create_table(
        "activity_photos",
        sa.Column("activity_id", sa.String(length=36), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("caption", sa.String(length=200), nullable=True),
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("deleted", sa.Boolean(), server_default=sa.text("0"), nullable=False),
        sa.ForeignKeyConstraint(
            ["activity_id"],
            ["activities.id"],
            name=op.f("fk_activity_photos_activity_id_activities"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_activity_photos")),
    )
    with op.batch_alter_table("activity_photos", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_activity_photos_activity_id"), ["activity_id"], unique=False
        )

    op.create_table(
        "attendances",
        sa.Column("activity_id", sa.String(length=36), nullable=False),
        sa.Column("member_id", sa.String(length=36), nullable=True),
        sa.Column("guest_name", sa.String(length=50), nullable=True),
        sa.Column("method", sa.String(length=8), nullable=False),
        sa.Column("checked_in_at", sa.DateTime(), nullable=False),
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("deleted", sa.Boolean(), server_default=sa.text("0"), nullable=False),
        sa.ForeignKeyConstraint(
            ["activity_id"], ["activities.id"], name=op.f("fk_attendances_activity_id_activities")
        ),
        sa.ForeignKeyConstraint(
            ["member_id"], ["members.id"], name=op.f("fk_attendances_member_id_members")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_attendances")),
    )
    with op.batch_alter_table("attendances", schema=None) as batch_op:
        batch_op.create_index(
            "ix_attendances_activity", ["activity_id", "deleted", "member_id"], unique=False
        )
        batch_op.create_index("ix_attendances_member", ["member_id", "deleted"], unique=False)

    op.create_table(
        "evaluation_scores",
        sa.Column("evaluation_id", sa.String(length=36), nullable=False),
        sa.Column("item_id", sa.String(length=36), nullable=True),
        sa.Column("item_title", sa.String(length=300), nullable=False),
        sa.Column("max_points", sa.Float(), nullable=False),
        sa.Column("is_bonus", sa.Boolean(), server_default=sa.text("0"), nullable=False),
        sa.Column("points", sa.Float(), nullable=False),
        sa.Column("note", sa.String(length=200), nullable=True),
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("deleted", sa.Boolean(), server_default=sa.text("0"), nullable=False),
        sa.ForeignKeyConstraint(
            ["evaluation_id"],
            ["evaluations.id"],
            name=op.f("fk_evaluation_scores_evaluation_id_evaluations"),
        ),
        sa.ForeignKeyConstraint(
            ["item_id"],
            ["evaluation_items.id"],
            name=op.f("fk_evaluation_scores_item_id_evaluation_items"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_evaluation_scores")),
    )
    with op.batch_alter_table("evaluation_scores", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_evaluation_scores_evaluation_id"), ["evaluation_id"], unique=False
        )

    op.create_table(
        "service_records",
        sa.Column("served_on", sa.Date(), nullable=False),
        sa.Column("site_id", sa.String(length=36), nullable=False),
        sa.Column("category", sa.String(length=40), nullable=False),
        sa.Column("people", sa.Integer(), nullable=False),
        sa.Column("worker_id", sa.String(length=36), nullable=True),
        sa.Column("notes", sa.Text(), nullable=True),
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("deleted", sa.Boolean(), server_default=sa.text("0"), nullable=False),
        sa.ForeignKeyConstraint(
            ["site_id"], ["sites.id"], name=op.f("fk_service_records_site_id_sites")
        ),
        sa.ForeignKeyConstraint(
            ["worker_id"],
            ["union_workers.id"],
            name=op.f("fk_service_records_worker_id_union_workers"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_service_records")),
    )
    with op.batch_alter_table("service_records", schema=None) as batch_op:
        batch_op.create_index(
            "ix_service_records_dashboard",
            ["deleted", "served_on", "category", "people"],
            unique=False,
        )
        batch_op.create_index("ix_service_records_site", ["site_id", "served_on"], unique=False)
        batch_op.create_index(
            "ix_service_records_stats_category",
            ["deleted", "category", "served_on", "people"],
            unique=False,
        )
        batch_op.create_index(
            "ix_service_records_stats_site",
            ["deleted", "site_id", "served_on", "people"],
            unique=False,
        )

    with op.batch_alter_table("hardship_cases", schema=None) as batch_op:
        batch_op.create_index(
            "ix_hardship_cases_stats_due", ["deleted", "closed_on", "review_due_on"], unique=False
        )

    with op.batch_alter_table("members", schema=None) as batch_op:
        batch_op.create_index(
            "ix_members_stats_age",
            ["deleted", "membership_status", "birth_date", "joined_on"],
            unique=False,
        )
        batch_op.create_index(
            "ix_members_stats_groups",
            [
                "deleted",
                "membership_status",
                "union_id",
                "gender",
                "is_migrant_worker",
                "joined_on",
            ],
            unique=False,
        )
        batch_op.create_index(
            "ix_members_stats_joined",
            ["deleted", "joined_on", "membership_status", "union_id"],
            unique=False,
        )
        batch_op.create_index(
            "ix_members_stats_left", ["deleted", "left_on", "union_id"], unique=False
        )

    categories = sa.table(
        "service_categories",
        sa.column("id", sa.String),
        sa.column("code", sa.String),
        sa.column("name", sa.String),
        sa.column("fixed", sa.Boolean),
        sa.column("active", sa.Boolean),
        sa.column("sort_order", sa.Integer),
        sa.column("deleted", sa.Boolean),
    )
    rows = [
        {"code": code, "name": name, "fixed": True} for code, name in FIXED_SERVICE_CATEGORIES
    ] + [
        {"code": code, "name": name, "fixed": False} for code, name in DEFAULT_N_SERVICE_CATEGORIES
    ]
    op.bulk_insert(
        categories,
        [
            {
                **row,
                "id": category_id(str(row["code"])),
                "active": True,
                "sort_order": (i + 1) * 10,
                "deleted": False,
            }
            for i, row in enumerate(rows)
        ],
    )
    if op.get_bind().dialect.name == "postgresql":
        # sort keys compare bytewise, as in SQLite, whatever the database's collation
        op.execute('ALTER TABLE sites ALTER COLUMN sort_key TYPE varchar(200) COLLATE "C"')


def downgrade() -> None:
    with op.batch_alter_table("members", schema=None) as batch_op:
        batch_op.drop_index("ix_members_stats_left")
        batch_op.drop_index("ix_members_stats_joined")
        batch_op.drop_index("ix_members_stats_groups")
        batch_op.drop_index("ix_members_stats_age")

    with op.batch_alter_table("hardship_cases", schema=None) as batch_op:
        batch_op.drop_index("ix_hardship_cases_stats_due")

    with op.batch_alter_table("service_records", schema=None) as batch_op:
        batch_op.drop_index("ix_service_records_stats_site")
        batch_op.drop_index("ix_service_records_stats_category")
        batch_op.drop_index("ix_service_records_site")
        batch_op.drop_index("ix_service_records_dashboard")

    op.drop_table("service_records")
    with op.batch_alter_table("evaluation_scores", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_evaluation_scores_evaluation_id"))

    op.drop_table("evaluation_scores")
    with op.batch_alter_table("attendances", schema=None) as batch_op:
        batch_op.drop_index("ix_attendances_member")
        batch_op.drop_index("ix_attendances_activity")

    op.drop_table("attendances")
    with op.batch_alter_table("activity_photos", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_activity_photos_activity_id"))

    op.drop_table("activity_photos")
    with op.batch_alter_table("union_workers", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_union_workers_site_id"))

    op.drop_table("union_workers")
    with op.batch_alter_table("site_facilities", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_site_facilities_site_id"))

    op.drop_table("site_facilities")
    with op.batch_alter_table("evaluations", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_evaluations_site_id"))

    op.drop_table("evaluations")
    with op.batch_alter_table("activities", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_activities_site_id"))
        batch_op.drop_index("ix_activities_dashboard")

    op.drop_table("activities")
    with op.batch_alter_table("sites", schema=None) as batch_op:
        batch_op.drop_index("ix_sites_listing")

    op.drop_table("sites")
    with op.batch_alter_table("evaluation_levels", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_evaluation_levels_template_id"))

    op.drop_table("evaluation_levels")
    with op.batch_alter_table("evaluation_items", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_evaluation_items_template_id"))

    op.drop_table("evaluation_items")
    with op.batch_alter_table("service_categories", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_service_categories_code"))

    op.drop_table("service_categories")
    op.drop_table("evaluation_templates")
