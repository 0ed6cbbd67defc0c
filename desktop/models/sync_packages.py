"""Local bookkeeping of the package sync engine (migration 0002); nothing here travels."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, DateTime, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from desktop.models.base import Base


class SyncPeer(Base):
    """A node whose public keys this PC knows: enrolled (trusted) or seen via a relay."""

    __tablename__ = "sync_peer"

    node_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    name: Mapped[str] = mapped_column(String(100), default="", server_default="")
    sign_public: Mapped[bytes]
    box_public: Mapped[bytes]
    trusted: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    enrolled_at: Mapped[datetime] = mapped_column(DateTime)
    revoked_after: Mapped[int | None] = mapped_column(BigInteger)
    certified_by: Mapped[str | None] = mapped_column(String(32))
    # 1: its packages may bring offices this PC never enrolled (off unless allowed).
    may_introduce: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    # For an origin known only through a relay: the office whose package brought its key.
    introduced_by: Mapped[str | None] = mapped_column(String(32))


class SyncSegment(Base):
    """A signed run of one origin's changes, kept byte-for-byte so relays forward it."""

    __tablename__ = "sync_segment"

    origin: Mapped[str] = mapped_column(String(32), primary_key=True)
    first: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    last: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    payload: Mapped[bytes]
    signature: Mapped[bytes]
    stored_at: Mapped[datetime] = mapped_column(DateTime)


class SyncKnowledge(Base):
    """Highest contiguous counter received per origin (the version vector)."""

    __tablename__ = "sync_knowledge"

    node_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    contiguous: Mapped[int] = mapped_column(BigInteger)


class SyncAck(Base):
    """What a peer has acknowledged (its version vector in its latest package to us)."""

    __tablename__ = "sync_ack"

    peer: Mapped[str] = mapped_column(String(32), primary_key=True)
    origin: Mapped[str] = mapped_column(String(32), primary_key=True)
    counter: Mapped[int] = mapped_column(BigInteger)


class SyncPending(Base):
    """A received row not yet materialised because the row it refers to has not arrived."""

    __tablename__ = "sync_pending"

    tbl: Mapped[str] = mapped_column(String(40), primary_key=True)
    row_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    missing_tbl: Mapped[str] = mapped_column(String(40))
    missing_id: Mapped[str] = mapped_column(String(36))


class SyncConflict(Base):
    """Two writes of one field that neither saw: the winner is current, the loser kept here."""

    __tablename__ = "sync_conflict"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    tbl: Mapped[str] = mapped_column(String(40))
    row_id: Mapped[str] = mapped_column(String(36))
    field: Mapped[str] = mapped_column(String(64))
    win_node: Mapped[str] = mapped_column(String(32))
    win_counter: Mapped[int] = mapped_column(BigInteger)
    win_hlc: Mapped[int] = mapped_column(BigInteger)
    win_value: Mapped[str] = mapped_column(Text)
    lose_node: Mapped[str] = mapped_column(String(32))
    lose_counter: Mapped[int] = mapped_column(BigInteger)
    lose_hlc: Mapped[int] = mapped_column(BigInteger)
    lose_value: Mapped[str] = mapped_column(Text)
    detected_at: Mapped[datetime] = mapped_column(DateTime)
    resolved_at: Mapped[datetime | None] = mapped_column(DateTime)

    __table_args__ = (
        UniqueConstraint(
            "tbl", "row_id", "field", "lose_node", "lose_counter", name="uq_sync_conflict_loser"
        ),
    )


class SyncReceipt(Base):
    """History: one package sent or received, with its summary counts."""

    __tablename__ = "sync_receipt"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    package_id: Mapped[str] = mapped_column(String(36))
    direction: Mapped[str] = mapped_column(String(3))
    peer: Mapped[str] = mapped_column(String(32))
    at: Mapped[datetime] = mapped_column(DateTime)
    file_name: Mapped[str] = mapped_column(String(260))
    summary: Mapped[str] = mapped_column(Text)

    __table_args__ = (Index("ix_sync_receipt_package", "package_id"),)


class SyncQuarantine(Base):
    """A received change with a value that fails the rules of local input (migration 0010).

    The change itself stays in ``sync_change`` (counters stay contiguous) but is never
    merged; one row here per invalid field, for the clerk's list.
    """

    __tablename__ = "sync_quarantine"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    origin: Mapped[str] = mapped_column(String(32))
    counter: Mapped[int] = mapped_column(BigInteger)
    tbl: Mapped[str] = mapped_column(String(40))
    row_id: Mapped[str] = mapped_column(String(36))
    field: Mapped[str] = mapped_column(String(64))
    reason: Mapped[str] = mapped_column(Text)
    detected_at: Mapped[datetime] = mapped_column(DateTime)

    __table_args__ = (
        UniqueConstraint("origin", "counter", "field", name="uq_sync_quarantine_change_field"),
    )
