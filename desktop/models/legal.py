"""法律援助: legal-aid cases and the documents filed with them.

An applicant is either a member (``member_id``) or a non-member named on the case
(``applicant_name``/``applicant_phone``); the phone is shown masked in every list. Money
is stored in fen (integers), exact. Documents are content-addressed like activity
photos: the bytes once in ``attachments`` by SHA-256, a synced link row per case.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import Date, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from desktop.models.base import Base, Synced


class LegalCase(Synced, Base):
    """One legal-aid case: 受理 → 调解/仲裁/诉讼/咨询 → 结案 (codes in ``codes``)."""

    __tablename__ = "legal_cases"

    intake_on: Mapped[date] = mapped_column(Date)
    member_id: Mapped[str | None] = mapped_column(ForeignKey("members.id"), index=True)
    applicant_name: Mapped[str | None] = mapped_column(String(50))
    applicant_phone: Mapped[str | None] = mapped_column(String(11))
    case_type: Mapped[str] = mapped_column(String(24))
    summary: Mapped[str | None] = mapped_column(Text)
    employer: Mapped[str | None] = mapped_column(String(100))
    handler: Mapped[str | None] = mapped_column(String(50))
    status: Mapped[str] = mapped_column(String(12), default="accepted")
    outcome: Mapped[str | None] = mapped_column(String(24))
    amount_recovered_fen: Mapped[int | None] = mapped_column(Integer)
    closed_on: Mapped[date | None] = mapped_column(Date)
    notes: Mapped[str | None] = mapped_column(Text)

    __table_args__ = (Index("ix_legal_cases_listing", "deleted", "intake_on"),)


class LegalCaseDocument(Synced, Base):
    """A document of a case (PDF, JPEG or PNG): the SHA-256 of its bytes in ``attachments``."""

    __tablename__ = "legal_case_documents"

    case_id: Mapped[str] = mapped_column(ForeignKey("legal_cases.id"), index=True)
    sha256: Mapped[str] = mapped_column(String(64))
    mime: Mapped[str] = mapped_column(String(40))
    file_name: Mapped[str] = mapped_column(String(200))
