"""A member's life in the union: the status history (issue #21).

Every change of 会籍状态 leaves a row here — date, previous and new status, reason and
who made it — so the member page can show how a person came to be where they are. The
rows are synced (each office sees the same history) and written only by the member
writer (``services/members/writer.py``), in the same transaction as the status itself.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import Date, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from desktop.models.base import Base, Synced


class MemberStatusChange(Synced, Base):
    """One change of a member's status: ``from_status`` is blank for a first entry."""

    __tablename__ = "member_status_changes"

    member_id: Mapped[str] = mapped_column(ForeignKey("members.id"))
    changed_on: Mapped[date] = mapped_column(Date)
    from_status: Mapped[str | None] = mapped_column(String(16))
    to_status: Mapped[str] = mapped_column(String(16))
    reason: Mapped[str | None] = mapped_column(String(200))
    operator: Mapped[str | None] = mapped_column(String(100))

    __table_args__ = (Index("ix_member_status_changes_member", "member_id", "changed_on"),)
