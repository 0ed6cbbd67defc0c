"""One rule for dates as people write them: the roster import, the member dialog and the CLI.

Rosters carry dates as real date cells, text (2019-03-05, 2019.3.5, 2019年3月5日,
20190305), Excel serial numbers, and partial dates: a year (2019) or a year and month
(2017.12, 2019.3, 2019-3, 2019/03, 2019年3月, 201903), as text or as a number. The old
reader took any number for a serial, so 2019 and 2019.3 became 1905-07-11: a wrong date,
stored without a word. The rule here:

* a number is an Excel serial only when it is a whole number outside the year range
  (1900..2100) whose date falls between ``SERIAL_EARLIEST`` and a year after today;
* a partial date is completed to the first day (of the month, or of the year) and the
  reading carries a note that the caller shows the clerk (the import preview's row, the
  dialog's and the CLI's warnings) — never completed silently;
* a number like 2019.1 is refused: Excel drops the trailing zero of 2019.10, so it could be
  January or October;
* anything else is refused with a message saying how to write the date.

Messages here carry no field label: the caller puts the field or column in front.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta

FIRST_YEAR = 1900
LAST_YEAR = 2100
# No roster date of a living member is before 1920; serials below this are far likelier a
# count, a typing slip or a year than a date (1..7305 would be 1900-01-01..1919-12-31).
SERIAL_EARLIEST = date(1920, 1, 1)
_EXCEL_EPOCH = date(1899, 12, 30)
HOW_TO_WRITE = "请写成 2019-03-05 或 2019年3月5日"

_FULL = re.compile(r"^(\d{4})\s*[-./年]\s*(\d{1,2})\s*[-./月]\s*(\d{1,2})\s*日?$")
_FULL_COMPACT = re.compile(r"^(\d{4})(\d{2})(\d{2})$")
_YEAR_MONTH = re.compile(r"^(\d{4})\s*[-./年]\s*(\d{1,2})\s*月?$")
_YEAR_MONTH_COMPACT = re.compile(r"^(\d{4})(\d{2})$")
_YEAR = re.compile(r"^(\d{4})\s*年?$")
_SERIAL_TEXT = re.compile(r"^\d{5}$")
# U+FF01..U+FF5E full-width ASCII, U+3000 the ideographic space.
_FOLD = {cp: cp - 0xFEE0 for cp in range(0xFF01, 0xFF5F)}
_FOLD[0x3000] = 0x20
_BLANKS = " \t\r\n\u3000\u00a0\ufeff"


class DateError(ValueError):
    """A value that is not a date; ``str(exc)`` is the Chinese reason, without a label."""


@dataclass(frozen=True)
class DateReading:
    """A date read from what a clerk wrote; ``note`` is set when it was completed."""

    value: date
    note: str | None = None


def sixteenth_birthday(birth: date) -> date:
    """The day a person turns 16 (a 29 February birthday counts from 1 March)."""
    try:
        return birth.replace(year=birth.year + 16)
    except ValueError:
        return date(birth.year + 16, 3, 1)


def read_date(value: object, *, today: date) -> DateReading:
    """``value`` (a date, a number or text) as a date; ``DateError`` if it is none.

    ``today`` bounds the Excel serials accepted (up to a year ahead); callers take it from
    the injectable clock.
    """
    if isinstance(value, datetime):
        return DateReading(value.date())
    if isinstance(value, date):
        return DateReading(value)
    if isinstance(value, bool):
        raise DateError(f"应为日期，{HOW_TO_WRITE}")
    if isinstance(value, int):
        return _whole_number(value, today)
    if isinstance(value, float):
        if value.is_integer():
            return _whole_number(int(value), today)
        return _fractional_number(value)
    text = str(value).translate(_FOLD).strip(_BLANKS)
    return read_text(text, today=today)


def read_text(text: str, *, today: date) -> DateReading:
    """A date written as text (already folded to half-width and trimmed)."""
    match = _FULL.match(text) or _FULL_COMPACT.match(text)
    if match is not None:
        year, month, day = (int(g) for g in match.groups())
        return DateReading(_day(year, month, day, text))
    match = _YEAR_MONTH.match(text) or _YEAR_MONTH_COMPACT.match(text)
    if match is not None:
        return _year_month(int(match.group(1)), int(match.group(2)), text)
    match = _YEAR.match(text)
    if match is not None:
        return _year(int(match.group(1)), text)
    if _SERIAL_TEXT.match(text):
        return _serial(int(text), today)
    raise DateError(f"「{text}」不是可识别的日期，{HOW_TO_WRITE}")


def _day(year: int, month: int, day: int, shown: str) -> date:
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise DateError(f"日期「{shown}」的年份不合理，{HOW_TO_WRITE}")
    try:
        return date(year, month, day)
    except ValueError as exc:
        raise DateError(f"日期「{shown}」不存在") from exc


def _year_month(year: int, month: int, shown: str) -> DateReading:
    value = _day(year, month, 1, shown)
    return DateReading(value, f"只写到月份（{shown}），已按 {value.isoformat()} 记录，请核对")


def _year(year: int, shown: str) -> DateReading:
    value = _day(year, 1, 1, shown)
    return DateReading(value, f"只写了年份（{shown}），已按 {value.isoformat()} 记录，请核对")


def _whole_number(number: int, today: date) -> DateReading:
    shown = str(number)
    if FIRST_YEAR <= number <= LAST_YEAR:
        return _year(number, shown)
    if 100_000 <= number <= 999_999:
        return _year_month(number // 100, number % 100, shown)
    if 10_000_000 <= number <= 99_999_999:
        return DateReading(_day(number // 10000, number // 100 % 100, number % 100, shown))
    return _serial(number, today)


def _fractional_number(number: float) -> DateReading:
    """2019.3 or 2017.12 typed into a number cell: a year and a month."""
    shown = f"{number:.10g}"
    match = re.fullmatch(r"(\d{4})\.(\d{1,2})", shown)
    if match is None:
        raise DateError(f"「{shown}」不是可识别的日期，{HOW_TO_WRITE}")
    year, fraction = match.group(1), match.group(2)
    if fraction == "1":
        raise DateError(
            f"数字「{shown}」可能是 {year}年1月，也可能是 {year}年10月（数字格式会去掉末尾的 0），"
            f"请写成文本 {year}-01 或 {year}-10"
        )
    return _year_month(int(year), int(fraction), shown)


def _serial(number: int, today: date) -> DateReading:
    latest = today + timedelta(days=366)
    if number > 0:
        value = _EXCEL_EPOCH + timedelta(days=min(number, 2_958_465))
        if SERIAL_EARLIEST <= value <= latest:
            return DateReading(value)
    raise DateError(
        f"「{number}」不是可识别的日期（作为 Excel 日期序号不在 {SERIAL_EARLIEST.year} 年到"
        f"明年之间），{HOW_TO_WRITE}"
    )
