"""This PC's own settings: the ``app_settings`` key/value table (never synced).

Each area owns its keys and their meaning (typed getters live with the area's service);
this module only reads and writes the strings, inside the caller's transaction, so a
setting changed together with other data commits with it.
"""

from __future__ import annotations

from sqlalchemy import Connection, text

#: The keys this version knows, with the area that owns each one.
IDLE_LOCK_MINUTES = "idle_lock_minutes"  # accounts: lock the window after this idle time
BACKUP_KEEP = "backup_keep"  # backups: how many recent backups to keep
BACKUP_SECOND_COPY_DIR = "backup_second_copy_dir"  # backups: a folder or USB stick for a copy
AUDIT_CHANGE_MARK = "audit_change_mark"  # audit: last change-log rowid folded into the trail


def read(conn: Connection, key: str) -> str | None:
    """The stored value, or None when the key was never set."""
    value = conn.execute(text("SELECT value FROM app_settings WHERE key = :k"), {"k": key}).scalar()
    return None if value is None else str(value)


def write(conn: Connection, key: str, value: str | None) -> None:
    """Set ``key`` (None removes it, so the area's default applies again)."""
    if value is None:
        conn.execute(text("DELETE FROM app_settings WHERE key = :k"), {"k": key})
        return
    conn.execute(
        text(
            "INSERT INTO app_settings (key, value) VALUES (:k, :v) "
            "ON CONFLICT (key) DO UPDATE SET value = excluded.value"
        ),
        {"k": key, "v": value},
    )
