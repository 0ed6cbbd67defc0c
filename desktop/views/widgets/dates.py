"""Dates between Qt's date edits and the services."""

from __future__ import annotations

from datetime import UTC, date, datetime

from PySide6.QtCore import QDate


def day_of(qd: QDate) -> date:
    """A date edit's value as a plain ``date`` for the services."""
    return date(qd.year(), qd.month(), qd.day())


def local_time(at: datetime, fmt: str = "%Y-%m-%d %H:%M") -> str:
    """A stored timestamp (naive UTC) as the PC's wall clock shows it."""
    aware = at if at.tzinfo is not None else at.replace(tzinfo=UTC)
    return aware.astimezone().strftime(fmt)
