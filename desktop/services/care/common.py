"""Shared parts of the care services: date reading, the case lookup, the sensitive set."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import Connection, Row, text

from desktop.errors import NotFoundError, ValidationError

# Retention: a closed file is kept this many whole years after its exit date.
RETENTION_YEARS = 10
# A review is due a year after the file's opening or its last review.
REVIEW_INTERVAL_YEARS = 1

# Field → label of the sensitive fields on the file and on a household member.
FILE_SENSITIVE = {
    "disability_grade": "残疾等级",
    "health_notes": "健康状况",
    "monthly_income_per_capita": "家庭月人均收入",
}
HOUSEHOLD_SENSITIVE = {"health": "健康状况", "monthly_income": "月收入"}


def stored_date(value: Any) -> date | None:
    """A date column as read back (SQLite hands back the ISO text it stored)."""
    if value is None or value == "":
        return None
    return date.fromisoformat(value) if isinstance(value, str) else value


def need_date(value: Any) -> date:
    result = stored_date(value)
    assert result is not None
    return result


def add_years(day: date, years: int) -> date:
    """The same day ``years`` later; 29 February becomes 28 February."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def case_row(conn: Connection, case_id: str) -> Row[Any]:
    """The live file (not purged); a clear message when there is none."""
    row = conn.execute(
        text(
            "SELECT id, member_id, level, opened_on, review_due_on, closed_on "
            "FROM hardship_cases WHERE id = :id AND deleted = 0"
        ),
        {"id": case_id},
    ).first()
    if row is None:
        raise NotFoundError("找不到该困难职工档案（可能已删除或已清除），请刷新列表后重试。")
    return row


def open_case_row(conn: Connection, case_id: str, action: str) -> Row[Any]:
    row = case_row(conn, case_id)
    if row.closed_on is not None:
        raise ValidationError(
            f"该档案已于 {row.closed_on} 脱困退档，不能再{action}；如需帮扶请重新建档。"
        )
    return row


def sensitive_given(values: dict[str, Any], labels: dict[str, str]) -> list[str]:
    """Labels of the sensitive fields that carry a value."""
    return [label for key, label in labels.items() if values.get(key) not in (None, "")]


def refuse_without_consent(labels: list[str], where: str = "") -> None:
    names = "、".join(f"「{label}」" for label in dict.fromkeys(labels))
    raise ValidationError(
        f"{where}{names}属于敏感个人信息：须先登记本人的书面或其他形式同意"
        "（同意日期、同意方式、登记人）后才能保存。请先登记同意，或不填这些项。",
        field="consent",
    )
