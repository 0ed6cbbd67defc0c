"""The backup settings, typed: how many to keep, and the folder for a second copy.

Stored in this PC's ``app_settings`` (``settings_store.BACKUP_KEEP``,
``BACKUP_SECOND_COPY_DIR``); changing them is for administrators and is audited.
"""

from __future__ import annotations

from pathlib import Path

from desktop import acting
from desktop.services import audit
from desktop.services.settings import local
from desktop.storage import backups as files
from desktop.storage import settings_store
from desktop.storage.database import Database

KEEP_MIN, KEEP_MAX = files.KEEP_MIN, files.KEEP_MAX
KEEP_FIELD = "backup_keep"
SECOND_DIR_FIELD = "backup_second_copy_dir"


def keep_count(db: Database) -> int:
    """How many recent backups are kept (besides one a month for a year); default 30."""
    with db.connect(write=False) as conn:
        return local.backup_keep_in(conn)


def second_copy_dir(db: Database) -> Path | None:
    """The folder (or USB stick) every manual backup is also copied to; None: no copy."""
    with db.connect(write=False) as conn:
        return local.backup_second_copy_dir_in(conn)


def set_keep_count(db: Database, count: object) -> int:
    """Keep the newest ``count`` backups (1–365); the next backup rotates by it."""
    acting.require(acting.ADMINISTER)
    value = local.check_backup_keep(count)
    with db.connect() as conn:
        settings_store.write(conn, settings_store.BACKUP_KEEP, str(value))
        audit.record_in(conn, audit.SETTINGS_CHANGE, f"备份保留份数：{value}")
    return value


def set_second_copy_dir(db: Database, folder: Path | str | None) -> None:
    """Copy every manual backup to ``folder`` too (it must exist and be writable now);
    None or "" turns the second copy off."""
    acting.require(acting.ADMINISTER)
    chosen = local.check_second_copy_dir(folder)
    with db.connect() as conn:
        settings_store.write(
            conn, settings_store.BACKUP_SECOND_COPY_DIR, str(chosen) if chosen else None
        )
        audit.record_in(
            conn,
            audit.SETTINGS_CHANGE,
            "第二份备份文件夹：" + ("已设置" if chosen else "已关闭"),
        )
