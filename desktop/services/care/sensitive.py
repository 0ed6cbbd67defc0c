"""查看敏感信息: a file's health, disability and income values, shown only for a reason.

Only an account granted 查看敏感信息 may (``acting.SENSITIVE``). The reason is required
and goes to the local audit log with the file's id (never a
name or a number: the reason text is scrubbed of ID-number and phone shapes), in the
same transaction as the read, so no one sees the values without a trace.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import Connection

from desktop import acting
from desktop.app_log import scrub
from desktop.errors import ValidationError
from desktop.services import audit
from desktop.services.activities.inputs import opt_text
from desktop.services.care.files import HardshipFile, load_in
from desktop.storage.database import Database

MIN_REASON = 2


def reveal(db: Database, case_id: str, reason: Any, *, today: date) -> HardshipFile:
    """The full file; the reason and the file's id written to the audit log."""
    why = checked_reason(reason)
    with db.connect() as conn:
        record = load_in(conn, case_id, today=today, shown=True)
        record_reveal_in(conn, case_id, why)
    return record


def checked_reason(reason: Any) -> str:
    """The reason typed for showing or printing the sensitive values, else a refusal;
    refused first for an account without the 查看敏感信息 permission (granted per
    account, apart from its role)."""
    acting.require(acting.SENSITIVE)
    why = opt_text(reason, "reason", "查看原因", 200)
    if why is None or len(why) < MIN_REASON:
        raise ValidationError(
            "查看或打印敏感信息须填写原因（如：年度复核核对收入），该原因将记入操作日志",
            field="reason",
        )
    return why


def record_reveal_in(conn: Connection, case_id: str, reason: str, *, printed: bool = False) -> None:
    """The audit entry of one showing (or printing, on the registration form) of a file's
    sensitive values, in the caller's transaction."""
    what = "打印登记表" if printed else "查看"
    audit.record_in(
        conn, audit.HARDSHIP_VIEW_SENSITIVE, f"档案 {case_id}（{what}）；原因：{scrub(reason)}"
    )
