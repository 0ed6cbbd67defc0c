"""The idle lock's setting: minutes without keyboard or mouse input before the window
locks (``settings_store.IDLE_LOCK_MINUTES``; this package owns its meaning).

Default 10; 0 means never; otherwise 1 to 240. Changed by administrators only, with a
``SETTINGS_CHANGE`` audit entry.
"""

from __future__ import annotations

from typing import Any

from desktop import acting
from desktop.services.settings import local
from desktop.storage import settings_store
from desktop.storage.database import Database

DEFAULT_MINUTES = local.IDLE_LOCK_DEFAULT
check_minutes = local.check_idle_lock_minutes


def idle_lock_minutes(db: Database) -> int:
    """The configured minutes (the default when unset or unreadable)."""
    with db.connect(write=False) as conn:
        return local.idle_lock_minutes_in(conn)


def set_idle_lock_minutes(db: Database, minutes: Any) -> int:
    """Store a new idle time (administrators only); returns it."""
    from desktop.services import audit  # loads the ORM: not on the window's start path

    value = check_minutes(minutes)
    acting.require(acting.ADMINISTER)
    with db.connect() as conn:
        settings_store.write(conn, settings_store.IDLE_LOCK_MINUTES, str(value))
        audit.record_in(conn, audit.SETTINGS_CHANGE, f"闲置锁屏时间改为 {value} 分钟")
    return value
