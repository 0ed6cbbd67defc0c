"""Lockout after repeated wrong passwords: five in a row lock the account for 15 minutes.

Counted in the account's own row (``failed_attempts``, ``locked_until``), so the lock
holds across windows, commands and restarts. A success clears the count; so does the
lock itself (after it ends, the clerk has five tries again). Times are UTC and come
from the caller: tests move a pinned clock instead of waiting.

A lock never has more than ``LOCK_MINUTES`` left: one made while the PC's date was ahead
(a wrong clock, put right later) is brought back to ``LOCK_MINUTES`` from the first time
it is looked at under the right date (``settle``), instead of lasting until that date.
"""

from __future__ import annotations

import math
from datetime import datetime, timedelta
from typing import cast

from sqlalchemy import Connection, Table, select, update

from desktop.models.accounts import Account
from desktop.storage.database import Database

THRESHOLD = 5
LOCK_MINUTES = 15
_T = cast(Table, Account.__table__)  # typed as a table for insert/update


def minutes_left(locked_until: datetime | None, now: datetime) -> int:
    """Whole minutes (rounded up) until the lock ends; 0 when not locked."""
    if locked_until is None or locked_until <= now:
        return 0
    return max(1, math.ceil((locked_until - now).total_seconds() / 60))


def settle(conn: Connection, account_id: int, locked_until: datetime | None, now: datetime) -> None:
    """Bring a lock that ends further ahead than ``LOCK_MINUTES`` (made under a clock
    ahead of ``now``) back to ``now + LOCK_MINUTES``, in the caller's transaction."""
    latest = now + timedelta(minutes=LOCK_MINUTES)
    if locked_until is not None and locked_until > latest:
        conn.execute(update(_T).where(_T.c.id == account_id).values(locked_until=latest))


def left_after_settling(
    db: Database, account_id: int, locked_until: datetime | None, now: datetime
) -> int:
    """``minutes_left``, after ``settle`` (its own transaction, only when needed)."""
    if locked_until is not None and locked_until > now + timedelta(minutes=LOCK_MINUTES):
        with db.connect() as conn:
            settle(conn, account_id, locked_until, now)
        return LOCK_MINUTES
    return minutes_left(locked_until, now)


def locked_message(minutes: int) -> str:
    return (
        f"该账号因连续 {THRESHOLD} 次密码错误已被锁定，请 {minutes} 分钟后再试，"
        "或请管理员重置密码。"
    )


def register_failure(conn: Connection, account_id: int, now: datetime) -> int:
    """Count one wrong password; returns the minutes of a lock it started (else 0)."""
    conn.execute(
        update(_T).where(_T.c.id == account_id).values(failed_attempts=_T.c.failed_attempts + 1)
    )
    count = int(
        conn.execute(select(_T.c.failed_attempts).where(_T.c.id == account_id)).scalar_one()
    )
    if count < THRESHOLD:
        return 0
    conn.execute(
        update(_T)
        .where(_T.c.id == account_id)
        .values(failed_attempts=0, locked_until=now + timedelta(minutes=LOCK_MINUTES))
    )
    return LOCK_MINUTES


def register_success(conn: Connection, account_id: int) -> None:
    conn.execute(
        update(_T).where(_T.c.id == account_id).values(failed_attempts=0, locked_until=None)
    )
