"""The importer's fast paths give exactly the results of the straightforward code.

``check_id_number`` computes the GB 11643 check digit and the birth date itself instead of
calling stdnum per row; ``normalise_text`` skips NFKC and blank removal when they would
change nothing; ``cells.column_parser`` reads plain text cells without the general path.
Each is compared here with a reference copy of the code it replaced, on generated input
chosen to hit every branch: valid numbers, wrong check digits, impossible dates,
full-width and non-ASCII digits, blanks inside and around, and arbitrary text. The
collector pause used by the row loops must give the collector back as it found it.
"""

from __future__ import annotations

import gc
import re
import unicodedata
from datetime import date
from typing import Any

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st
from stdnum import exceptions as stdnum_errors
from stdnum.cn import ric

from desktop.errors import ValidationError
from desktop.gc_pause import paused_gc
from desktop.models.id_numbers import PROVINCES, area_warning
from desktop.models.validation import check_id_number, check_phone, normalise_text
from desktop.spreadsheets import cells, probe

TODAY = date(2026, 11, 21)
_ID_SHAPE = re.compile(r"^\d{17}[\dX]$")


def reference_normalise(value: str) -> str:
    folded = unicodedata.normalize("NFKC", value)
    return re.sub(r"\s+", "", folded)


def reference_check(raw: str, check_area: bool) -> tuple[str, ...]:
    """The stdnum-based ``check_id_number`` as it was, reduced to a comparable outcome."""
    number = reference_normalise(raw).upper().removeprefix("'").replace("-", "")
    number = "".join(str(unicodedata.decimal(c)) if c.isdecimal() else c for c in number)
    if not number:
        return ("refused", "身份证号不能为空")
    notes = []
    if len(number) == 15:
        if not re.fullmatch(r"[0-9]{15}", number):
            return ("refused", "15 位旧身份证号应全部为数字")
        number = number[:6] + "19" + number[6:] + "0"
        number = number[:17] + ric.calc_check_digit(number)
        notes.append(
            "已将 15 位身份证号转换为 18 位：在出生年份前补「19」，"
            f"末位补校验码「{number[-1]}」，请核对"
        )
    if len(number) != 18:
        return ("refused", f"身份证号应为 18 位（或 15 位旧号码），当前为 {len(number)} 位")
    if not _ID_SHAPE.match(number):
        return ("refused", "身份证号前 17 位应为数字，最后一位为数字或 X")
    if number[:2] not in PROVINCES:
        return (
            "refused",
            f"身份证号前两位「{number[:2]}」不是省级行政区划代码（如 11 北京、44 广东），请核对",
        )
    try:
        expected = ric.calc_check_digit(number)
    except (stdnum_errors.ValidationError, ValueError):
        return ("refused", "身份证号格式不正确")
    if number[-1] != expected:
        return ("refused", f"身份证号校验位错误，应为 {expected}")
    try:
        birth = ric.get_birth_date(number)
    except (stdnum_errors.ValidationError, ValueError):
        return (
            "refused",
            f"身份证号中的出生日期 {number[6:10]}-{number[10:12]}-{number[12:14]} 不存在",
        )
    if birth > TODAY or birth.year < 1900:
        return ("refused", f"身份证号中的出生日期 {birth.isoformat()} 不合理")
    if check_area:
        area = area_warning(number[:6], birth.year)
        if area:
            notes.append(area)
    gender = "M" if int(number[16]) % 2 == 1 else "F"
    return ("accepted", number, birth.isoformat(), gender, "；".join(notes))


def project_check(raw: str, check_area: bool) -> tuple[str, ...]:
    try:
        info = check_id_number(raw, today=TODAY, check_area=check_area)
    except ValidationError as exc:
        assert exc.problems == {"id_number": exc.message}
        return ("refused", exc.message)
    return (
        "accepted",
        info.id_number,
        info.birth_date.isoformat(),
        info.gender,
        info.warning or "",
    )


AREAS = st.sampled_from(
    ["440304", "110105", "310104", "999999", "000000", "441900", "123456", "110110", "119999"]
)
BIRTHS = st.one_of(
    st.dates(date(1890, 1, 1), date(2030, 12, 31)).map(lambda d: d.strftime("%Y%m%d")),
    st.text("0123456789", min_size=8, max_size=8),  # 19990230, 20001301 …
)


@st.composite
def id_numbers(draw: st.DrawFn) -> str:
    body = draw(AREAS) + draw(BIRTHS) + draw(st.text("0123456789", min_size=3, max_size=3))
    right = ric.calc_check_digit(body + "0")
    last = draw(st.sampled_from([right, right, "X", "x", "0", "7"]))
    number = body + last
    # Ways a clerk's cell differs from the clean number.
    style = draw(
        st.sampled_from(
            ["plain", "fullwidth", "spaces", "arabic", "ideographic", "hyphens", "apostrophe", "15"]
        )
    )
    if style == "fullwidth":
        number = "".join(chr(ord(c) + 0xFEE0) if c.isdigit() else c for c in number)
    elif style == "spaces":
        number = f" {number[:6]} {number[6:14]}\t{number[14:]}\n"
    elif style == "arabic":
        position = draw(st.integers(0, 16))
        digit = chr(0x0660 + int(number[position]))  # ARABIC-INDIC DIGIT, kept by NFKC
        number = number[:position] + digit + number[position + 1 :]
    elif style == "ideographic":
        number = "\u3000" + number + "\u3000"
    elif style == "hyphens":
        number = f"{number[:6]}-{number[6:14]}-{number[14:]}"
    elif style == "apostrophe":
        number = "'" + number
    elif style == "15":
        number = number[:6] + number[8:17]
    return number


ANY_TEXT = st.one_of(
    id_numbers(),
    st.text(max_size=24),
    st.text("0123456789X xＸ０１９\u3000\t-'", max_size=22),
)


@settings(max_examples=600, deadline=None)
@given(raw=ANY_TEXT, check_area=st.booleans())
@example(raw="11010519491231002X", check_area=True)
@example(raw="110105194912310021", check_area=False)
@example(raw="110105199902300025", check_area=False)
@example(raw="440304202712310011", check_area=False)
@example(raw="", check_area=False)
@example(raw="4403041949123112\u06634", check_area=True)  # an Arabic-Indic 3: a man
def test_check_id_number_matches_stdnum(raw: str, check_area: bool) -> None:
    assert project_check(raw, check_area) == reference_check(raw, check_area)


@settings(max_examples=600, deadline=None)
@given(value=st.one_of(st.text(max_size=20), st.text("ab1 　Ａ\t\n\u00a0ﬁ①", max_size=12)))
@example(value="abc123")
@example(value="a b")
@example(value="ＡＢＣ")
def test_normalise_text_matches_nfkc_and_blank_removal(value: str) -> None:
    assert normalise_text(value) == reference_normalise(value)


def _reference_cell(kind: str, field_name: str, value: Any) -> Any:
    """The importer's cell reading as it was: the blank test, then the kind's general rule."""
    if value is None or value == "" or (isinstance(value, str) and cells.is_blank(value)):
        return None
    if kind == "id_number":
        return cells.as_id_number(value)
    if kind == "phone" or field_name == "card_no":
        return cells.as_identifier(value) or None
    if kind == "date":
        return cells.read_date(value)
    if kind == "bool":
        return cells.as_bool_text(value) or None
    if kind == "code":
        return cells.fold(cells.as_text(value)) or None
    return cells.as_text(value) or None


def _outcome(read: Any, value: Any) -> tuple[str, Any]:
    try:
        return ("value", read(value))
    except cells.CellError as exc:
        return ("error", str(exc))


COLUMNS = [
    ("id_number", "id_number"),
    ("phone", "phone"),
    ("text", "card_no"),
    ("date", "joined_on"),
    ("bool", "is_migrant_worker"),
    ("code", "ethnicity"),
    ("text", "name"),
]
CELL_TEXT = st.one_of(
    st.text(max_size=16),
    st.text("0123456789０１２.-/年月日 　\t", max_size=14),
    st.sampled_from(
        [
            "2019.3.5",
            "2019年3月5日",
            "20190305",
            "43000",
            "2019.3",
            "201903",
            "2019年",
            "是",
            "汉族",
            "'0",
        ]
    ),
)
CELLS = st.one_of(
    CELL_TEXT,
    st.none(),
    st.booleans(),
    st.integers(-(10**16), 10**16),
    st.floats(allow_nan=False, allow_infinity=False),
    st.dates(),
)


@settings(max_examples=400, deadline=None)
@given(column=st.sampled_from(COLUMNS), values=st.lists(CELLS, min_size=1, max_size=6))
@example(column=("date", "joined_on"), values=["2019.3.5", "2019.3.5", "2019.2.30", "2019.2.30"])
@example(column=("code", "ethnicity"), values=["\u3000汉族 ", "ＡＢ", "　"])
@example(
    column=("id_number", "id_number"),
    values=["11010519491231002x", " 11010519491231002X", "440304196001011000", "１" * 18],
)
@example(column=("phone", "phone"), values=["13800138000", "138 0013 8000", "１３８", "٣"])
def test_column_parsers_match_the_general_path(column: tuple[str, str], values: list[Any]) -> None:
    kind, field_name = column
    read = cells.column_parser(kind, field_name)  # one parser for several cells: its cache
    for value in values:
        assert _outcome(read, value) == _outcome(
            lambda v: _reference_cell(kind, field_name, v), value
        )


def test_paused_gc_restores_the_collector_state() -> None:
    assert gc.isenabled()
    with pytest.raises(RuntimeError), paused_gc():
        assert not gc.isenabled()
        raise RuntimeError("a failing row check")
    assert gc.isenabled()
    gc.disable()
    try:
        with paused_gc():
            assert not gc.isenabled()
        assert not gc.isenabled()  # was off before: stays off
    finally:
        gc.enable()


def test_repeated_spellings_give_each_row_its_own_values_and_problems(
    db: Any, tmp_path: Any
) -> None:
    """The importer reads a repeating column's spelling once and ``members.validate``
    cleans a text or code spelling once: every row still gets the value, and a refused
    spelling is refused again on every row that has it (no cached acceptance)."""
    from desktop.services.rosters import importer
    from desktop.services.rosters.checking import ImportOptions

    from .helpers import make_id, setup_registry, write_xlsx

    setup_registry(db, "甲公司工会")
    header = ["姓名", "身份证号", "所属工会", "民族", "工作单位", "入会日期"]
    rows: list[list[Any]] = [header]
    for i in range(6):
        bad = i % 2 == 1  # odd rows: a date that does not exist, an employer too long
        rows.append(
            [
                f"张{'三四五六七八'[i]}",
                make_id(seq=100 + i),
                "甲公司工会",
                "壮" if i < 3 else "汉族",
                "某" * 101 if bad else "某公司",
                "2019.2.30" if bad else "2019.3.5",
            ]
        )
    path = write_xlsx(tmp_path / "r.xlsx", rows, text_columns=[1])
    preview = importer.prepare(db, path, ImportOptions(today=TODAY))
    refused = {r.row: {p.field for p in r.problems} for r in preview.rows if r.problems}
    assert refused == {3: {"joined_on", "employer"}, 5: {"joined_on", "employer"},
                       7: {"joined_on", "employer"}}  # fmt: skip
    accepted = [r.values for r in preview.rows if r.action == "new"]
    assert [v["ethnicity"] for v in accepted] == ["08", "08", "01"]
    assert {v["employer"] for v in accepted} == {"某公司"}
    assert {v["joined_on"] for v in accepted} == {date(2019, 3, 5)}


def reference_phone(raw: str) -> str | None:
    """``check_phone`` before its fast path for numbers already in their clean form."""
    phone = normalise_text(raw).replace("-", "")
    if not phone:
        return None
    if phone.startswith("+86"):
        phone = phone[3:]
    if not re.match(r"^1[3-9]\d{9}$", phone):
        raise ValidationError("手机号格式不正确", field="phone")
    return phone


@settings(max_examples=500, deadline=None)
@given(
    st.one_of(
        st.from_regex(r"\A[0-9]{11}\Z"),
        st.from_regex(r"\A1[0-9]{10}\Z"),
        st.text(alphabet="0123456789１３８ -+\n", max_size=14),
    )
)
@example("12345678901")
@example("13800138000\n")
@example("１３８００１３８０００")
def test_check_phone_fast_path(raw: str) -> None:
    try:
        expected: tuple[str, str | None] = ("ok", reference_phone(raw))
    except ValidationError:
        expected = ("refused", None)
    try:
        got: tuple[str, str | None] = ("ok", check_phone(raw))
    except ValidationError:
        got = ("refused", None)
    assert got == expected


def reference_as_id_number(value: Any) -> str:
    """``cells.as_id_number`` before its fast path for plain 18-character text cells."""
    if isinstance(value, bool):
        raise cells.CellError("应为 18 位身份证号，不能是逻辑值")
    if isinstance(value, int | float):
        if (isinstance(value, int) or value.is_integer()) and 10**14 <= int(value) < 10**15:
            return str(int(value))  # a 15-digit old number is exact
        raise cells.CellError(cells.numeric_id_message(cells._as_excel_shows(value)))
    text = cells.clean_number(cells.fold(cells.as_text(value))).replace(" ", "").upper()
    if text.startswith("'"):
        text = text[1:]
    if re.match(r"^\d+(\.\d+)?[eE][+]?\d+$", text):
        raise cells.CellError(cells.numeric_id_message(text))
    if len(text) == 18 and text.isdigit() and text.endswith("000"):
        if ric.calc_check_digit(text) != text[-1]:
            raise cells.CellError(cells.numeric_id_message(text))
    return text


@settings(max_examples=600, deadline=None)
@given(
    st.one_of(
        st.from_regex(r"\A[0-9]{17}[0-9Xx]\Z"),
        st.from_regex(r"\A[0-9]{14,15}000\Z"),
        st.text(alphabet="0123456789xX '１Ｘ", min_size=17, max_size=19),
    )
)
@example("440304196001011000")  # Excel's rounding: …000 and a wrong check digit
@example("11010519491231002x")
@example("11010519491231002X")
def test_id_number_cells_fast_path(value: str) -> None:
    assert _outcome(cells.as_id_number, value) == _outcome(reference_as_id_number, value)


# Pieces a sheet's XML is made of, some of them only beginning like a row tag.
_SHEET_PIECES = [
    b'<row r="1">',
    b"<row>",
    b"<row\n",
    b"<row\t",
    b"</row>",
    b"<rowBreaks>",
    b"<rows",
    b'<c r="A1" t="s"><v>0</v></c>',
    b"<x:row>",
    b"<x:row ",
    b"</x:row>",
    b"row ",
    b"<sheetData>",
    b"<",
    b"row",
    b">",
    b" ",
    b":row",
    b"&lt;row ",
]


@settings(max_examples=600, deadline=None)
@given(st.lists(st.sampled_from(_SHEET_PIECES), max_size=40))
@example([b"<row>", b"<x:row>"])  # both spellings in one sheet: counted by the pattern
def test_row_count_fast_path(pieces: list[bytes]) -> None:
    body = b"".join(pieces)
    reference = len(probe._ROW_TAG.findall(body))
    # A sheet writes its tags one way; both spellings in one body is the one case the
    # fast count gives up on (it counts the unprefixed ones), never more than the truth.
    mixed = b"<row" in body and probe._ROW_TAG.search(body.replace(b"<row", b"<xow"))
    if mixed:
        assert probe.count_rows(body) <= reference
    else:
        assert probe.count_rows(body) == reference


@settings(max_examples=40, deadline=None)
@given(
    top=st.integers(0, 3),
    left=st.integers(0, 3),
    cells_=st.lists(
        st.lists(
            st.one_of(st.none(), st.integers(-5, 5), st.text("张三1 x", max_size=3)),
            min_size=1,
            max_size=4,
        ),  # fmt: skip
        min_size=0,
        max_size=5,
    ),
)
def test_sheet_rows_row_by_row_equal_the_whole_sheet_at_once(
    tmp_path_factory: pytest.TempPathFactory, top: int, left: int, cells_: list[list[Any]]
) -> None:
    """The reader takes a sheet's rows one at a time (the window runs between them) and
    pads the columns left of the data itself: the cells are those of ``to_python``."""
    from openpyxl import Workbook
    from python_calamine import CalamineWorkbook

    from desktop.spreadsheets.reader import _sheet_rows

    path = tmp_path_factory.mktemp("sheet") / "s.xlsx"
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    for r, row in enumerate(cells_):
        for c, value in enumerate(row):
            if value is not None:
                sheet.cell(row=top + r + 1, column=left + c + 1, value=value)
    book.save(path)
    loaded = CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0)
    assert _sheet_rows(loaded) == loaded.to_python(skip_empty_area=False)
