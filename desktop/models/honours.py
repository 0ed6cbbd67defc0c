"""荣誉: honours of members (or of a team), and the editable list of honour titles.

Titles are referred to by their stable ``code`` (never by row id), like the service
categories: the seeded ones carry deterministic ids (``honour_title_id``) so every
installation holds the same rows and sync never duplicates them. A team honour
(工人先锋号) names a team or union in ``team_name`` instead of a member.
"""

from __future__ import annotations

import uuid

from sqlalchemy import Boolean, ForeignKey, Index, Integer, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column

from desktop.models.base import Base, Synced

_TITLE_NS = uuid.UUID("6f1c1f0e-8d7b-4b1e-9a52-3b2a0c6e0022")


def honour_title_id(code: str) -> str:
    """The fixed id of a seeded title: the same on every installation."""
    return str(uuid.uuid5(_TITLE_NS, code))


class HonourTitle(Synced, Base):
    __tablename__ = "honour_titles"

    code: Mapped[str] = mapped_column(String(40), index=True)
    name: Mapped[str] = mapped_column(String(50))
    team: Mapped[bool] = mapped_column(Boolean, default=False, server_default=text("0"))
    active: Mapped[bool] = mapped_column(Boolean, default=True, server_default=text("1"))
    sort_order: Mapped[int] = mapped_column(Integer, default=100)


class Honour(Synced, Base):
    """One honour: a title at a level (国家/省/市/区) in a year, from an awarding body."""

    __tablename__ = "honours"

    member_id: Mapped[str | None] = mapped_column(ForeignKey("members.id"))
    team_name: Mapped[str | None] = mapped_column(String(100))
    title_code: Mapped[str] = mapped_column(String(40))
    level: Mapped[str] = mapped_column(String(12))
    year: Mapped[int] = mapped_column(Integer)
    awarding_body: Mapped[str | None] = mapped_column(String(100))
    notes: Mapped[str | None] = mapped_column(Text)

    __table_args__ = (
        Index("ix_honours_member", "member_id", "deleted"),
        Index("ix_honours_title", "title_code", "deleted", "member_id"),
    )
