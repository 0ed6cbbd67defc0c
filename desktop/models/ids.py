"""Record ids, importable without the ORM.

Services on the GUI's start path (federations, activities, categories) need ``new_id``
but no mapped class; importing it from here instead of ``desktop.models.base`` keeps
SQLAlchemy's ORM out of the cold start. ``desktop.models.base`` re-exports it.

The ids are UUIDv7 (RFC 9562): unique without coordination between offline PCs, and
time-ordered, so new rows land at the right end of every index on them. They are made
here rather than by the uuid6 package because a roster import or a sync makes 100k at a
time, and uuid6 builds a ``uuid.UUID`` and draws its random bits from ``secrets`` per id
(~3-6 µs each); here the random bits come from one ``os.urandom`` call per batch and the
text is formatted directly (~1 µs).

Layout (RFC 9562 §5.7): 48 bits of Unix time in milliseconds, the version (7), 12 bits
``rand_a`` used as a counter (§6.2, method 1: seeded at random below 2048 in each new
millisecond and counted up within it), the variant (0b10), 62 random bits ``rand_b``.
Time and counter are one 60-bit number that only grows in this process, so every id is
greater than the one made before it, in text as in value (fixed-width lower-case hex). A
full counter carries into the millisecond, which then runs ahead of the clock by a few
milliseconds at most (4,096 ids a millisecond) and the clock catches up.
"""

from __future__ import annotations

import os
import threading
import time

# rand_b's first hex digit carries the variant in its two high bits (8, 9, a or b).
_VARIANT = {d: "89ab"[int(d, 16) & 3] for d in "0123456789abcdef"}
_COUNTER_BITS = 12
_SEED_LIMIT = 1 << (_COUNTER_BITS - 1)  # a new millisecond's counter starts below 2048
# Random bytes taken by ``new_id`` one id at a time, refilled by one call.
_POOL_IDS = 512
_RAND_BYTES = 8  # per id: 62 bits of rand_b + 2 bits the variant replaces
_SLOT = 2 * _RAND_BYTES + 4  # hex digits ``new_id`` takes: rand_b's, then a counter seed

_lock = threading.Lock()
_last = 0  # (unix ms << 12) | counter of the last id made
_pool = ""  # hex digits
_pool_at = 0


def _reset_after_fork() -> None:
    """A forked child must not hand out the parent's remaining random bytes again."""
    global _pool, _pool_at, _lock
    _lock = threading.Lock()
    _pool, _pool_at = "", 0


if hasattr(os, "register_at_fork"):  # not on Windows, which has no fork
    os.register_at_fork(after_in_child=_reset_after_fork)


def _first_stamp(count: int, seed: int) -> int:
    """The time-and-counter of the first of ``count`` ids; reserves all of them."""
    global _last
    now = time.time_ns() // 1_000_000 << _COUNTER_BITS
    first = now | seed % _SEED_LIMIT if now > _last else _last + 1
    _last = first + count - 1
    return first


def _format(stamp: int, rand: str) -> str:
    """One id's text from its time-and-counter and 16 random hex digits."""
    ms = f"{stamp >> _COUNTER_BITS:012x}"
    return f"{ms[:8]}-{ms[8:]}-7{stamp & 0xFFF:03x}-{_VARIANT[rand[0]]}{rand[1:4]}-{rand[4:16]}"


def new_ids(count: int) -> list[str]:
    """``count`` new ids, each greater than the one before (and than any made earlier)."""
    if count <= 0:
        return []
    rand = os.urandom(_RAND_BYTES * count + 2).hex()
    with _lock:
        first = _first_stamp(count, int(rand[-4:], 16))
    step = 2 * _RAND_BYTES
    return [_format(first + i, rand[step * i : step * i + step]) for i in range(count)]


def new_id() -> str:
    """One new id (UUIDv7), greater than every id this process made before it."""
    global _pool, _pool_at
    with _lock:
        if _pool_at + _SLOT > len(_pool):
            _pool, _pool_at = os.urandom(_SLOT // 2 * _POOL_IDS).hex(), 0
        at = _pool_at
        _pool_at = at + _SLOT
        rand = _pool[at : at + 2 * _RAND_BYTES]
        stamp = _first_stamp(1, int(_pool[at + 2 * _RAND_BYTES : at + _SLOT], 16))
    return _format(stamp, rand)
