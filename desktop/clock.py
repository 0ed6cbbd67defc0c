"""The one place UnionDesk reads the calendar and the wall clock.

Services never call ``date.today()`` or ``datetime.now()`` themselves: they take
``today``/``now`` from their caller, or from the clock of the ``Database`` they were given.
The CLI and the window open their database with :func:`current`, the process's clock, which
is the system clock unless a caller (the test suite) installed another with :func:`use`.
So the same code runs on any date, and a test pins the date in one place.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Protocol


class Clock(Protocol):
    """Where "today" and "now" come from."""

    def today(self) -> date:
        """The local calendar date."""
        ...

    def now(self) -> datetime:
        """The local wall time, naive (for stamps shown to the clerk and file names)."""
        ...

    def utcnow(self) -> datetime:
        """UTC, naive: how timestamps are stored."""
        ...


class SystemClock:
    """The PC's own calendar and clock."""

    def today(self) -> date:
        return date.today()

    def now(self) -> datetime:
        return datetime.now()

    def utcnow(self) -> datetime:
        return datetime.now(UTC).replace(tzinfo=None)


@dataclass
class FixedClock:
    """A clock that shows ``at`` (local time, taken as UTC too) until moved by ``advance``."""

    at: datetime

    @classmethod
    def on(cls, day: date, hour: int = 9) -> FixedClock:
        return cls(datetime(day.year, day.month, day.day, hour))

    def today(self) -> date:
        return self.at.date()

    def now(self) -> datetime:
        return self.at

    def utcnow(self) -> datetime:
        return self.at

    def advance(self, delta: timedelta) -> None:
        self.at += delta


SYSTEM: Clock = SystemClock()
_current: Clock = SYSTEM


def current() -> Clock:
    """The process's clock: the system's unless :func:`use` installed another."""
    return _current


def use(clock: Clock) -> Clock:
    """Install ``clock`` for this process; returns the one it replaces."""
    global _current
    previous, _current = _current, clock
    return previous
