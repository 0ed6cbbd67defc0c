"""Parsing of the plain values clerks type into activity, site and service-log forms.

Each helper returns the typed value or raises ``ValidationError`` naming the field in
Chinese; the GUI dialogs and the CLI pass strings, tests pass typed values.
"""

from __future__ import annotations

import math
import re
import unicodedata
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any

from desktop.errors import ValidationError
from desktop.textnorm import normalise_text

if TYPE_CHECKING:
    from desktop.models.codes import CodeList


# Bounds far above any real figure, below what the database's integers hold: a number
# past them is a slip (a card number scanned into the wrong box), refused with a message.
MAX_COUNT = 10_000_000  # 人次 of one entry, seats, quantities
MAX_YUAN = Decimal(10_000_000_000)  # 100 亿元
MAX_AREA_M2 = 10_000_000.0  # 10 km²


def opt_text(value: Any, field: str, label: str, max_len: int) -> str | None:
    if value is None:
        return None
    text = str(value).strip()
    if not text:
        return None
    if len(text) > max_len:
        raise ValidationError(f"{label}不能超过 {max_len} 个字", field=field)
    return text


def as_date(value: Any, field: str, label: str) -> date | None:
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    raw = normalise_text(str(value)).replace("/", "-").replace(".", "-")
    try:
        return date.fromisoformat(raw)
    except ValueError as exc:
        raise ValidationError(
            f"{label}「{value}」不是有效日期，应写作 2026-11-21", field=field
        ) from exc


def require_date(value: Any, field: str, label: str) -> date:
    result = as_date(value, field, label)
    if result is None:
        raise ValidationError(f"{label}不能为空", field=field)
    return result


def require_past_date(value: Any, field: str, label: str, today: date) -> date:
    """A date that has happened (a service given, an evaluation held): not after ``today``."""
    day = require_date(value, field, label)
    if day > today:
        raise ValidationError(
            f"{label} {day.isoformat()} 晚于今天（{today.isoformat()}），请填写已发生的日期",
            field=field,
        )
    return day


_DT = re.compile(r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:[T ](\d{1,2}):(\d{2})(?::(\d{2}))?)?$")


def as_datetime(value: Any, field: str, label: str) -> datetime:
    if isinstance(value, datetime):
        return value.replace(microsecond=0, tzinfo=None)
    if isinstance(value, date):
        return datetime(value.year, value.month, value.day)
    raw = str(value or "").strip()
    if not raw:
        raise ValidationError(f"{label}不能为空", field=field)
    # full-width digits and colons folded; 2026年12月8日 14:30 read as 2026-12-8 14:30
    folded = unicodedata.normalize("NFKC", raw).replace("年", "-").replace("月", "-")
    match = _DT.match(re.sub(r"\s+", " ", folded.replace("日", " ").strip()))
    try:
        if match is None:
            raise ValueError(raw)
        y, mo, d, h, mi, s = (int(g) if g else 0 for g in match.groups())
        return datetime(y, mo, d, h, mi, s)
    except ValueError as exc:
        raise ValidationError(
            f"{label}「{raw}」不是有效时间，应写作 2026-11-21 14:30", field=field
        ) from exc


def as_count(value: Any, field: str, label: str, *, allow_none: bool = False) -> int | None:
    """A whole number ≥ 0 (人次, seats, quantity)."""
    if value is None or value == "":
        if allow_none:
            return None
        raise ValidationError(f"{label}不能为空", field=field)
    try:
        number = int(normalise_text(str(value))) if not isinstance(value, int) else value
    except ValueError as exc:
        raise ValidationError(f"{label}应为整数，当前为「{value}」", field=field) from exc
    if number < 0:
        raise ValidationError(f"{label}不能为负数（当前为 {number}）", field=field)
    if number > MAX_COUNT:
        raise ValidationError(
            f"{label}数值过大（{number}），请核对：是否把卡号等扫进了这一栏", field=field
        )
    return number


#: Yuan as a clerk writes it: digits, at most one decimal point (no exponent, no NaN).
_YUAN = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)")


def as_amount_fen(value: Any, field: str, label: str) -> int | None:
    """Yuan typed as text or number (two decimals at most) → integer fen; None if blank."""
    if value is None or value == "":
        return None
    typed = normalise_text(str(value)).replace(",", "").replace("元", "").strip()
    try:
        amount = Decimal(typed)
    except InvalidOperation as exc:
        raise ValidationError(f"{label}应为金额（元），当前为「{value}」", field=field) from exc
    if not amount.is_finite():
        raise ValidationError(f"{label}应为金额（元），当前为「{value}」", field=field)
    if amount < 0:
        raise ValidationError(f"{label}不能为负数", field=field)
    if amount > MAX_YUAN:
        raise ValidationError(f"{label}金额过大（{value} 元），请核对", field=field)
    if _YUAN.fullmatch(typed) is None:  # 1e3: not how an amount is written
        raise ValidationError(f"{label}应为金额（元），当前为「{value}」", field=field)
    fen = amount * 100
    if fen != fen.to_integral_value():
        raise ValidationError(f"{label}最多保留两位小数（分）", field=field)
    return int(fen)


# The unit a clerk may type after the number: ㎡, m², 平方米, 平米.
_AREA_UNIT = re.compile(r"(㎡|m2|平方米|平米)$", re.IGNORECASE)


def as_area(value: Any, field: str, label: str) -> float | None:
    if value is None or value == "":
        return None
    try:
        area = float(_AREA_UNIT.sub("", normalise_text(str(value))))
    except ValueError as exc:
        raise ValidationError(f"{label}应为数字（平方米），当前为「{value}」", field=field) from exc
    if not math.isfinite(area) or area > MAX_AREA_M2:
        raise ValidationError(f"{label}数值不合理（「{value}」平方米），请核对", field=field)
    if area < 0:
        raise ValidationError(f"{label}不能为负数", field=field)
    return area


def as_code(code_list: CodeList, value: Any, field: str, label: str) -> str:
    """A code-list entry given by its code or its Chinese label → its stable code."""
    code = code_list.lookup(str(value or ""))
    if code is None:
        raise ValidationError(
            f"{label}「{value}」不在代码表中，可选：{'、'.join(code_list.labels)}", field=field
        )
    return str(code)


def yuan(fen: int | None) -> str:
    if fen is None:
        return ""
    return f"{fen // 100}.{fen % 100:02d}"
