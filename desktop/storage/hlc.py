"""Hybrid logical clock packed into one 64-bit integer: (unix ms << 16) | logical.

The same formula is written in SQL inside the capture triggers (``SQL_NOW``), so a write
made by a trigger and one reasoned about in Python agree. The HLC only breaks ties
between concurrent writes; whether two writes are concurrent is decided by dots and
version vectors, never by wall clocks.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

LOGICAL_BITS = 16
LOGICAL_MASK = (1 << LOGICAL_BITS) - 1

SQL_NOW = "(CAST((julianday('now') - 2440587.5) * 86400000.0 AS INTEGER) << 16)"
"""SQLite expression for the current wall clock as an HLC with logical part 0."""

# A received clock this far ahead of ours is flagged as coming from a PC with a wrong date.
FUTURE_TOLERANCE_MS = 24 * 3600 * 1000

MAX_AHEAD_MS = 24 * 3600 * 1000
"""How far ahead of this PC's own date its clock may be carried, by received clocks or
by its own past (a write made while the date was wrong). Received writes beyond it are
stored and merged with their own clocks, but this PC's clock adopts at most its date
plus this; and a local clock found further ahead than this at the next write (the date
was set back) restarts from the PC's date. Causality, not the clock, orders writes that
saw each other (``merge.winners``), so restarting lower loses nothing."""

_AHEAD_HLC = MAX_AHEAD_MS << LOGICAL_BITS

EARLIEST_PLAUSIBLE_MS = 1_767_225_600_000
"""2026-01-01 UTC: a PC whose date is before this version was made has a wrong date
(a CMOS battery reset puts PCs back to 2015 and the like)."""


def sql_next(current: str, now: str = SQL_NOW) -> str:
    """SQL for the clock after ``current`` (an SQL expression): one tick later, or the
    PC's date if that is later — unless ``current`` is over a day ahead of the date, when
    it restarts from the date instead of staying wedged in the future."""
    return (
        f"(CASE WHEN {current} > {now} + {_AHEAD_HLC} THEN {now} "
        f"ELSE max({current} + 1, {now}) END)"
    )


def _system_ms() -> int:
    return time.time_ns() // 1_000_000


_physical: Callable[[], int] = _system_ms


def physical_ms() -> int:
    """This PC's wall clock in unix milliseconds (what the capture triggers read too)."""
    return _physical()


@contextmanager
def physical_offset(offset_ms: int) -> Iterator[None]:
    """Tests: make this process's reading of the PC's date ``offset_ms`` off, as a PC
    whose date is wrong (the SQL triggers still read SQLite's clock: use ``faketime``
    for a whole process)."""
    global _physical
    previous = _physical
    _physical = lambda: previous() + offset_ms  # noqa: E731
    try:
        yield
    finally:
        _physical = previous


def pack(millis: int, logical: int = 0) -> int:
    return (millis << LOGICAL_BITS) | (logical & LOGICAL_MASK)


def millis(hlc: int) -> int:
    return hlc >> LOGICAL_BITS


def now_hlc() -> int:
    return pack(physical_ms())


def adoptable(received: int, now: int | None = None) -> int:
    """The most of a received clock this PC's clock takes on: at most a day past its date."""
    cap = (now_hlc() if now is None else now) + _AHEAD_HLC
    return min(received, cap)


def beyond(reference: int, ahead_ms: int) -> int:
    """The smallest clock whose milliseconds lie more than ``ahead_ms`` past ``reference``'s.

    So a whole package is screened with plain integer comparisons (``hlc >= limit``)
    rather than a function call per change.
    """
    return pack(millis(reference) + ahead_ms + 1)


def is_future(hlc: int, reference: int | None = None) -> bool:
    """True if ``hlc`` lies further ahead of ``reference`` (default: now) than tolerated."""
    ref = now_hlc() if reference is None else reference
    return hlc >= beyond(ref, FUTURE_TOLERANCE_MS)
