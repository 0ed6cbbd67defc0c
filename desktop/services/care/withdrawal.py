"""撤回同意: the person withdraws the consent to process their sensitive information
(PIPL art. 15, 47), and the file's health, disability and income values go.

In one transaction: every consent of the file is tombstoned (the consent gate closes
again: nothing sensitive can be saved until a new consent is recorded), the sensitive
values of the file and of its household are blanked through their writers (captured, so
sync carries the blanks), and the changes logged before are rewritten with the blanks
(``scrub``), so no package sends the old values again. The file itself, its household's
names, the ledger and the reviews stay: the withdrawal covers the sensitive data only.
The audit log records the file, the date and who recorded it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from desktop.app_log import scrub as scrub_text
from desktop.errors import ValidationError
from desktop.services import audit
from desktop.services.activities.inputs import opt_text, require_date
from desktop.services.care import consent, hardship, household, scrub
from desktop.services.care.common import FILE_SENSITIVE, HOUSEHOLD_SENSITIVE, case_row
from desktop.storage import redaction
from desktop.storage.database import Database


@dataclass(frozen=True)
class Withdrawal:
    case_id: str
    withdrawn_on: date
    cleared: int  # rows (the file, household members) whose sensitive values were deleted


def withdraw(
    db: Database, case_id: str, withdrawn_on: Any, recorded_by: Any, *, today: date
) -> Withdrawal:
    """Withdraw the file's consent and delete its sensitive values everywhere."""
    day = require_date(withdrawn_on, "withdrawn_on", "撤回日期")
    if day > today:
        raise ValidationError(
            f"撤回日期 {day.isoformat()} 晚于今天，请填写本人表示撤回的日期",
            field="withdrawn_on",
        )
    who = opt_text(recorded_by, "recorded_by", "登记人", 50)
    if who is None:
        raise ValidationError("登记人不能为空：请填写记录此次撤回的工作人员", field="recorded_by")
    with db.connect() as conn:
        case_row(conn, case_id)
        given = consent.list_in(conn, case_id)
        if not given:
            raise ValidationError("该档案没有登记本人同意，无需撤回。")
        latest = max(c.consented_on for c in given)
        if day < latest:
            raise ValidationError(
                f"撤回日期 {day.isoformat()} 早于登记的同意日期 {latest.isoformat()}，请核对",
                field="withdrawn_on",
            )
        rows = [
            (table, row_id)
            for table, row_id in scrub.file_rows_in(conn, case_id)
            if table in ("hardship_cases", "hardship_household")
        ]
        with scrub.scrubbing(conn):
            cleared = hardship.clear_sensitive_in(conn, case_id)
            cleared += household.clear_sensitive_in(conn, case_id)
            consent.withdraw_in(conn, case_id)
            scrub.redact_logged_in(
                conn,
                rows,
                {
                    "hardship_cases": dict.fromkeys(FILE_SENSITIVE),
                    "hardship_household": dict.fromkeys(HOUSEHOLD_SENSITIVE),
                },
            )
        audit.record_in(
            conn,
            audit.HARDSHIP_CONSENT_WITHDRAWN,
            f"档案 {case_id}：本人于 {day.isoformat()} 撤回同意，敏感信息已删除"
            f"（登记人 {scrub_text(who)}）",
        )
    redaction.truncate_wal(db)
    return Withdrawal(case_id, day, cleared)
