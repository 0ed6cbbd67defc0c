"""Lockout after repeated wrong passwords: five in a row lock the account for 15 minutes.

Counted in the account's own row (``failed_attempts``, ``locked_until``), so the lock
holds across windows, commands and restarts. A success clears the count; so does the
lock itself (after it ends, the clerk has five tries again). Times are UTC and come
from the caller: tests move a pinned clock instead of waiting.
"""

from __future__ import annotations

import math
from datetime import datetime, timedelta
from typing import cast

from sqlalchemy import Connection, Table, select, update

from desktop.models.accounts import Account

THRESHOLD = 5
LOCK_MINUTES = 15
_T = cast(Table, Account.__table__)  # typed as a table for insert/update


def minutes_left(locked_until: datetime | None, now: datetime) -> int:
    """Whole minutes (rounded up) until the lock ends; 0 when not locked."""
    if locked_until is None or locked_until <= now:
        return 0
    return max(1, math.ceil((locked_until - now).total_seconds() / 60))


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
