"""Care records (issue 22): what hangs off a hardship file 困难职工档案 (一户一档).

The file itself is ``HardshipCase`` in ``member``; here its household members, the
assistance ledger, the annual reviews and the consents that allow sensitive fields to be
saved. Every table travels (``Synced``), so a purge is a tombstone with the personal
values blanked, and each has its one writer under ``desktop/services/care/``.

Sensitive fields (PIPL 敏感个人信息): a household member's ``health`` and
``monthly_income``, and the file's disability grade, health notes and income per head.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import Date, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from desktop.models.base import Base, Synced


class HouseholdMember(Synced, Base):
    """家庭成员: a person in the file's household other than the member."""

    __tablename__ = "hardship_household"

    case_id: Mapped[str] = mapped_column(ForeignKey("hardship_cases.id"), index=True)
    name: Mapped[str | None] = mapped_column(String(50))
    relation: Mapped[str | None] = mapped_column(String(16))
    id_number: Mapped[str | None] = mapped_column(String(18))
    age: Mapped[int | None] = mapped_column(Integer)
    health: Mapped[str | None] = mapped_column(String(100))
    work_status: Mapped[str | None] = mapped_column(String(16))
    work_place: Mapped[str | None] = mapped_column(String(100))
    monthly_income: Mapped[int | None] = mapped_column(Integer)


class Assistance(Synced, Base):
    """救助（帮扶）记录: one payment or gift under a file; ``batch`` groups a receipt."""

    __tablename__ = "hardship_assistance"

    case_id: Mapped[str] = mapped_column(ForeignKey("hardship_cases.id"), index=True)
    given_on: Mapped[date] = mapped_column(Date)
    kind: Mapped[str] = mapped_column(String(16))
    amount_fen: Mapped[int] = mapped_column(Integer)
    fund_source: Mapped[str] = mapped_column(String(16))
    handler: Mapped[str | None] = mapped_column(String(50))
    batch: Mapped[str | None] = mapped_column(String(60), index=True)
    notes: Mapped[str | None] = mapped_column(Text)


class Review(Synced, Base):
    """复核: the annual re-check; sets the file's next due date."""

    __tablename__ = "hardship_reviews"

    case_id: Mapped[str] = mapped_column(ForeignKey("hardship_cases.id"), index=True)
    reviewed_on: Mapped[date] = mapped_column(Date)
    result: Mapped[str] = mapped_column(String(12))
    reviewer: Mapped[str | None] = mapped_column(String(50))
    next_due_on: Mapped[date | None] = mapped_column(Date)
    notes: Mapped[str | None] = mapped_column(Text)


class Consent(Synced, Base):
    """个人信息处理同意: the recorded consent that allows the sensitive fields."""

    __tablename__ = "hardship_consents"

    case_id: Mapped[str] = mapped_column(ForeignKey("hardship_cases.id"), index=True)
    consented_on: Mapped[date] = mapped_column(Date)
    form: Mapped[str] = mapped_column(String(12))
    recorded_by: Mapped[str | None] = mapped_column(String(50))
    notes: Mapped[str | None] = mapped_column(Text)
