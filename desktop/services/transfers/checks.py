"""The checks of a transfer's own values (date, texts, slip number): no database, so
the writer runs them all before its first query and reports every problem at once."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any, TypeVar

from desktop.errors import ValidationError
from desktop.models import dates
from desktop.models.validation import check_no_control_chars

REASON_MAX = 200
NAME_MAX = 100
SLIP_MAX = 32
T = TypeVar("T")


def day(raw: Any, today: date, label: str = "转接日期") -> date:
    if raw in (None, ""):
        return today
    if isinstance(raw, date):
        day = raw
    else:
        try:
            day = dates.read_date(raw, today=today).value
        except dates.DateError as exc:
            raise ValidationError(f"{label}：{exc}", field="transferred_on") from None
    if day > today:
        raise ValidationError(
            f"{label} {day:%Y-%m-%d} 晚于今天，不能预先办理：请填写实际转接的日期",
            field="transferred_on",
        )
    return day


def text_value(raw: Any, field: str, label: str, limit: int) -> str | None:
    value = str(raw or "").strip()
    if not value:
        return None
    if len(value) > limit:
        raise ValidationError(f"{label}不能超过 {limit} 个字", field=field)
    return check_no_control_chars(value, field, label, one_line=True)


def slip_no(raw: Any) -> str | None:
    value = str(raw or "").strip().upper()
    if not value:
        return None
    if len(value) > SLIP_MAX or not value.isascii() or not value.isalnum():
        raise ValidationError(
            f"转接单号只能由字母和数字组成，不超过 {SLIP_MAX} 位：请按转接单上的编号填写",
            field="slip_no",
        )
    return value


def collect(problems: dict[str, str], field: str, check: Callable[[], T]) -> T | None:
    """``check()``, or None with its message kept under ``field`` (all problems at once)."""
    try:
        return check()
    except ValidationError as exc:
        problems[field] = exc.message
        return None
