"""The audit trail's action codes (stable, stored) and the labels the viewer shows."""

from __future__ import annotations

ROSTER_EXPORT_UNMASKED = "roster_export_unmasked"
MEMBER_MERGE_DIFFERENT_IDS = "member_merge_different_ids"
HARDSHIP_VIEW_SENSITIVE = "hardship_view_sensitive"
HARDSHIP_PURGE = "hardship_purge"
HARDSHIP_CONSENT_WITHDRAWN = "hardship_consent_withdrawn"
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
SYNC_TRUST = "sync_trust"  # an office enrolled, made a root or introducer, revoked; certs
DATABASE_KEY = "database_key"  # recovery key replaced; the database unlocked on this PC
ACTION_LABELS: dict[str, str] = {
    ROSTER_EXPORT_UNMASKED: "导出未打码的会员名册",
    MEMBER_MERGE_DIFFERENT_IDS: "合并身份证号不同的两条会员记录",
    HARDSHIP_VIEW_SENSITIVE: "查看困难职工档案敏感信息",
    HARDSHIP_PURGE: "清除保存期满的困难职工档案",
    HARDSHIP_CONSENT_WITHDRAWN: "撤回困难职工档案的个人信息同意",
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
    DATABASE_KEY: "数据库密钥",
    SYNC_TRUST: "同步信任",
}
UNKNOWN_USER = "（未知用户）"
