"""Read a roster file into rows of cells, refusing what is not a usable spreadsheet.

.xlsx and old .xls (Excel 97-2003) go through python-calamine (cells come back as str,
float, int, bool, date or datetime, with the merged ranges); .csv is decoded as UTF-8
(with or without BOM), UTF-16 (with BOM) or GB18030 (a superset of GBK) and every cell is
text. An .xlsx sheet's size is checked from its XML before it is loaded.

Without ``--sheet`` the first visible sheet whose header names 姓名 and 身份证号 is read
(offices put a cover, 填表说明 or 汇总 sheet first; a sheet with some other roster-like
header is the fallback) and the preview names it; when no sheet has one, the message
lists the sheets and says how to choose. Every other visible sheet that also holds a
roster is named in the preview with its row count: it is not imported.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import python_calamine as calamine

from desktop.spreadsheets.headers import HeaderGuess
from desktop.spreadsheets.layout import total_label
from desktop.spreadsheets.probe import (
    Kind,
    SpreadsheetError,
    damaged_message,
    detect_kind,
    locked_message,
    open_bytes,
    scan_sheet,
    sheet_part,
)

DEFAULT_ROW_LIMIT = 200_000


#: Does a sheet's first rows hold a roster header (``headers.guess_header``)?
HeaderTest = Callable[[list[list[Any]]], HeaderGuess | None]
#: How to choose a sheet, on the command line (the wizard says its 工作表 field instead).
SHEET_HINT = "请用 --sheet 工作表名称 指定"


@dataclass(frozen=True)
class ReadOptions:
    row_limit: int = DEFAULT_ROW_LIMIT
    sheet: str | None = None  # a sheet name; default: the first visible sheet with a header
    has_header: HeaderTest | None = None  # the roster header of a sheet's first rows, if any


@dataclass
class RawTable:
    """The cells of one sheet; ``rows[i]`` is the sheet's row ``i + 1``."""

    path: Path
    sheet: str
    rows: list[list[Any]]
    formulas: frozenset[tuple[int, int]] = frozenset()
    merged: tuple[tuple[tuple[int, int], tuple[int, int]], ...] = ()
    notes: list[str] = field(default_factory=list)
    sheets: tuple[str, ...] = ()  # every sheet of the workbook, for messages
    # Excel error cells (#N/A …) by (row, column), zero-based: .xlsx only (from its XML)
    errors: Mapping[tuple[int, int], str] = field(default_factory=dict)


def read_table(path: Path, options: ReadOptions | None = None) -> RawTable:
    options = options or ReadOptions()
    path = Path(path)
    kind = detect_kind(path)
    table = _read_csv(path, options) if kind == "csv" else _read_workbook(path, kind, options)
    if not any(any(_filled(c) for c in row) for row in table.rows):
        raise SpreadsheetError(f"工作表「{table.sheet}」是空的，没有任何数据")
    return table


def _filled(value: Any) -> bool:
    return value is not None and value != ""


def _too_many(path: Path, sheet: str, limit: int) -> SpreadsheetError:
    """Over the limit: the count is not given (the reader stops counting at the limit)."""
    return SpreadsheetError(
        f"「{path.name}」的工作表「{sheet}」超过一次导入的上限 {limit} 行。"
        "请把名册拆分成几个文件分批导入，或在命令行用 --max-rows 行数 调高上限。"
    )


def _read_workbook(path: Path, kind: Kind, options: ReadOptions) -> RawTable:
    try:
        if path.suffix.lower() == f".{kind}":
            workbook = calamine.CalamineWorkbook.from_path(str(path))
        else:  # calamine goes by the extension; a renamed file is opened by its content
            raw = open_bytes(path, path.stat().st_size + 1)
            workbook = calamine.CalamineWorkbook.from_filelike(io.BytesIO(raw))
    except PermissionError as exc:
        raise SpreadsheetError(locked_message(path)) from exc
    except calamine.PasswordError as exc:
        raise SpreadsheetError(
            f"「{path.name}」设置了密码，无法读取。请在 Excel 中取消密码后再导入。"
        ) from exc
    except Exception as exc:  # calamine raises several types for broken files
        raise SpreadsheetError(damaged_message(path)) from exc
    try:
        return _pick_sheet(path, kind, workbook, options)
    finally:
        workbook.close()


def _pick_sheet(path: Path, kind: Kind, workbook: Any, options: ReadOptions) -> RawTable:
    metas = [m for m in workbook.sheets_metadata if m.typ == calamine.SheetTypeEnum.WorkSheet]
    if not metas:
        raise SpreadsheetError(f"「{path.name}」里没有工作表")
    visible = [m for m in metas if m.visible == calamine.SheetVisibleEnum.Visible]
    hidden = [m.name for m in metas if m.visible != calamine.SheetVisibleEnum.Visible]
    names = [m.name for m in workbook.sheets_metadata]
    if options.sheet is not None:
        if options.sheet not in names:
            raise SpreadsheetError(
                f"「{path.name}」里没有名为「{options.sheet}」的工作表（有：{'、'.join(names)}）"
            )
        chosen = [m for m in metas if m.name == options.sheet]
    else:
        chosen = visible
    notes: list[str] = []
    if hidden and options.sheet is None:
        notes.append(f"已忽略隐藏的工作表：{'、'.join(hidden)}")
    test = options.has_header
    loaded: dict[str, tuple[list[list[Any]], HeaderGuess | None]] = {}
    passed: list[str] = []  # sheets read and passed over: no header naming 姓名 and 身份证号
    weak: RawTable | None = None  # the first sheet whose header lacks 姓名 or 身份证号
    first: RawTable | None = None
    picked: RawTable | None = None
    for meta in chosen:
        table = _load_sheet(path, kind, workbook, names.index(meta.name), meta.name, options)
        if table is None:
            continue
        table.sheets = tuple(names)
        if options.sheet is not None or test is None:
            picked = table
            break
        guess = test(table.rows)
        loaded[meta.name] = (table.rows, guess)
        if guess is not None and guess.complete:
            picked = table
            break
        if guess is not None and weak is None:
            weak = table
        passed.append(meta.name)
        first = first or table
    if picked is None and weak is not None:
        picked = weak
    if picked is None:
        if len(passed) == 1 and first is not None:
            first.notes.extend(notes)  # the only sheet: the header check asks for a mapping
            return first
        if passed:
            raise SpreadsheetError(no_header_message(path, tuple(names)))
        if hidden and options.sheet is None:
            raise SpreadsheetError(
                f"「{path.name}」可见的工作表都是空的，数据可能在隐藏的工作表（{'、'.join(hidden)}）中。"
                "请在 Excel 中右键工作表标签选择「取消隐藏」，或删除空白工作表后再导入。"
            )
        raise SpreadsheetError(f"「{path.name}」的工作表是空的，没有任何数据")
    before = [n for n in passed if names.index(n) < names.index(picked.sheet)]
    if before:
        notes.insert(
            0,
            f"已选用工作表「{picked.sheet}」（工作表「{'」「'.join(before)}」中没有"
            f"会员名册的表头）；如要导入其他工作表，{SHEET_HINT}",
        )
    if test is not None:
        notes.extend(_other_rosters(workbook, visible, names, picked.sheet, loaded, test))
    picked.notes.extend(notes)
    return picked


def _other_rosters(
    workbook: Any,
    visible: list[Any],
    names: list[str],
    picked: str,
    loaded: dict[str, tuple[list[list[Any]], HeaderGuess | None]],
    test: HeaderTest,
) -> list[str]:
    """One note per other visible sheet that also holds a roster: it is not imported.

    A workbook of one sheet (nearly every roster) costs nothing here; the others are
    read once more only when the workbook has them."""
    notes: list[str] = []
    for meta in visible:
        if meta.name == picked:
            continue
        if meta.name in loaded:
            rows, guess = loaded[meta.name]
        else:
            rows = _peek_rows(workbook, names.index(meta.name))
            guess = test(rows) if rows else None
        if guess is None or not guess.complete:
            continue
        count = _member_rows(rows, guess)
        if count:
            notes.append(
                f"工作表「{meta.name}」也有会员名册（{count} 行），本次未导入；"
                f"如要导入，请再用 --sheet {meta.name} 导入一次"
            )
    return notes


def _peek_rows(workbook: Any, index: int) -> list[list[Any]]:
    """A sheet's cells, only to see whether it is a roster; [] if it cannot be read."""
    try:
        return _sheet_rows(workbook.get_sheet_by_index(index))
    except Exception:  # a damaged sheet that is not the one imported: not worth a refusal
        return []


def _member_rows(rows: list[list[Any]], guess: HeaderGuess) -> int:
    """Rows below the header with a name or an ID number, total rows (合计) left out."""
    count = 0
    for row in rows[guess.row + 1 :]:
        width = len(row)
        if any(c < width and _filled(row[c]) for c in guess.key_columns):
            if total_label(row) is None:
                count += 1
    return count


def no_header_message(path: Path, sheets: tuple[str, ...], sheet: str | None = None) -> str:
    """No header found: which sheets the file has and how to choose one."""
    where = f"工作表「{sheet}」" if sheet is not None else "各工作表"
    return (
        f"找不到表头：「{path.name}」{where}的前 30 行里没有一行同时包含「姓名」「身份证号」"
        f"等列名。本文件的工作表有：{'、'.join(sheets)}。请确认名册在哪张工作表，"
        "用 --sheet 工作表名称 指定（导入向导中填写「工作表」），表头写在一行里"
        "（例如：姓名、身份证号、所属工会、手机号），或用 --map 列名=字段 指定。"
    )


def _load_sheet(
    path: Path, kind: Kind, workbook: Any, index: int, name: str, options: ReadOptions
) -> RawTable | None:
    part = sheet_part(path, index) if kind == "xlsx" else None
    formulas: frozenset[tuple[int, int]] = frozenset()
    errors: Mapping[tuple[int, int], str] = {}
    if part is not None:
        facts = scan_sheet(path, part, options.row_limit)
        if facts.rows is not None and facts.rows > options.row_limit + 100:
            raise _too_many(path, name, options.row_limit)
        formulas, errors = facts.formulas, facts.errors
    try:
        sheet = workbook.get_sheet_by_index(index)
    except Exception as exc:  # a sheet part missing or broken (calamine's own types)
        raise SpreadsheetError(damaged_message(path)) from exc
    if sheet.height > options.row_limit + 100:
        raise _too_many(path, name, options.row_limit)
    rows = _sheet_rows(sheet)
    if not any(any(_filled(c) for c in row) for row in rows):
        return None
    merged = tuple(sheet.merged_cell_ranges or ())
    return RawTable(path, name, rows, formulas, merged, errors=errors)


def _sheet_rows(sheet: Any) -> list[list[Any]]:
    """The sheet's cells from A1, as ``to_python(skip_empty_area=False)`` gives them, but
    row by row: ``to_python`` converts the whole sheet in one call holding the GIL
    (~0.2 s for 100k rows, a pause of the window beside it); the iterator lets the
    window run between rows. It pads the empty rows above the data, not the empty
    columns to its left: those are added here."""
    start = sheet.start
    if start is None:  # nothing in the sheet (the iterator cannot start on it)
        return []
    left = [""] * start[1]
    # A comprehension, not list(): list() drains a native iterator in C, never giving
    # the interpreter the moment between rows to hand the GIL to the window.
    if not left:
        return [row for row in sheet.iter_rows()]  # noqa: C416
    return [left + row for row in sheet.iter_rows()]


def _read_csv(path: Path, options: ReadOptions) -> RawTable:
    raw = _read_all(path)
    text = _decode(raw, path)
    nul = text.find("\x00")
    if nul >= 0:
        raise SpreadsheetError(_nul_message(path, text, nul))
    sample = text[:20000]
    try:
        dialect: Any = csv.Sniffer().sniff(sample, delimiters=",\t;")
    except csv.Error:
        dialect = csv.excel
    rows: list[list[Any]] = []
    for row in csv.reader(io.StringIO(text, newline=""), dialect):
        rows.append(list(row))
        if len(rows) > options.row_limit + 100:
            raise _too_many(path, path.stem, options.row_limit)
    return RawTable(path, path.stem, rows)


def _nul_message(path: Path, text: str, at: int) -> str:
    """Where the first NUL byte is (line and character), and how many there are."""
    line = text.count("\n", 0, at) + 1
    column = at - (text.rfind("\n", 0, at) + 1) + 1
    count = text.count("\x00")
    more = f"（全文共 {count} 个）" if count > 1 else ""
    return (
        f"「{path.name}」第 {line} 行第 {column} 个字符处有一个空字节（NUL，0x00）{more}，"
        "CSV 文本中不应出现这种字符，通常是导出名册的系统出错或文件没有完整复制。"
        "请用 Excel 或 WPS 打开该文件另存为 .xlsx 后再导入，或请对方重新导出。"
    )


def _read_all(path: Path) -> bytes:
    size = path.stat().st_size
    return open_bytes(path, size + 1)


def _decode(raw: bytes, path: Path) -> str:
    if raw.startswith(b"\xef\xbb\xbf"):
        return raw[3:].decode("utf-8", errors="strict")
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        return raw.decode("utf-16")
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        return raw.decode("gb18030")
    except UnicodeDecodeError as exc:
        raise SpreadsheetError(
            f"「{path.name}」的文字编码无法识别（不是 UTF-8 也不是 GBK）。"
            "请在 Excel 中打开后另存为 .xlsx 再导入。"
        ) from exc
