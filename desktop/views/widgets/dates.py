"""Dates between Qt's date edits and the services."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QDate


def day_of(qd: QDate) -> date:
    """A date edit's value as a plain ``date`` for the services."""
    return date(qd.year(), qd.month(), qd.day())
