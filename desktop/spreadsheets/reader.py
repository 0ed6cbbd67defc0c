"""Read a roster file into rows of cells, refusing what is not a usable spreadsheet.

.xlsx goes through python-calamine (cells come back as str, float, bool, date or
datetime); .csv is decoded as UTF-8 (with or without BOM) or GB18030 (a superset of GBK)
and every cell is text. The sheet's size is checked from its XML before it is loaded.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import python_calamine as calamine

from desktop.spreadsheets.probe import (
    SpreadsheetError,
    detect_kind,
    locked_message,
    open_bytes,
    scan_sheet,
    sheet_part,
)

DEFAULT_ROW_LIMIT = 200_000


@dataclass(frozen=True)
class ReadOptions:
    row_limit: int = DEFAULT_ROW_LIMIT
    sheet: str | None = None  # a sheet name; default: the first visible sheet with data


@dataclass
class RawTable:
    """The cells of one sheet; ``rows[i]`` is the sheet's row ``i + 1``."""

    path: Path
    sheet: str
    rows: list[list[Any]]
    formulas: frozenset[tuple[int, int]] = frozenset()
    merged: tuple[tuple[tuple[int, int], tuple[int, int]], ...] = ()
    notes: list[str] = field(default_factory=list)


def read_table(path: Path, options: ReadOptions | None = None) -> RawTable:
    options = options or ReadOptions()
    path = Path(path)
    kind = detect_kind(path)
    table = _read_csv(path, options) if kind == "csv" else _read_xlsx(path, options)
    if not any(any(_filled(c) for c in row) for row in table.rows):
        raise SpreadsheetError(f"工作表「{table.sheet}」是空的，没有任何数据")
    return table


def _filled(value: Any) -> bool:
    return value is not None and value != ""


def _too_many(path: Path, sheet: str, rows: int, limit: int) -> SpreadsheetError:
    return SpreadsheetError(
        f"「{path.name}」的工作表「{sheet}」约有 {rows} 行，超过一次导入的上限 {limit} 行。"
        "请把名册拆分成几个文件分批导入（或在设置中调高上限）。"
    )


def _read_xlsx(path: Path, options: ReadOptions) -> RawTable:
    try:
        workbook = calamine.CalamineWorkbook.from_path(str(path))
    except PermissionError as exc:
        raise SpreadsheetError(locked_message(path)) from exc
    except calamine.PasswordError as exc:
        raise SpreadsheetError(
            f"「{path.name}」设置了密码，无法读取。请在 Excel 中取消密码后再导入。"
        ) from exc
    except Exception as exc:  # calamine raises several types for broken files
        raise SpreadsheetError(
            f"「{path.name}」已损坏，无法作为 Excel 表格读取（{type(exc).__name__}）"
        ) from exc
    try:
        return _pick_sheet(path, workbook, options)
    finally:
        workbook.close()


def _pick_sheet(path: Path, workbook: Any, options: ReadOptions) -> RawTable:
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
    for meta in chosen:
        table = _load_sheet(path, workbook, names.index(meta.name), meta.name, options)
        if table is not None:
            table.notes.extend(notes)
            return table
    if hidden and options.sheet is None:
        raise SpreadsheetError(
            f"「{path.name}」可见的工作表都是空的，数据可能在隐藏的工作表（{'、'.join(hidden)}）中。"
            "请在 Excel 中右键工作表标签选择「取消隐藏」，或删除空白工作表后再导入。"
        )
    raise SpreadsheetError(f"「{path.name}」的工作表是空的，没有任何数据")


def _load_sheet(
    path: Path, workbook: Any, index: int, name: str, options: ReadOptions
) -> RawTable | None:
    part = sheet_part(path, index)
    formulas: frozenset[tuple[int, int]] = frozenset()
    if part is not None:
        facts = scan_sheet(path, part, options.row_limit)
        if facts.rows is not None and facts.rows > options.row_limit + 100:
            raise _too_many(path, name, facts.rows, options.row_limit)
        formulas = facts.formulas
    sheet = workbook.get_sheet_by_index(index)
    if sheet.height > options.row_limit + 100:
        raise _too_many(path, name, sheet.height, options.row_limit)
    rows: list[list[Any]] = sheet.to_python(skip_empty_area=False)
    if not any(any(_filled(c) for c in row) for row in rows):
        return None
    merged = tuple(sheet.merged_cell_ranges or ())
    return RawTable(path, name, rows, formulas, merged)


def _read_csv(path: Path, options: ReadOptions) -> RawTable:
    raw = _read_all(path)
    text = _decode(raw, path)
    sample = text[:20000]
    try:
        dialect: Any = csv.Sniffer().sniff(sample, delimiters=",\t;")
    except csv.Error:
        dialect = csv.excel
    rows: list[list[Any]] = []
    for row in csv.reader(io.StringIO(text, newline=""), dialect):
        rows.append(list(row))
        if len(rows) > options.row_limit + 100:
            raise _too_many(path, path.stem, len(rows), options.row_limit)
    return RawTable(path, path.stem, rows)


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
