"""Hybrid logical clock packed into one 64-bit integer: (unix ms << 16) | logical.

The same formula is written in SQL inside the capture triggers (``SQL_NOW``), so a write
made by a trigger and one reasoned about in Python agree. The HLC only breaks ties
between concurrent writes; whether two writes are concurrent is decided by dots and
version vectors, never by wall clocks.
"""

from __future__ import annotations

import time

LOGICAL_BITS = 16
LOGICAL_MASK = (1 << LOGICAL_BITS) - 1

SQL_NOW = "(CAST((julianday('now') - 2440587.5) * 86400000.0 AS INTEGER) << 16)"
"""SQLite expression for the current wall clock as an HLC with logical part 0."""

# A received clock this far ahead of ours is flagged as coming from a PC with a wrong date.
FUTURE_TOLERANCE_MS = 24 * 3600 * 1000


def pack(millis: int, logical: int = 0) -> int:
    return (millis << LOGICAL_BITS) | (logical & LOGICAL_MASK)


def millis(hlc: int) -> int:
    return hlc >> LOGICAL_BITS


def now_hlc() -> int:
    return pack(time.time_ns() // 1_000_000)


def advance(current: int, received: int = 0) -> int:
    """Next local clock after ``current`` having seen ``received`` (never goes back)."""
    return max(current + 1, received + 1, now_hlc())


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
