"""会员：the real-name member record, with the registry's satellite records.

ID numbers and card numbers carry plain (non-unique) indexes: uniqueness is a service
rule, because two offline offices can legitimately register the same person and sync
must keep both records and flag the pair rather than fail the whole package.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import Boolean, Date, ForeignKey, Index, Integer, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column

from desktop.models.base import LOCAL, Base, Synced


class Member(Synced, Base):
    __tablename__ = "members"

    union_id: Mapped[str] = mapped_column(ForeignKey("unions.id"))
    name: Mapped[str] = mapped_column(String(50))
    id_number: Mapped[str] = mapped_column(String(18))
    gender: Mapped[str | None] = mapped_column(String(1))
    birth_date: Mapped[date | None] = mapped_column(Date)
    ethnicity: Mapped[str | None] = mapped_column(String(2))
    political_status: Mapped[str | None] = mapped_column(String(2))
    education: Mapped[str | None] = mapped_column(String(16))
    hukou_type: Mapped[str | None] = mapped_column(String(16))
    is_migrant_worker: Mapped[bool] = mapped_column(
        Boolean, default=False, server_default=text("0")
    )
    phone: Mapped[str | None] = mapped_column(String(11))
    employer: Mapped[str | None] = mapped_column(String(100))
    position: Mapped[str | None] = mapped_column(String(50))
    card_no: Mapped[str | None] = mapped_column(String(32))
    joined_on: Mapped[date | None] = mapped_column(Date)
    membership_status: Mapped[str] = mapped_column(String(16), default="active")
    left_on: Mapped[date | None] = mapped_column(Date)
    leave_reason: Mapped[str | None] = mapped_column(String(100))
    # SHA-256 of the photo in ``attachments``: photos travel content-addressed.
    photo: Mapped[str | None] = mapped_column(String(64))
    notes: Mapped[str | None] = mapped_column(Text)
    sort_key: Mapped[str] = mapped_column(String(200), default="", info=LOCAL)
    # Optimistic-lock counter: +1 at every write of the row (services/members/writer.py);
    # local, since each PC counts the writes of its own copy (migration 0020).
    version: Mapped[int] = mapped_column(Integer, default=1, server_default=text("1"), info=LOCAL)

    __table_args__ = (
        Index("ix_members_id_number", "id_number"),
        Index("ix_members_card_no", "card_no"),
        Index("ix_members_listing", "deleted", "sort_key"),
        Index("ix_members_union_listing", "union_id", "deleted", "sort_key"),
    )


class Application(Synced, Base):
    """入会申请：submitted → approved (creates the member) or rejected."""

    __tablename__ = "applications"

    union_id: Mapped[str] = mapped_column(ForeignKey("unions.id"), index=True)
    name: Mapped[str] = mapped_column(String(50))
    id_number: Mapped[str] = mapped_column(String(18))
    phone: Mapped[str | None] = mapped_column(String(11))
    employer: Mapped[str | None] = mapped_column(String(100))
    position: Mapped[str | None] = mapped_column(String(50))
    submitted_on: Mapped[date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(12), default="submitted")
    reviewer: Mapped[str | None] = mapped_column(String(50))
    reviewed_on: Mapped[date | None] = mapped_column(Date)
    review_note: Mapped[str | None] = mapped_column(Text)
    member_id: Mapped[str | None] = mapped_column(ForeignKey("members.id"))
    # issue #21: how it came in, the registry fields the member record will take, the
    # join date the clerk chose (blank: the approval date), and why it was turned down.
    # ``reviewer`` is the approver (or the clerk who rejected it).
    channel: Mapped[str | None] = mapped_column(String(8))
    ethnicity: Mapped[str | None] = mapped_column(String(2))
    political_status: Mapped[str | None] = mapped_column(String(2))
    education: Mapped[str | None] = mapped_column(String(16))
    hukou_type: Mapped[str | None] = mapped_column(String(16))
    # the 农民工 answer (the phone page asks it); None: not stated, derived at approval
    is_migrant_worker: Mapped[bool | None] = mapped_column(Boolean, nullable=True)
    joined_on: Mapped[date | None] = mapped_column(Date)
    reject_reason: Mapped[str | None] = mapped_column(String(200))
    notes: Mapped[str | None] = mapped_column(Text)
    # 扫码 applications: the phone QR's payload id (16 hex digits), so a QR scanned twice
    # is refused (``services.applications.records.file_scanned``). Indexed, not unique:
    # a received row must never make a sync apply fail.
    scan_payload_id: Mapped[str | None] = mapped_column(String(32), index=True)


class Transfer(Synced, Base):
    """会籍转接：a member moving from one union to another, with the slip number."""

    __tablename__ = "transfers"

    member_id: Mapped[str] = mapped_column(ForeignKey("members.id"), index=True)
    from_union_id: Mapped[str | None] = mapped_column(ForeignKey("unions.id"))
    to_union_id: Mapped[str | None] = mapped_column(ForeignKey("unions.id"))
    # Destination outside this federation (free text, e.g. another district's union).
    to_union_name: Mapped[str | None] = mapped_column(String(100))
    transferred_on: Mapped[date] = mapped_column(Date)
    slip_no: Mapped[str | None] = mapped_column(String(32), index=True)
    reason: Mapped[str | None] = mapped_column(String(200))
    # Issue #21 (migration 0016): TRANSFER_KIND code (internal / out / in); for an
    # incoming member the sending union's written name; the earlier (outgoing) record an
    # incoming one continues; a note (e.g. "slip unknown here: joined as new"); who.
    kind: Mapped[str | None] = mapped_column(String(8))
    from_union_name: Mapped[str | None] = mapped_column(String(100))
    linked_transfer_id: Mapped[str | None] = mapped_column(String(36))
    notes: Mapped[str | None] = mapped_column(Text)
    operator: Mapped[str | None] = mapped_column(String(100))


class HardshipCase(Synced, Base):
    """困难职工档案：one file per household, reviewed every year."""

    __tablename__ = "hardship_cases"

    member_id: Mapped[str] = mapped_column(ForeignKey("members.id"), index=True)
    level: Mapped[str] = mapped_column(String(12))
    cause: Mapped[str | None] = mapped_column(String(200))
    household_size: Mapped[int | None] = mapped_column(Integer)
    monthly_income_per_capita: Mapped[int | None] = mapped_column(Integer)
    opened_on: Mapped[date] = mapped_column(Date)
    review_due_on: Mapped[date] = mapped_column(Date, index=True)
    closed_on: Mapped[date | None] = mapped_column(Date)
    notes: Mapped[str | None] = mapped_column(Text)
    # Issue 22. ``cause`` holds HARDSHIP_CAUSE codes separated by spaces.
    # Sensitive (PIPL): disability_grade, health_notes and monthly_income_per_capita are
    # saved only with a recorded consent (``hardship_consents``).
    disability_grade: Mapped[str | None] = mapped_column(String(4))
    health_notes: Mapped[str | None] = mapped_column(Text)
    close_reason: Mapped[str | None] = mapped_column(String(200))


class Attachment(Base):
    """Content-addressed blobs (photos); rows refer to them by SHA-256, never by position."""

    __tablename__ = "attachments"

    sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    mime: Mapped[str] = mapped_column(String(40))
    size: Mapped[int] = mapped_column(Integer)
    data: Mapped[bytes]
