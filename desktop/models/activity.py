"""Activities and services under the 3+N plan: categories, activities, attendance, 服务台账.

Categories are referred to by their stable ``code`` (never by row id) so activities
recorded on two offline PCs group together. The 3 fixed categories and the seeded N
ones carry deterministic ids (``category_id``) so every installation holds the same
rows and sync never duplicates them.

Activity times are wall-clock local times (an appointment, not an event stamp);
``checked_in_at`` is a UTC timestamp. Money is stored in fen (integers), exact.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime

from sqlalchemy import Boolean, Date, DateTime, ForeignKey, Index, Integer, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column

from desktop.models.base import Base, Synced

_CATEGORY_NS = uuid.UUID("6f1c1f0e-8d7b-4b1e-9a52-3b2a0c6e0001")


def category_id(code: str) -> str:
    """The fixed id of a seeded category: the same on every installation."""
    return str(uuid.uuid5(_CATEGORY_NS, code))


class ServiceCategory(Synced, Base):
    __tablename__ = "service_categories"

    code: Mapped[str] = mapped_column(String(40), index=True)
    name: Mapped[str] = mapped_column(String(50))
    fixed: Mapped[bool] = mapped_column(Boolean, default=False, server_default=text("0"))
    active: Mapped[bool] = mapped_column(Boolean, default=True, server_default=text("1"))
    sort_order: Mapped[int] = mapped_column(Integer, default=100)


class Activity(Synced, Base):
    __tablename__ = "activities"

    title: Mapped[str] = mapped_column(String(200))
    category: Mapped[str] = mapped_column(String(40))
    starts_at: Mapped[datetime] = mapped_column(DateTime)
    ends_at: Mapped[datetime] = mapped_column(DateTime)
    site_id: Mapped[str | None] = mapped_column(ForeignKey("sites.id"), index=True)
    organiser: Mapped[str | None] = mapped_column(String(100))
    budget_fen: Mapped[int | None] = mapped_column(Integer)
    spent_fen: Mapped[int | None] = mapped_column(Integer)
    description: Mapped[str | None] = mapped_column(Text)
    notes: Mapped[str | None] = mapped_column(Text)

    __table_args__ = (Index("ix_activities_dashboard", "deleted", "starts_at", "category"),)


class ActivityPhoto(Synced, Base):
    """A photo of an activity: the SHA-256 of its bytes in ``attachments``."""

    __tablename__ = "activity_photos"

    activity_id: Mapped[str] = mapped_column(ForeignKey("activities.id"), index=True)
    sha256: Mapped[str] = mapped_column(String(64))
    caption: Mapped[str | None] = mapped_column(String(200))


class Attendance(Synced, Base):
    """签到: a member (by card number or search) or a named non-member at an activity."""

    __tablename__ = "attendances"

    activity_id: Mapped[str] = mapped_column(ForeignKey("activities.id"))
    member_id: Mapped[str | None] = mapped_column(ForeignKey("members.id"))
    guest_name: Mapped[str | None] = mapped_column(String(50))
    method: Mapped[str] = mapped_column(String(8))
    checked_in_at: Mapped[datetime] = mapped_column(DateTime)

    __table_args__ = (
        Index("ix_attendances_activity", "activity_id", "deleted", "member_id"),
        Index("ix_attendances_member", "member_id", "deleted"),
    )


class ServiceRecord(Synced, Base):
    """服务台账: one day's service at a site in one category, with people served (人次)."""

    __tablename__ = "service_records"

    served_on: Mapped[date] = mapped_column(Date)
    site_id: Mapped[str] = mapped_column(ForeignKey("sites.id"))
    category: Mapped[str] = mapped_column(String(40))
    people: Mapped[int] = mapped_column(Integer)
    worker_id: Mapped[str | None] = mapped_column(ForeignKey("union_workers.id"))
    notes: Mapped[str | None] = mapped_column(Text)

    __table_args__ = (
        Index("ix_service_records_dashboard", "deleted", "served_on", "category", "people"),
        Index("ix_service_records_site", "site_id", "served_on"),
    )
