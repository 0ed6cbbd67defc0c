"""Local bookkeeping for change capture and sync identity; none of these tables travel.

``sync_clock`` is the single row every capture trigger reads and bumps, so the node id,
the per-node counter, the hybrid logical clock and the knowledge context all advance in
the same transaction as the write that caused them.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Boolean, DateTime, Index, Integer, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column

from desktop.models.base import Base


class SyncClock(Base):
    __tablename__ = "sync_clock"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    node_id: Mapped[str] = mapped_column(String(32))
    counter: Mapped[int] = mapped_column(BigInteger, default=0)
    # Hybrid logical clock: (unix milliseconds << 16) | logical counter.
    hlc: Mapped[int] = mapped_column(BigInteger, default=0)
    # Knowledge context: bumped whenever this node learns of other nodes' writes.
    ctx: Mapped[int] = mapped_column(Integer, default=0)
    # 0 while the sync engine applies received changes, so they are not captured again.
    capturing: Mapped[int] = mapped_column(Integer, default=1)


class SyncChange(Base):
    """One captured write: a dot (node, counter), its HLC and the fields it set.

    One record per row write (not per field) keeps bulk capture within a small factor of
    a plain insert; every field's new value is still in ``fields`` and the merge works
    field by field. Received changes are stored here too, so the log is the full history
    that relays and incremental exports read from.
    """

    __tablename__ = "sync_change"

    node_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    counter: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    hlc: Mapped[int] = mapped_column(BigInteger)
    ctx: Mapped[int] = mapped_column(Integer)
    tbl: Mapped[str] = mapped_column(String(40))
    row_id: Mapped[str] = mapped_column(String(36))
    fields: Mapped[str] = mapped_column(Text)

    __table_args__ = (Index("ix_sync_change_row", "tbl", "row_id"),)


class SyncContext(Base):
    """What a node had seen (its version vector) when it wrote with a given ctx.

    Lets any node decide whether a write had seen another one (then it supersedes it)
    or not (then the two are concurrent and the loser goes to the conflict log).
    """

    __tablename__ = "sync_context"

    node_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    ctx: Mapped[int] = mapped_column(Integer, primary_key=True)
    vv: Mapped[str] = mapped_column(Text)


class SyncNode(Base):
    """A node this database knows of: itself (with private keys), peers, retired selves."""

    __tablename__ = "sync_node"

    node_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    name: Mapped[str] = mapped_column(String(100), default="")
    sign_public: Mapped[bytes]
    box_public: Mapped[bytes]
    sign_private: Mapped[bytes | None]
    box_private: Mapped[bytes | None]
    is_self: Mapped[bool] = mapped_column(Boolean, default=False, server_default=text("0"))
    # Short code printed inside card numbers issued on this node.
    issuer_code: Mapped[str] = mapped_column(String(8))
    created_at: Mapped[datetime] = mapped_column(DateTime)
    retired_at: Mapped[datetime | None] = mapped_column(DateTime)
    superseded_by: Mapped[str | None] = mapped_column(String(32))


class AppSetting(Base):
    """Per-installation settings (the local federation, card pattern); never synced."""

    __tablename__ = "app_settings"

    key: Mapped[str] = mapped_column(String(60), primary_key=True)
    value: Mapped[str] = mapped_column(Text)


class CardSequence(Base):
    """Last card sequence issued per (issuer, year); only ever goes up."""

    __tablename__ = "card_sequences"

    issuer_code: Mapped[str] = mapped_column(String(8), primary_key=True)
    year: Mapped[int] = mapped_column(Integer, primary_key=True)
    last_seq: Mapped[int] = mapped_column(Integer, default=0)


class SlipSequence(Base):
    """Last 转接单号 sequence issued per (issuer, year); only ever goes up (migration 0020)."""

    __tablename__ = "slip_sequences"

    issuer_code: Mapped[str] = mapped_column(String(8), primary_key=True)
    year: Mapped[int] = mapped_column(Integer, primary_key=True)
    last_seq: Mapped[int] = mapped_column(Integer, default=0)
