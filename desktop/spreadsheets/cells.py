"""Cell normalisation: what clerks type in Excel and WPS, turned into service input.

Text is trimmed (the ideographic space included); identifiers and dates have full-width
digits and letters folded to ASCII; dates come as 2019.3.5, 2019/03/05, 2019年3月5日,
20190305, real date cells or Excel serial numbers, and partial dates (2019, 2019.3) that
are completed with a note, by the one rule in ``desktop.models.dates``. An ID number in
a numeric cell is never turned back into text: Excel has already rounded it to 15
significant digits.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, datetime
from typing import Any

from stdnum.cn import ric

from desktop import clock
from desktop.models import dates
from desktop.models.dates import DateReading

# U+FF01..U+FF5E are the full-width forms of ASCII 0x21..0x7E; U+3000 is the ideographic
# space. Chinese punctuation in names of organisations is left alone on purpose.
_FOLD = {cp: cp - 0xFEE0 for cp in range(0xFF01, 0xFF5F)}
_FOLD[0x3000] = 0x20
_FOLDABLE = re.compile("[\uff01-\uff5e\u3000]")
_BLANKS = " \t\r\n\u3000\u00a0\ufeff"

_ID_LAST = frozenset("0123456789Xx")
_SCIENTIFIC = re.compile(r"^\d+(\.\d+)?[eE][+]?\d+$")

NUMERIC_ID_MESSAGE = (
    "是数字格式，Excel 已把身份证号变成了「{shown}」，后几位已丢失、无法还原。"
    "请把这一列设置为「文本」格式后重新输入身份证号（或在号码前加英文单引号 '）"
)


class CellError(ValueError):
    """A cell that cannot be read as its field; the message is Chinese, without the label."""


def fold(value: str) -> str:
    """Full-width ASCII to half-width, trimmed.

    ``translate`` is skipped when there is nothing to fold (almost every cell): a regex
    search is several times cheaper than a translation of a whole cell.
    """
    if _FOLDABLE.search(value) is None:
        return value.strip(_BLANKS)
    return value.translate(_FOLD).strip(_BLANKS)


def trim(value: str) -> str:
    return value.strip(_BLANKS)


def is_blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip(_BLANKS))


def as_text(value: Any) -> str:
    """A free-text cell (name, employer, notes …) as trimmed text."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return trim(str(value))


def as_identifier(value: Any) -> str:
    """Phone and card numbers: integral numbers are exact below 2**53, so they may be read."""
    if isinstance(value, bool):
        raise CellError("应为文本，不能是逻辑值")
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if value.is_integer() and abs(value) < 2**53:
            return str(int(value))
        raise CellError(
            f"应为文本格式的号码，当前是数字 {value:g}，请把这一列设置为「文本」后重新输入"
        )
    return fold(as_text(value)).replace(" ", "")


def as_id_number(value: Any) -> str:
    """An ID number cell as text, or ``CellError`` if Excel has turned it into a number.

    A text cell of 17 ASCII digits and a digit or X/x (nearly every cell) skips the
    general path, whose folding, trimming and notation tests change nothing for it; the
    rule for a number Excel rounded (…000 with a wrong check digit) still applies.
    """
    plain = _plain_id_number(value)
    if plain is not None:
        return plain
    if isinstance(value, bool):
        raise CellError("应为 18 位身份证号，不能是逻辑值")
    if isinstance(value, int | float):
        shown = f"{value:.15G}"
        raise CellError(NUMERIC_ID_MESSAGE.format(shown=shown))
    text = fold(as_text(value)).replace(" ", "").upper()
    if text.startswith("'"):
        text = text[1:]
    if _SCIENTIFIC.match(text):
        raise CellError(NUMERIC_ID_MESSAGE.format(shown=text))
    if len(text) == 18 and text.isdigit() and text.endswith("000"):
        if ric.calc_check_digit(text) != text[-1]:
            raise CellError(NUMERIC_ID_MESSAGE.format(shown=text))
    return text


def _plain_id_number(value: Any) -> str | None:
    """``as_id_number`` of a text cell of 17 ASCII digits and a digit or X/x; None for any
    other cell (left to the general path)."""
    if (
        type(value) is str
        and len(value) == 18
        and value.isascii()
        and value[:17].isdigit()
        and value[17] in _ID_LAST
    ):
        text = value.upper() if value[17] == "x" else value
        if text.endswith("000") and ric.calc_check_digit(text) != "0":
            raise CellError(NUMERIC_ID_MESSAGE.format(shown=text))
        return text
    return None


def read_date(value: Any, today: date | None = None) -> DateReading | None:
    """A date cell by the shared rule (``desktop.models.dates``); None if blank.

    A year or year-month is completed to the first day and the reading carries a note for
    the preview; a small number is never taken for an Excel serial.
    """
    if is_blank(value):
        return None
    try:
        return dates.read_date(value, today=today or clock.current().today())
    except dates.DateError as exc:
        raise CellError(str(exc)) from None


def as_date(value: Any, today: date | None = None) -> date | None:
    """A date cell as a date (a completed partial date too, without its note)."""
    reading = read_date(value, today)
    return None if reading is None else reading.value


_TRUE = {"是", "√", "✓", "y", "yes", "1", "true", "是的"}
_FALSE = {"否", "×", "x", "n", "no", "0", "false", "不是"}


def as_bool_text(value: Any) -> str:
    """是/否 for the member service; other spellings are left for it to refuse."""
    if is_blank(value):
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    text = fold(as_text(value)).lower()
    if text in _TRUE:
        return "是"
    if text in _FALSE:
        return "否"
    return text


Parser = Callable[[Any], Any]


def _unless_blank(parse: Parser) -> Parser:
    """``parse`` for a non-blank cell, None for a blank one (the general path)."""

    def run(value: Any) -> Any:
        if is_blank(value) or value == "":
            return None
        return parse(value)

    return run


def column_parser(kind: str, field_name: str, *, today: date | None = None) -> Parser:
    """The reader of one column, chosen once per column: None for a blank cell.

    Every kind has a fast path for the common case of a plain text cell, with the same
    result as the general path (``as_text`` then the kind's own rule); a property test
    holds the two equal. ``CellError`` if the cell cannot be read as its field. A date
    column gives ``DateReading`` values (a completed partial date carries its note).
    """
    if kind == "id_number":
        general_id = _unless_blank(as_id_number)

        def id_number(value: Any) -> Any:
            plain = _plain_id_number(value)  # no blank test needed for 18 digits
            return general_id(value) if plain is None else plain

        return id_number
    if kind == "phone" or field_name == "card_no":
        general = _unless_blank(lambda v: as_identifier(v) or None)

        def identifier(value: Any) -> Any:
            if type(value) is str:
                if value.isascii() and value.isdigit():  # nothing to fold or trim
                    return value
                return fold(value).replace(" ", "") or None
            return general(value)

        return identifier
    if kind == "date":
        day = today or clock.current().today()
        return _cached(_unless_blank(lambda v: read_date(v, day)))
    if kind == "bool":
        return _unless_blank(lambda v: as_bool_text(v) or None)
    if kind == "code":
        general = _unless_blank(lambda v: fold(as_text(v)) or None)

        def code(value: Any) -> Any:
            if type(value) is str:
                return fold(value) or None
            return general(value)

        return code
    general_text = _unless_blank(lambda v: as_text(v) or None)

    def free_text(value: Any) -> Any:
        if type(value) is str:
            return value.strip(_BLANKS) or None
        return general_text(value)

    return free_text


_CACHE_LIMIT = 20_000


def _cached(parse: Parser) -> Parser:
    """Memoise a text cell's result: a roster repeats the same dates thousands of times."""
    seen: dict[str, Any] = {}

    def run(value: Any) -> Any:
        if type(value) is not str:
            return parse(value)
        try:
            return seen[value]
        except KeyError:
            pass
        result = parse(value)  # a CellError is raised again each time, never stored
        if len(seen) < _CACHE_LIMIT:
            seen[value] = result
        return result

    return run
