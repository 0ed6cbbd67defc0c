"""年度复核: the annual re-check of a hardship file, one writer of ``hardship_reviews``.

A review is dated on or after the file's opening (and not after today); it sets the next
due date (a year on unless given) and may change the level; a result of 脱困退档 closes
the file in the same transaction.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import Connection, text

from desktop.errors import ValidationError
from desktop.models.base import new_id
from desktop.models.codes import HARDSHIP_LEVEL, REVIEW_RESULT
from desktop.services.activities.inputs import as_code, as_date, opt_text, require_date
from desktop.services.care import hardship
from desktop.services.care.common import (
    REVIEW_INTERVAL_YEARS,
    add_years,
    need_date,
    open_case_row,
    stored_date,
)
from desktop.storage.database import Database


@dataclass(frozen=True)
class ReviewRecord:
    id: str
    case_id: str
    reviewed_on: date
    result: str
    result_label: str
    reviewer: str | None
    next_due_on: date | None
    notes: str | None


def review(
    db: Database,
    case_id: str,
    *,
    reviewed_on: Any,
    result: Any,
    reviewer: Any,
    today: date,
    next_due_on: Any = None,
    level: Any = None,
    notes: Any = None,
) -> ReviewRecord:
    """复核 a file; returns the review with the next due date it set."""
    day = require_date(reviewed_on, "reviewed_on", "复核日期")
    if day > today:
        raise ValidationError(f"复核日期 {day.isoformat()} 晚于今天", field="reviewed_on")
    code = as_code(REVIEW_RESULT, result, "result", "复核结论")
    who = opt_text(reviewer, "reviewer", "复核人", 50)
    if who is None:
        raise ValidationError("复核人不能为空", field="reviewer")
    new_level = as_code(HARDSHIP_LEVEL, level, "level", "困难类别") if level else None
    if code == "adjust" and new_level is None:
        raise ValidationError("复核结论为「调整困难类别」时须选择新的困难类别", field="level")
    remark = opt_text(notes, "notes", "复核意见", 1000)
    due = as_date(next_due_on, "next_due_on", "下次复核日期")
    if code == "exit":
        due = None
    elif due is None:
        due = add_years(day, REVIEW_INTERVAL_YEARS)
    elif due <= day:
        raise ValidationError(
            f"下次复核日期 {due.isoformat()} 应晚于本次复核日期 {day.isoformat()}",
            field="next_due_on",
        )
    review_id = new_id()
    with db.connect() as conn:
        row = open_case_row(conn, case_id, "复核")
        opened = need_date(row.opened_on)
        if day < opened:
            raise ValidationError(
                f"复核日期 {day.isoformat()} 早于档案的建档日期 {opened.isoformat()}，"
                "请核对复核日期",
                field="reviewed_on",
            )
        conn.execute(
            text(
                "INSERT INTO hardship_reviews (id, case_id, reviewed_on, result, reviewer, "
                "next_due_on, notes) VALUES (:id, :case_id, :day, :result, :who, :due, :notes)"
            ),
            {
                "id": review_id,
                "case_id": case_id,
                "day": day.isoformat(),
                "result": code,
                "who": who,
                "due": due.isoformat() if due else None,
                "notes": remark,
            },
        )
        if due is None:
            hardship.close_in(conn, case_id, day, remark or "复核脱困")
        else:
            hardship.set_review_in(conn, case_id, due, new_level)
    return ReviewRecord(review_id, case_id, day, code, REVIEW_RESULT.label(code), who, due, remark)


def list_in(conn: Connection, case_id: str) -> list[ReviewRecord]:
    rows = conn.execute(
        text(
            "SELECT id, case_id, reviewed_on, result, reviewer, next_due_on, notes "
            "FROM hardship_reviews WHERE case_id = :c AND deleted = 0 ORDER BY reviewed_on, id"
        ),
        {"c": case_id},
    ).all()
    return [
        ReviewRecord(
            r.id,
            r.case_id,
            need_date(r.reviewed_on),
            r.result,
            REVIEW_RESULT.label(r.result),
            r.reviewer,
            stored_date(r.next_due_on),
            r.notes,
        )
        for r in rows
    ]


def erase_in(conn: Connection, case_id: str) -> None:
    """Purge: tombstone the reviews, their free text blanked."""
    conn.execute(
        text(
            "UPDATE hardship_reviews SET deleted = 1, reviewer = NULL, notes = NULL "
            "WHERE case_id = :c"
        ),
        {"c": case_id},
    )


def insert_prepared(conn: Connection, rows: list[dict[str, Any]]) -> None:
    """Insert reviews already made whole and valid (the demo generator)."""
    from sqlalchemy import insert

    from desktop.models.care import Review

    if rows:
        conn.execute(insert(Review), rows)
