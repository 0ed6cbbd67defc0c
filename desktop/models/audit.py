"""Local audit trail of this PC (migrations 0006, 0018); it never travels.

A row says when (UTC), which account acted (``account``/``account_id``: the signed-in
account, else the operating-system account) under which operating-system account, what
action (a stable code) and a detail that by rule holds no personal data: counts, record
ids, file names without folders, never names, ID numbers or phones. A record change adds
the table, the record id and the NAMES of the changed fields. ``prev_hash``/``hash`` chain
the rows (``desktop/services/audit/chain.py``); triggers refuse UPDATE and DELETE. It is
not ``Synced``: an audit trail belongs to the PC where the action happened, and the
capture triggers never see it.
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
    account: Mapped[str | None] = mapped_column(String(100), nullable=True)
    account_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    tbl: Mapped[str | None] = mapped_column(String(40), nullable=True)
    record_id: Mapped[str | None] = mapped_column(String(36), nullable=True)
    fields: Mapped[str | None] = mapped_column(Text, nullable=True)
    prev_hash: Mapped[str | None] = mapped_column(String(64), nullable=True)
    hash: Mapped[str | None] = mapped_column(String(64), nullable=True)

    __table_args__ = (
        Index("ix_audit_log_occurred_at", "occurred_at"),
        Index("ix_audit_log_prev_hash", "prev_hash", unique=True),
        Index("ix_audit_log_action", "action"),
    )
