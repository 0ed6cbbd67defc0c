"""Field rules shared by the member dialog, the CLI and the roster importer.

python-stdnum does the arithmetic; every exception it raises becomes a Chinese
``ValidationError`` naming the field, so bad input can never crash the caller. A county
code that stdnum's (historical) table does not list, or that was abolished before the
birth year, is only a warning (``id_numbers``): old ID numbers carry codes of counties
renamed or merged long ago.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date
from functools import lru_cache

from stdnum import exceptions as stdnum_errors
from stdnum.cn import uscc

from desktop import clock
from desktop.control_chars import describe, find_control_char
from desktop.errors import ValidationError
from desktop.models import id_numbers

# The masks live in ``masking`` (one function for every output); re-exported for callers
# that import them from here.
from desktop.models.masking import mask_id_number as mask_id_number
from desktop.models.masking import mask_phone as mask_phone
from desktop.models.masking import mask_quoted
from desktop.textnorm import normalise_text as normalise_text

_PHONE = re.compile(r"^1[3-9]\d{9}$")
_ID_SHAPE = re.compile(r"^[0-9]{17}[0-9X]$")


_BLANK = re.compile(r"\s+")


@dataclass(frozen=True)
class IdNumberInfo:
    id_number: str
    birth_date: date
    gender: str  # "M" / "F"
    warning: str | None = None


def clean_id_number(raw: str) -> str:
    """An ID number as typed or pasted, reduced to its characters: full-width folded, blanks
    and hyphens removed (110105-19491231-002X), Excel's leading apostrophe (text marker)
    dropped, a lower-case x raised, any other script's decimal digits (Arabic-Indic ٣,
    which NFKC keeps) written as 0-9 — stored as typed, 4403041949123112٣4 read as a
    woman's number (its 17th digit not in "13579"). The roster reader cleans cells the
    same way."""
    number = normalise_text(raw).upper()
    if not number.isascii():
        number = "".join(str(unicodedata.decimal(c)) if c.isdecimal() else c for c in number)
    if number.startswith("'"):
        number = number[1:]
    return number.replace("-", "") if "-" in number else number


def check_id_number(
    raw: str, *, today: date | None = None, check_area: bool = True
) -> IdNumberInfo:
    """Validate a 公民身份号码 and derive birth date and gender from it.

    A 15-digit first-generation number is accepted as its 18-digit form (GB 11643-1999),
    with a warning that says how it was converted. A province code that does not exist
    is refused; a doubtful county code is only a warning (``id_numbers.area_warning``).
    """
    return IdNumberInfo(*id_number_parts(raw, today, check_area))


# 0-9 and X: the last character of an ID number already in its clean form.
_CHECK_CHARS = frozenset("0123456789X")


def id_number_parts(
    raw: str, today: date | None = None, check_area: bool = True
) -> tuple[str, date, str, str | None]:
    """``check_id_number``'s (number, birth date, gender, warning) as a plain tuple.

    Why a tuple: the roster import checks 100k numbers, and a frozen dataclass costs
    about a microsecond each to build. A number already clean (18 ASCII characters, 17
    digits and a digit or X: what the roster reader and the dialog pass) skips the
    cleaning and the shape check, which could change nothing for it.
    """
    if len(raw) == 18 and raw.isascii() and raw[:17].isdigit() and raw[17] in _CHECK_CHARS:
        number = raw
        notes: list[str] = []
    else:
        number, notes = _clean_shape(raw)
    field = "id_number"
    if number[:2] not in id_numbers.PROVINCES:
        raise ValidationError(
            f"身份证号前两位「{number[:2]}」不是省级行政区划代码（如 11 北京、44 广东），请核对",
            field=field,
        )
    # The shape check guarantees 17 decimal digits, so the GB 11643 check digit and the
    # birth date are computed here directly (stdnum's own functions re-clean the string on
    # every call, which dominated a 100k-row import). Same arithmetic as
    # ``ric.calc_check_digit`` / ``ric.get_birth_date``; a property test holds them equal.
    checksum = (1 - 2 * int(number[:17], 13)) % 11
    expected = "X" if checksum == 10 else str(checksum)
    if number[17] != expected:
        raise ValidationError(f"身份证号校验位错误，应为 {expected}", field=field)
    birth = _birth_date(number[6:14])
    if birth is None:
        raise ValidationError(
            f"身份证号中的出生日期 {number[6:10]}-{number[10:12]}-{number[12:14]} 不存在",
            field=field,
        )
    if birth > (today or clock.current().today()) or birth.year < 1900:
        raise ValidationError(f"身份证号中的出生日期 {birth.isoformat()} 不合理", field=field)
    if check_area:
        area = id_numbers.area_warning(number[:6], birth.year)
        if area:
            notes.append(area)
    gender = "M" if number[16] in "13579" else "F"
    return number, birth, gender, "；".join(notes) or None


def _clean_shape(raw: str) -> tuple[str, list[str]]:
    """An ID number as typed, cleaned and of the right shape (18 characters, 17 digits and
    a digit or X), with the note of a 15-digit number converted; refused otherwise."""
    number = clean_id_number(raw)
    field = "id_number"
    if not number:
        raise ValidationError("身份证号不能为空", field=field)
    notes: list[str] = []
    if len(number) == 15:
        upgraded = id_numbers.upgrade_15(number)
        if upgraded is None:
            raise ValidationError("15 位旧身份证号应全部为数字", field=field)
        number = upgraded
        notes.append(id_numbers.upgrade_note(upgraded))
    if len(number) != 18:
        raise ValidationError(
            f"身份证号应为 18 位（或 15 位旧号码），当前为 {len(number)} 位", field=field
        )
    if not _ID_SHAPE.match(number):
        raise ValidationError("身份证号前 17 位应为数字，最后一位为数字或 X", field=field)
    return number, notes


@lru_cache(maxsize=32_768)
def _birth_date(digits: str) -> date | None:
    """The date of YYYYMMDD digits, or None if there is no such day; cached, because a
    roster's members share birth dates (a few tens of thousands of days in all)."""
    try:
        return date(int(digits[:4]), int(digits[4:6]), int(digits[6:8]))
    except ValueError:
        return None


#: A landline (028-85551234, 0755 1234567, (010)12345678) where a mobile is asked for.
LANDLINE_MESSAGE = "「手机号」只能填手机号码，这是固定电话"
_AREA_CODE_DASH = re.compile(r"^\(?\d{2,4}\)?-\d{7,8}(-\d{1,6})?$")


def check_phone(raw: str | None) -> str | None:
    """A mobile number: 11 digits from 1[3-9], after folding, blanks and hyphens and a +86
    removed. A number already in that form (nearly every cell) is returned as it is."""
    if raw is None:
        return None
    if len(raw) == 11 and raw.isascii() and raw.isdigit() and raw[0] == "1" and raw[1] > "2":
        return raw
    written = normalise_text(raw)
    phone = written.replace("-", "")
    if not phone:
        return None
    if phone.startswith("+86"):
        phone = phone[3:]
    if not _PHONE.match(phone):
        if phone.lstrip("(").startswith("0") or _AREA_CODE_DASH.match(written):
            raise ValidationError(LANDLINE_MESSAGE, field="phone")
        raise ValidationError(
            f"手机号应为以 1 开头的 11 位数字，当前为「{mask_quoted(phone)}」（{len(phone)} 位）",
            field="phone",
        )
    return phone


def check_credit_code(raw: str | None) -> str | None:
    if raw is None:
        return None
    code = normalise_text(raw).upper()
    if not code:
        return None
    try:
        return str(uscc.validate(code))
    except stdnum_errors.InvalidLength as exc:
        raise ValidationError(
            f"统一社会信用代码应为 18 位，当前为 {len(code)} 位", field="credit_code"
        ) from exc
    except stdnum_errors.InvalidChecksum as exc:
        raise ValidationError("统一社会信用代码校验位错误，请核对", field="credit_code") from exc
    except Exception as exc:  # InvalidFormat / InvalidComponent / anything else from stdnum
        raise ValidationError("统一社会信用代码格式不正确", field="credit_code") from exc


def check_no_control_chars(value: str, field: str, label: str, *, one_line: bool = True) -> str:
    """Refuse invisible control characters (BEL, ESC, bidi overrides …; see
    ``desktop.control_chars``): stored, they broke the roster export for everyone and
    drove the terminal. The message names the position and code point, never the value
    (it may be a name). ``one_line=False`` lets tabs and line breaks through (notes)."""
    index = find_control_char(value, one_line=one_line)
    if index is not None:
        raise ValidationError(
            f"{label}第 {index + 1} 个字符是不可见的控制字符（{describe(value[index])}），"
            "可能是从别处复制时带入的，请删除后重新输入",
            field=field,
        )
    return value


def require_text(value: str | None, field: str, label: str, max_len: int) -> str:
    text = (value or "").strip()
    if not text:
        raise ValidationError(f"{label}不能为空", field=field)
    if len(text) > max_len:
        raise ValidationError(f"{label}不能超过 {max_len} 个字", field=field)
    return check_no_control_chars(text, field, label)
