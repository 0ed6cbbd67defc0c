"""Local audit trail of sensitive actions on this PC (migration 0006); it never travels.

A row says when (UTC), which operating-system account, what action (a stable code) and
a detail that by rule holds no personal data: counts and filters, never names, ID
numbers, phones or file paths. It is not ``Synced``: an audit trail belongs to the PC
where the action happened, and the capture triggers never see it.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from desktop.models.base import Base


class AuditEntry(Base):
    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    occurred_at: Mapped[datetime] = mapped_column(DateTime)  # UTC
    os_user: Mapped[str] = mapped_column(String(100))
    action: Mapped[str] = mapped_column(String(40))
    detail: Mapped[str] = mapped_column(Text, default="", server_default="")

    __table_args__ = (Index("ix_audit_log_occurred_at", "occurred_at"),)
