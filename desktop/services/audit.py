"""The local audit trail: record a sensitive action, list what was recorded.

Qt-free; the CLI and the GUI call the same functions. The trail stays on this PC (the
``audit_log`` table is not synced) and its detail text never holds personal data, so it
can be shown to anyone who may open the program. ``who`` is the operating-system
account: UnionDesk has no log-in of its own, and the OS account is what an office can
trace back to a person.
"""

from __future__ import annotations

import getpass
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import Connection, insert, select

from desktop import clock
from desktop.models.audit import AuditEntry
from desktop.storage.database import Database

ROSTER_EXPORT_UNMASKED = "roster_export_unmasked"
MEMBER_MERGE_DIFFERENT_IDS = "member_merge_different_ids"
HARDSHIP_VIEW_SENSITIVE = "hardship_view_sensitive"
HARDSHIP_PURGE = "hardship_purge"
# Wave 3 (#23): the actions every area records; labels are what the viewer shows.
LOGIN = "login"
LOGIN_FAILED = "login_failed"
LOGOUT = "logout"
IDLE_LOCK = "idle_lock"
ACCOUNT_CHANGE = "account_change"  # account created, disabled, role or password changed
UNMASKED_VIEW = "unmasked_view"  # detail: what was shown and the reason asked
EXPORT = "export"  # roster or report written to a file
PRINT = "print"  # a card, form or list sent to PDF/printer
IMPORT = "import"  # roster import committed
SYNC_EXPORT = "sync_export"
SYNC_IMPORT = "sync_import"
BACKUP = "backup"
RESTORE = "restore"
RECORD_CHANGE = "record_change"  # detail: table, record id, field names (never values)
ERASURE = "erasure"
SETTINGS_CHANGE = "settings_change"
ACTION_LABELS: dict[str, str] = {
    ROSTER_EXPORT_UNMASKED: "导出未打码的会员名册",
    MEMBER_MERGE_DIFFERENT_IDS: "合并身份证号不同的两条会员记录",
    HARDSHIP_VIEW_SENSITIVE: "查看困难职工档案敏感信息",
    HARDSHIP_PURGE: "清除保存期满的困难职工档案",
    LOGIN: "登录",
    LOGIN_FAILED: "登录失败",
    LOGOUT: "退出登录",
    IDLE_LOCK: "闲置锁屏",
    ACCOUNT_CHANGE: "账号变更",
    UNMASKED_VIEW: "查看未打码信息",
    EXPORT: "导出",
    PRINT: "打印",
    IMPORT: "导入",
    SYNC_EXPORT: "导出同步包",
    SYNC_IMPORT: "导入同步包",
    BACKUP: "备份",
    RESTORE: "恢复备份",
    RECORD_CHANGE: "修改记录",
    ERASURE: "删除个人信息",
    SETTINGS_CHANGE: "修改设置",
}
UNKNOWN_USER = "（未知用户）"


@dataclass(frozen=True)
class AuditRecord:
    occurred_at: datetime  # UTC, timezone-aware
    os_user: str
    action: str
    label: str
    detail: str


def os_user() -> str:
    """The logged-in account name; never fails (getpass raises when none can be found)."""
    try:
        return getpass.getuser() or UNKNOWN_USER
    except Exception:  # OSError / KeyError / ImportError, depending on platform and version
        return UNKNOWN_USER


def record_in(conn: Connection, action: str, detail: str = "") -> None:
    """Append one entry inside the caller's transaction."""
    if action not in ACTION_LABELS:
        raise ValueError(f"unknown audit action: {action}")
    conn.execute(
        insert(AuditEntry),
        {
            "occurred_at": clock.current().utcnow(),
            "os_user": os_user()[:100],
            "action": action,
            "detail": detail,
        },
    )


def record(db: Database, action: str, detail: str = "") -> None:
    """Append one entry in its own transaction."""
    with db.connect() as conn:
        record_in(conn, action, detail)


def recent(db: Database, limit: int = 200) -> list[AuditRecord]:
    """The latest entries, newest first."""
    table = AuditEntry.__table__
    with db.connect(write=False) as conn:
        rows = conn.execute(
            select(table.c.occurred_at, table.c.os_user, table.c.action, table.c.detail)
            .order_by(table.c.id.desc())
            .limit(limit)
        ).all()
    return [
        AuditRecord(
            occurred_at=r.occurred_at.replace(tzinfo=UTC),
            os_user=r.os_user,
            action=r.action,
            label=ACTION_LABELS.get(r.action, r.action),
            detail=r.detail,
        )
        for r in rows
    ]
