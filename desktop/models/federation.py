"""会：the federation that runs this installation (and, at a higher-level union, its parks)."""

from __future__ import annotations

from datetime import date

from sqlalchemy import Date, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from desktop.models.base import Base, Synced


class Federation(Synced, Base):
    __tablename__ = "federations"

    name: Mapped[str] = mapped_column(String(100))
    # Short prefix printed at the start of every card number this federation issues.
    card_prefix: Mapped[str] = mapped_column(String(12), default="")
    credit_code: Mapped[str | None] = mapped_column(String(18))
    address: Mapped[str | None] = mapped_column(String(200))
    contact_person: Mapped[str | None] = mapped_column(String(50))
    contact_phone: Mapped[str | None] = mapped_column(String(20))
    founded_on: Mapped[date | None] = mapped_column(Date)
    notes: Mapped[str | None] = mapped_column(Text)
