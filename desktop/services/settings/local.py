"""Typed getters, defaults and checks for the local ``app_settings`` keys of #23.

The strings live in ``storage.settings_store``; what they mean lives here, so the
settings page, the CLI, the backups and the idle lock all read the same number with the
same default. A stored value that no longer parses (edited by hand, written by a later
version) reads as the default instead of failing the window that asked.
"""

from __future__ import annotations

import os
from pathlib import Path

from sqlalchemy import Connection

from desktop.errors import ValidationError
from desktop.storage import backups, settings_store

BACKUP_KEEP_RANGE = (backups.KEEP_MIN, backups.KEEP_MAX)
IDLE_LOCK_DEFAULT = 10
#: 0 means never lock; otherwise minutes in this range.
IDLE_LOCK_RANGE = (1, 240)


def _stored_int(conn: Connection, key: str) -> int | None:
    raw = settings_store.read(conn, key)
    try:
        return None if raw is None else int(raw)
    except ValueError:
        return None


def _whole_number(raw: object, field: str, label: str) -> int:
    if isinstance(raw, bool):
        raise ValidationError(f"{label}应为整数", field=field)
    if isinstance(raw, int):
        return raw
    text = str(raw).strip()
    try:
        return int(text)
    except ValueError as exc:
        raise ValidationError(f"{label}应为整数，请填写数字", field=field) from exc


# -- backups (the rotation in ``storage.backups`` reads the same values) ------------


def backup_keep_in(conn: Connection) -> int:
    """How many recent backups the rotation keeps (default 30)."""
    return backups.read_keep(conn)


def check_backup_keep(raw: object) -> int:
    low, high = BACKUP_KEEP_RANGE
    value = _whole_number(raw, "backup_keep", "保留备份份数")
    if not low <= value <= high:
        raise ValidationError(
            f"保留备份份数应在 {low} 到 {high} 之间，当前为 {value}"
            "（另外每个月最新的一份备份总会保留一年）",
            field="backup_keep",
        )
    return value


def backup_second_copy_dir_in(conn: Connection) -> Path | None:
    """The folder (or USB stick) that gets a second copy of each backup, or None."""
    return backups.read_second_dir(conn)


def check_second_copy_dir(raw: str | os.PathLike[str] | None) -> Path | None:
    """An existing folder we can write into, or None to stop making a second copy.
    Checked now, when the clerk chose it, not at the first backup."""
    text = "" if raw is None else os.fspath(raw).strip()
    if not text:
        return None
    folder = Path(text).expanduser()
    problem = backups.folder_problem(folder)
    if problem:
        raise ValidationError(problem, field="backup_second_copy_dir")
    return folder


# -- security --------------------------------------------------------------------------


def idle_lock_minutes_in(conn: Connection) -> int:
    """Minutes without input before the window locks (default 10; 0 = never)."""
    value = _stored_int(conn, settings_store.IDLE_LOCK_MINUTES)
    low, high = IDLE_LOCK_RANGE
    if value is not None and (value == 0 or low <= value <= high):
        return value
    return IDLE_LOCK_DEFAULT


def check_idle_lock_minutes(raw: object) -> int:
    low, high = IDLE_LOCK_RANGE
    value = _whole_number(raw, "idle_lock_minutes", "闲置锁屏时间")
    if value != 0 and not low <= value <= high:
        raise ValidationError(
            f"闲置锁屏时间应在 {low} 到 {high} 分钟之间（填 0 表示从不锁屏），当前为 {value}",
            field="idle_lock_minutes",
        )
    return value
