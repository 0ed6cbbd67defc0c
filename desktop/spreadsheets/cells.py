"""Cell normalisation: what clerks type in Excel and WPS, turned into service input.

Text is trimmed (the ideographic space included); identifiers and dates have full-width
digits and letters folded to ASCII; dates come as 2019.3.5, 2019/03/05, 2019年3月5日,
20190305, real date cells or Excel serial numbers, and partial dates (2019, 2019.3) that
are completed with a note, by the one rule in ``desktop.models.dates``. An ID number in
a numeric cell is never turned back into text: Excel has already rounded it to 15
significant digits (a 15-digit old number excepted: it is exact). Invisible characters
pasted in with a number and a CSV's ="…" wrapper are removed from ID and phone cells.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from stdnum.cn import ric

from desktop import clock
from desktop.models import dates
from desktop.models.dates import DateReading
from desktop.models.masking import mask_quoted

# U+FF01..U+FF5E are the full-width forms of ASCII 0x21..0x7E; U+3000 is the ideographic
# space. Chinese punctuation in names of organisations is left alone on purpose.
_FOLD = {cp: cp - 0xFEE0 for cp in range(0xFF01, 0xFF5F)}
_FOLD[0x3000] = 0x20
_FOLDABLE = re.compile("[\uff01-\uff5e\u3000]")
_BLANKS = " \t\r\n\u3000\u00a0\ufeff"

# Characters nobody sees, pasted in with numbers from web pages, WeChat or PDFs: the
# no-break and zero-width spaces, joiners, direction marks, the soft hyphen, the BOM.
_INVISIBLE = re.compile("[\u00a0\u00ad\u1680\u180e\u2000-\u200f\u2028-\u202f\u205f-\u2064\ufeff]")
# ="0123…": how some systems write a CSV cell so that Excel keeps it as text.
_CSV_TEXT = re.compile(r'^="(.*)"$')
_ID_LAST = frozenset("0123456789Xx")
_SCIENTIFIC = re.compile(r"^\d+(\.\d+)?[eE][+]?\d+$")

NUMERIC_ID_MESSAGE = (
    "是数字格式，Excel 已把身份证号变成了「{shown}」，后几位已丢失、无法还原。"
    "请把这一列设置为「文本」格式后重新输入身份证号（或在号码前加英文单引号 '）"
)
# Excel's error values, as 选择性粘贴 → 数值 of a failed formula leaves them, and why.
EXCEL_ERRORS = {
    "#N/A": "多为查找公式没有找到",
    "#REF!": "公式引用的单元格已被删除",
    "#VALUE!": "公式中的数据类型不对",
    "#DIV/0!": "公式除以了零",
    "#NAME?": "公式中有无法识别的函数或名称",
    "#NULL!": "公式引用的区域没有交集",
    "#NUM!": "公式中的数值无效",
}


def excel_error_message(value: str) -> str:
    """The problem of an Excel error cell (#N/A …), without the row and column."""
    why = EXCEL_ERRORS.get(value)
    shown = f"{value}（{why}）" if why else value
    return f"是 Excel 错误值 {shown}，请改正后再导入"


def numeric_id_message(shown: str) -> str:
    """An ID number Excel turned into a number; the digits it shows are masked."""
    return NUMERIC_ID_MESSAGE.format(shown=mask_quoted(shown) if shown.isdigit() else shown)


def _as_excel_shows(value: float) -> str:
    """A number as Excel shows it in a cell formatted 0: 15 significant digits, then 0s."""
    shown = f"{value:.15G}"
    if "E" in shown and value > 0:
        return str(int(Decimal(shown)))
    return shown


def clean_number(text: str) -> str:
    """An ID, phone or card number's text without invisible characters or a CSV ="…"."""
    if text.isascii():
        if text.startswith('="'):
            found = _CSV_TEXT.match(text)
            return found.group(1) if found else text
        return text
    text = _INVISIBLE.sub("", text)
    found = _CSV_TEXT.match(text)
    return found.group(1) if found else text


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
    return clean_number(fold(as_text(value))).replace(" ", "")


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
        # A 15-digit old number is exact in a number cell (Excel keeps 15 digits): it is
        # read like its text; an 18-digit one has lost its last digits.
        if isinstance(value, int) or value.is_integer():
            whole = int(value)
            if 10**14 <= whole < 10**15:
                return str(whole)
        raise CellError(numeric_id_message(_as_excel_shows(value)))
    text = clean_number(fold(as_text(value))).replace(" ", "").upper()
    if text.startswith("'"):
        text = text[1:]
    if _SCIENTIFIC.match(text):
        raise CellError(numeric_id_message(text))
    if len(text) == 18 and text.isdigit() and text.endswith("000"):
        if ric.calc_check_digit(text) != text[-1]:
            raise CellError(numeric_id_message(text))
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
            raise CellError(numeric_id_message(text))
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
                return clean_number(fold(value)).replace(" ", "") or None
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
