"""会员合并：one recorded merge of two member records of the same person.

Why a synced table rather than only the writes a merge makes: an office that receives
the merge later may still hold (or later receive) edits to the merged-away record made
before the news of the merge reached their clerk; the sync apply reads this table to
carry such edits over to the surviving record (``desktop.sync.merges``).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, DateTime, ForeignKey, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column

from desktop.models.base import Base, Synced


class MemberMerge(Synced, Base):
    __tablename__ = "member_merges"

    survivor_id: Mapped[str] = mapped_column(ForeignKey("members.id"), index=True)
    merged_id: Mapped[str] = mapped_column(ForeignKey("members.id"), index=True)
    merged_at: Mapped[datetime] = mapped_column(DateTime)  # UTC
    operator: Mapped[str] = mapped_column(String(100))
    # JSON list of the member fields the survivor took from the merged-away record.
    fields_taken: Mapped[str] = mapped_column(Text, default="[]")
    # The two records carried different valid ID numbers (the clerk confirmed it).
    different_ids: Mapped[bool] = mapped_column(Boolean, default=False, server_default=text("0"))
