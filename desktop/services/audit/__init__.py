"""The local audit trail: who (account) did what, when — hash-chained and append-only.

Qt-free; the CLI and the GUI call the same functions. The trail stays on this PC (the
``audit_log`` table is not synced) and its detail never holds personal data — counts,
record ids, file NAMES without folders, never a name, ID number or phone — so it can be
shown to anyone who may open the program.

Modules:

- ``codes``: the action codes and their labels (re-exported here).
- ``chain``: how an entry is hashed and appended after the chain head.
- ``changes``: record changes (table, record id, field names) folded in from the
  change log at every commit; a bulk write gives one summary entry per table.
- ``anchor``: the newest entry kept outside the database (what that does and does
  not prove is in its docstring).
- ``verifying``: walk the chain, name the first broken entry.
- ``queries``: the filtered list for ``audit list`` and the viewer page.

``record`` / ``record_in`` are what every area calls, inside its own transaction.
"""

from __future__ import annotations

import getpass  # noqa: F401  (tests patch ``audit.getpass.getuser``)
import importlib
import os
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection

from desktop import acting
from desktop.app_log import scrub
from desktop.services.audit import chain
from desktop.services.audit.codes import (
    ACCOUNT_CHANGE,
    ACTION_LABELS,
    BACKUP,
    DATABASE_KEY,
    ERASURE,
    EXPORT,
    HARDSHIP_CONSENT_WITHDRAWN,
    HARDSHIP_PURGE,
    HARDSHIP_VIEW_SENSITIVE,
    IDLE_LOCK,
    IMPORT,
    LOGIN,
    LOGIN_FAILED,
    LOGOUT,
    MEMBER_MERGE_DIFFERENT_IDS,
    PRINT,
    RECORD_CHANGE,
    RESTORE,
    ROSTER_EXPORT_UNMASKED,
    SETTINGS_CHANGE,
    SYNC_EXPORT,
    SYNC_IMPORT,
    SYNC_TRUST,
    UNKNOWN_USER,
    UNMASKED_VIEW,
)
from desktop.storage.database import Database

if TYPE_CHECKING:
    from desktop.services.audit.queries import AuditFilter, AuditRecord, accounts, entries
    from desktop.services.audit.verifying import Verdict, verify

#: Loaded when first asked for (PEP 562): the window's start installs the record-change
#: capture (``changes``) before its first paint, and needs neither the viewer's queries
#: nor the chain's check (~10 ms of imports).
_LATER = {
    "AuditFilter": "queries",
    "AuditRecord": "queries",
    "accounts": "queries",
    "entries": "queries",
    "Verdict": "verifying",
    "verify": "verifying",
}

__all__ = [
    "ACCOUNT_CHANGE",
    "ACTION_LABELS",
    "BACKUP",
    "ERASURE",
    "EXPORT",
    "HARDSHIP_CONSENT_WITHDRAWN",
    "HARDSHIP_PURGE",
    "HARDSHIP_VIEW_SENSITIVE",
    "IDLE_LOCK",
    "IMPORT",
    "LOGIN",
    "LOGIN_FAILED",
    "LOGOUT",
    "MEMBER_MERGE_DIFFERENT_IDS",
    "PRINT",
    "RECORD_CHANGE",
    "RESTORE",
    "ROSTER_EXPORT_UNMASKED",
    "SETTINGS_CHANGE",
    "DATABASE_KEY",
    "SYNC_EXPORT",
    "SYNC_IMPORT",
    "SYNC_TRUST",
    "UNKNOWN_USER",
    "UNMASKED_VIEW",
    "AuditFilter",
    "AuditRecord",
    "Verdict",
    "accounts",
    "entries",
    "error_report",
    "file_name",
    "printed",
    "free_text",
    "record_all",
    "os_user",
    "recent",
    "record",
    "record_in",
    "verify",
]


def __getattr__(name: str) -> Any:
    module = _LATER.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{module}"), name)
    globals()[name] = value
    return value


def os_user() -> str:
    """The logged-in operating-system account name; never fails."""
    return acting.os_user()


def record_in(conn: Connection, action: str, detail: str = "") -> None:
    """Append one entry inside the caller's transaction (the acting account, now)."""
    if action not in ACTION_LABELS:
        raise ValueError(f"unknown audit action: {action}")
    chain.append(conn, action, detail)


def record(db: Database, action: str, detail: str = "") -> None:
    """Append one entry in its own transaction."""
    with db.connect() as conn:
        record_in(conn, action, detail)


def record_all(db: Database, items: Sequence[tuple[str, str]]) -> None:
    """Append several entries (action, detail) in one transaction."""
    with db.connect() as conn:
        for action, detail in items:
            record_in(conn, action, detail)


#: ``DATABASE_KEY`` details (never the key itself).
RECOVERY_KEY_REPLACED = "生成了新的恢复密钥，旧的恢复密钥作废"


def unlocked_detail(admin: str | None) -> str:
    """``DATABASE_KEY`` detail of an unlock on this PC: with whose password, or the
    recovery key (a moved folder or a new PC; the acting account is not signed in yet)."""
    how = f"管理员「{admin}」的密码" if admin else "恢复密钥"
    return f"在本机用{how}解锁了数据库"


def file_name(path: str | os.PathLike[str]) -> str:
    """A file's name for a detail: no folders, ID-number and phone shapes hidden."""
    return scrub(Path(path).name)


#: Shown wherever a reason is asked (``--reason``, the window's reason dialog): the
#: reason is kept in the hash-chained trail, which 个人信息删除 does not rewrite.
REASON_HINT = "原因中请勿写当事人的姓名、身份证号或手机号（原因记入操作日志，日后不能删除）。"
REASON_MARK = "原因："
"""How a typed reason is introduced in an entry's detail (``；原因：…``)."""


def reasons_about_in(conn: Connection, record_ids: Sequence[str]) -> int:
    """How many entries about these records (their id in the detail) carry a reason the
    clerk typed: what the trail keeps after an erasure (it is never rewritten)."""
    ids = sorted(set(record_ids))
    found: set[int] = set()
    for i in range(0, len(ids), 200):
        chunk = ids[i : i + 200]
        likes = " OR ".join("detail LIKE ?" for _ in chunk)
        found.update(
            int(n)
            for n in conn.exec_driver_sql(
                f"SELECT id FROM audit_log WHERE detail LIKE ? AND ({likes})",
                (f"%{REASON_MARK}%", *(f"%{record_id}%" for record_id in chunk)),
            ).scalars()
        )
    return len(found)


def free_text(text: str, limit: int = 200) -> str:
    """Text the clerk typed (a reason) for a detail: ID-number and phone shapes hidden."""
    return scrub(" ".join(text.split()))[:limit]


def printed(
    db: Database,
    what: str,
    out: str | os.PathLike[str],
    *,
    subject: str = "",
    unmasked: bool = False,
    reason: str | None = None,
) -> None:
    """A PDF made (PRINT), and when it shows full ID numbers or phones, the unmasked view
    too (UNMASKED_VIEW, with the reason asked), in one transaction. ``subject``: a record
    id or a count, never a name."""
    about = f"；{subject}" if subject else ""
    items = [(PRINT, f"{what}{about}；文件 {file_name(out)}" + ("（未打码）" if unmasked else ""))]
    if unmasked:
        why = f"；{REASON_MARK}{free_text(reason)}" if reason else ""
        items.append((UNMASKED_VIEW, f"打印{what}（完整身份证号、手机号）{about}{why}"))
    record_all(db, items)


def saved_copy(
    db: Database, what: str, out: str | os.PathLike[str], *, unmasked: bool = False
) -> None:
    """A made PDF saved where the clerk chose (另存为): the PRINT entry names the window's
    own temporary, so this is where a copy — full numbers and all, when ``unmasked`` —
    went."""
    flag = "（未打码）" if unmasked else ""
    record(db, EXPORT, f"另存为 PDF：{what}；文件 {file_name(out)}{flag}")


def error_report(db: Database, rows: int, out: str | os.PathLike[str]) -> None:
    """A roster import's error report written: it copies the refused rows as they were
    in the file, full ID numbers and phones included."""
    record(db, EXPORT, f"导入错误报告：{rows} 行（含完整身份证号、手机号）；文件 {file_name(out)}")


def recent(db: Database, limit: int = 200, *, changes: bool = False) -> list[AuditRecord]:
    """The latest entries, newest first. Record changes (one per written record) are
    left out unless ``changes``: callers here ask what the clerk did, not what it wrote."""
    from desktop.services.audit.queries import AuditFilter, entries

    return entries(db, AuditFilter(changes=changes, limit=limit))
