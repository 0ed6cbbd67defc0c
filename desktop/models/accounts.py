"""Sign-in accounts of this office (migration 0017); local, never synced.

An account belongs to the PC's registry, not to the federation: a clerk signs in to this
office's copy, and a password hash or a lockout counter has no business travelling in a
sync package. So the table is not ``Synced`` and the capture triggers never see it.

``username`` compares without regard to ASCII case (``COLLATE NOCASE``, unique), so
``Admin`` and ``admin`` are one account. ``password_hash`` is an argon2id PHC string
(argon2-cffi); the clear password is never stored. ``failed_attempts`` counts
consecutive failures since the last success or lock; ``locked_until`` (UTC) refuses
sign-in until then. Times are UTC, naive, like every stored timestamp.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, DateTime, Integer, String, text
from sqlalchemy.orm import Mapped, mapped_column

from desktop.models.base import Base


class Account(Base):
    __tablename__ = "accounts"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    username: Mapped[str] = mapped_column(String(32, collation="NOCASE"), unique=True)
    display_name: Mapped[str] = mapped_column(String(50))
    role: Mapped[str] = mapped_column(String(10))  # desktop.acting: admin / staff / readonly
    sensitive: Mapped[bool] = mapped_column(Boolean, default=False, server_default=text("0"))
    password_hash: Mapped[str] = mapped_column(String(200))
    disabled: Mapped[bool] = mapped_column(Boolean, default=False, server_default=text("0"))
    failed_attempts: Mapped[int] = mapped_column(Integer, default=0, server_default=text("0"))
    locked_until: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime)
    password_changed_at: Mapped[datetime] = mapped_column(DateTime)
