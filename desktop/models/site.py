"""会站家: the federation office, worker service stations and worker homes in one table.

A shared ``sites`` table (``kind`` = federation / station / home) keeps the registers,
the service log and evaluations on one foreign key. ``star_level`` is the result of the
latest evaluation, written by the evaluation service in the same transaction.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import Date, Float, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from desktop.models.base import LOCAL, Base, Synced


class Site(Synced, Base):
    __tablename__ = "sites"

    kind: Mapped[str] = mapped_column(String(12))
    name: Mapped[str] = mapped_column(String(100))
    union_id: Mapped[str | None] = mapped_column(ForeignKey("unions.id"))
    address: Mapped[str | None] = mapped_column(String(200))
    area_m2: Mapped[float | None] = mapped_column(Float)
    seats: Mapped[int | None] = mapped_column(Integer)
    opening_hours: Mapped[str | None] = mapped_column(String(100))
    contact_person: Mapped[str | None] = mapped_column(String(50))
    contact_phone: Mapped[str | None] = mapped_column(String(20))
    opened_on: Mapped[date | None] = mapped_column(Date)
    star_level: Mapped[int | None] = mapped_column(Integer)
    # SHA-256 hashes of photos in ``attachments``, space-separated.
    photos: Mapped[str | None] = mapped_column(Text)
    notes: Mapped[str | None] = mapped_column(Text)
    sort_key: Mapped[str] = mapped_column(String(200), default="", info=LOCAL)

    __table_args__ = (Index("ix_sites_listing", "deleted", "kind", "sort_key"),)


class SiteFacility(Synced, Base):
    """设施 at a site, with its condition (code lists FACILITY / FACILITY_CONDITION)."""

    __tablename__ = "site_facilities"

    site_id: Mapped[str] = mapped_column(ForeignKey("sites.id"), index=True)
    facility: Mapped[str] = mapped_column(String(24))
    condition: Mapped[str] = mapped_column(String(12), default="good")
    quantity: Mapped[int] = mapped_column(Integer, default=1)
    notes: Mapped[str | None] = mapped_column(String(200))


class UnionWorker(Synced, Base):
    """社会化工会工作者: contracted staff with a contract period and an assigned site."""

    __tablename__ = "union_workers"

    name: Mapped[str] = mapped_column(String(50))
    gender: Mapped[str | None] = mapped_column(String(1))
    phone: Mapped[str | None] = mapped_column(String(11))
    site_id: Mapped[str | None] = mapped_column(ForeignKey("sites.id"), index=True)
    position: Mapped[str | None] = mapped_column(String(50))
    contract_start: Mapped[date | None] = mapped_column(Date)
    contract_end: Mapped[date | None] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(12), default="active")
    notes: Mapped[str | None] = mapped_column(Text)
