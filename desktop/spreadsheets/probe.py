"""Look inside a file before loading it: what it really is, how big, where the formulas are.

Everything here streams: the sheet's ``<dimension>`` is near the start of its XML, and
the formula scan decompresses the sheet chunk by chunk without building cells, so a
too-large sheet is refused before calamine loads it.
"""

from __future__ import annotations

import re
import zipfile
import zlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from desktop.errors import UnionDeskError

Kind = Literal["xlsx", "xls", "csv"]

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGIC = b"PK\x03\x04"

XLS_TEXT_MESSAGE = (
    "「{name}」的扩展名是 .xls，但内容是文本或网页（有些系统这样导出表格），不是 Excel 工作簿。"
    "请在 Excel 或 WPS 中打开它，选择「文件 → 另存为」，保存类型选「Excel 工作簿 (*.xlsx)」，"
    "再导入新文件。"
)


class SpreadsheetError(UnionDeskError):
    """The file cannot be read as a roster; nothing was written."""


def open_bytes(path: Path, size: int) -> bytes:
    """The first ``size`` bytes, with the clerk-facing messages for unreadable files."""
    try:
        with path.open("rb") as fh:
            return fh.read(size)
    except FileNotFoundError as exc:
        raise SpreadsheetError(f"找不到文件「{path}」") from exc
    except IsADirectoryError as exc:
        raise SpreadsheetError(f"「{path}」是文件夹，请选择一个 Excel 或 CSV 文件") from exc
    except PermissionError as exc:
        raise SpreadsheetError(locked_message(path)) from exc


def locked_message(path: Path) -> str:
    return (
        f"无法读取「{path.name}」：文件正被其他程序占用（可能还在 Excel 或 WPS 中打开）"
        "或没有读取权限。请关闭该文件后重试。"
    )


def damaged_message(path: Path) -> str:
    """A workbook whose parts are missing or broken (no library names: the clerk's words)."""
    return (
        f"「{path.name}」已损坏，无法作为 Excel 表格读取。"
        "请在 Excel 或 WPS 中打开它，另存为 .xlsx 后再导入。"
    )


def lock_file_message(path: Path) -> str:
    """Excel's ``~$名册.xlsx``, the small file it keeps beside a workbook while it is open."""
    workbook = path.name[2:]
    return (
        f"「{path.name}」是 Excel 打开「{workbook}」时产生的临时文件，"
        f"请选择「{workbook}」本身（并先在 Excel 中关闭它）"
    )


def detect_kind(path: Path) -> Kind:
    """``xlsx``, ``xls`` (Excel 97-2003) or ``csv``; anything else is refused with what it
    looks like. A .csv with a NUL byte is still ``csv``: the reader says where the byte is."""
    head = open_bytes(path, 8192)
    name = path.name
    if name.startswith("~$") and not head.startswith((ZIP_MAGIC, OLE_MAGIC)):
        raise SpreadsheetError(lock_file_message(path))
    if not head:
        raise SpreadsheetError(f"「{name}」是空文件（0 字节），里面没有名册")
    if head.startswith(OLE_MAGIC):
        return _ole_kind(path)
    if head.startswith(ZIP_MAGIC):
        return _zip_kind(path)
    textual = _looks_textual(head)
    if path.suffix.lower() in {".csv", ".txt"} and (textual or _text_with_nul(head)):
        return "csv"
    if path.suffix.lower() == ".xls" and textual:
        # Some systems export HTML or tab-separated text named .xls.
        raise SpreadsheetError(XLS_TEXT_MESSAGE.format(name=name))
    raise SpreadsheetError(
        f"「{name}」不是 Excel 表格（.xlsx）或 CSV 文件，可能已损坏或被改了扩展名。"
        "请在 Excel 或 WPS 中打开原始名册，另存为 .xlsx 后再导入。"
    )


def _looks_textual(head: bytes) -> bool:
    if b"\x00" in head:
        return False
    for encoding in ("utf-8", "gb18030"):
        try:
            head.decode(encoding)
            return True
        except UnicodeDecodeError as exc:
            if encoding == "utf-8" and exc.start >= len(head) - 3:
                return True  # a multi-byte character cut at the end of the sample
    return False


def _text_with_nul(head: bytes) -> bool:
    """Text with a few NUL bytes (a broken export), or UTF-16 text with its BOM."""
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return True
    nuls = head.count(b"\x00")
    return 0 < nuls * 20 < len(head) and _looks_textual(head.replace(b"\x00", b""))


def _ole_kind(path: Path) -> Kind:
    """OLE2 is both the old .xls format and the wrapper of an encrypted .xlsx."""
    data = open_bytes(path, 1 << 20)
    if (
        "EncryptionInfo".encode("utf-16-le") in data
        or "EncryptedPackage".encode("utf-16-le") in data
    ):
        raise SpreadsheetError(
            f"「{path.name}」设置了打开密码（已加密），无法读取。请在 Excel 中打开它，"
            "选择「文件 → 信息 → 保护工作簿 → 用密码进行加密」，清空密码并保存后再导入。"
        )
    if "WordDocument".encode("utf-16-le") in data:
        raise SpreadsheetError(
            f"「{path.name}」是 Word 文档，不是 Excel 表格。请选择名册的 Excel 文件。"
        )
    return "xls"


def _zip_kind(path: Path) -> Kind:
    try:
        with zipfile.ZipFile(path) as zf:
            names = set(zf.namelist())
    except (zipfile.BadZipFile, OSError) as exc:
        raise SpreadsheetError(f"「{path.name}」已损坏，无法作为 Excel 表格打开") from exc
    if "xl/workbook.xml" in names:
        return "xlsx"
    if "word/document.xml" in names:
        raise SpreadsheetError(
            f"「{path.name}」是 Word 文档，不是 Excel 表格。请选择名册的 Excel 文件。"
        )
    if "ppt/presentation.xml" in names:
        raise SpreadsheetError(f"「{path.name}」是 PowerPoint 演示文稿，不是 Excel 表格。")
    if "content.xml" in names:
        raise SpreadsheetError(
            f"「{path.name}」是 OpenDocument（WPS/LibreOffice .ods）文件，请另存为 .xlsx 后再导入。"
        )
    raise SpreadsheetError(
        f"「{path.name}」是压缩包，不是 Excel 表格。请先解压，再选择其中的 .xlsx 文件。"
    )


@dataclass(frozen=True)
class SheetXml:
    """Facts read from one worksheet's XML without loading its cells."""

    rows: int | None  # from <dimension>, None when the writer left it out
    formulas: frozenset[tuple[int, int]]  # zero-based (row, column) of formula cells
    # zero-based (row, column) of error cells (#N/A, #REF! …) and their value; calamine
    # reads them as empty cells
    errors: Mapping[tuple[int, int], str] = field(default_factory=dict)


_DIMENSION = re.compile(rb"<(?:\w+:)?dimension\s+ref=\"([A-Z]+)(\d+)(?::([A-Z]+)(\d+))?\"")
_FORMULA = re.compile(rb"<(?:\w+:)?f[\s>/]")
# Every formula tag contains this; searching for it first is much faster than _FORMULA,
# which backtracks at every "<" of a sheet without formulas (nearly every roster;
# docs/benchmarks.md, "Figures behind design choices").
_FORMULA_HINT = re.compile(rb"f[\s>/]")
_CELL_REF = re.compile(rb"<(?:\w+:)?c\s[^>]*?r=\"([A-Z]+)(\d+)\"")
_ROW_TAG = re.compile(rb"<(?:\w+:)?row[\s>]")
_ERROR_TYPE = b't="e"'
_ERROR_VALUE = re.compile(rb"<(?:\w+:)?v>([^<]*)</")
# a tag that only begins like a row (<rowBreaks>), or "<row" cut off at the end
_ROW_LONGER = re.compile(rb"<row(?=[^\s>]|\Z)")


def count_rows(body: bytes) -> int:
    """The ``<row>`` tags in ``body``: what ``_ROW_TAG`` finds, by searches for a literal.

    ``_ROW_TAG`` tries a match at every "<" of the sheet (0.31 s of a 100k-row roster's
    0.42 s scan); a search for "<row" skips ahead at memory speed (0.04 s). Text never
    holds a raw "<", so each "<row" is a tag: a row's, or a longer name's taken off
    after. A sheet that writes its tags with a namespace prefix (``<x:row>``: rare)
    has no "<row" and is counted by the pattern.
    """
    found = body.count(b"<row")
    if found == 0:
        return len(_ROW_TAG.findall(body))
    return found - len(_ROW_LONGER.findall(body))


def column_index(letters: bytes | str) -> int:
    text = letters.decode() if isinstance(letters, bytes) else letters
    number = 0
    for ch in text:
        number = number * 26 + (ord(ch) - 64)
    return number - 1


def sheet_part(path: Path, sheet_index: int) -> str | None:
    """The zip member of the n-th sheet (workbook order), through the workbook's rels."""
    try:
        return _sheet_part(path, sheet_index)
    except (KeyError, zipfile.BadZipFile, zlib.error, EOFError) as exc:
        raise SpreadsheetError(damaged_message(path)) from exc


def _sheet_part(path: Path, sheet_index: int) -> str | None:
    with zipfile.ZipFile(path) as zf:
        workbook = zf.read("xl/workbook.xml")
        rels_name = "xl/_rels/workbook.xml.rels"
        rels = zf.read(rels_name) if rels_name in zf.namelist() else b""
    rids = re.findall(rb"<(?:\w+:)?sheet\s[^>]*?r:id=\"([^\"]+)\"", workbook)
    if sheet_index >= len(rids):
        return None
    rid = rids[sheet_index]
    for rel in re.finditer(rb"<Relationship\s[^>]*>", rels):
        tag = rel.group(0)
        if re.search(rb"Id=\"" + re.escape(rid) + rb"\"", tag):
            target = re.search(rb"Target=\"([^\"]+)\"", tag)
            if target:
                value = target.group(1).decode()
                return value.lstrip("/") if value.startswith("/") else "xl/" + value
    return None


def scan_sheet(path: Path, part: str, row_limit: int) -> SheetXml:
    """Dimension, formula and error cells of one sheet; stops counting rows past
    ``row_limit``. A sheet part missing or broken in the zip is a damaged file."""
    try:
        return _scan_sheet(path, part, row_limit)
    except (KeyError, zipfile.BadZipFile, zlib.error, EOFError) as exc:
        raise SpreadsheetError(damaged_message(path)) from exc


def _scan_sheet(path: Path, part: str, row_limit: int) -> SheetXml:
    rows: int | None = None
    formulas: set[tuple[int, int]] = set()
    errors: dict[tuple[int, int], str] = {}
    counted = 0
    tail = b""
    with zipfile.ZipFile(path) as zf, zf.open(part) as fh:
        first = True
        while True:
            chunk = fh.read(1 << 20)
            if not chunk:
                break
            data = tail + chunk
            if first:
                dim = _DIMENSION.search(data[:4096])
                if dim is not None:
                    rows = int(dim.group(4) or dim.group(2))
                    if rows > row_limit + 100:
                        return SheetXml(rows, frozenset())
                first = False
            # Cut before the last cell so a cell and its <f> never straddle two chunks.
            cut = data.rfind(b"<c ")
            if cut <= 0:
                cut = data.rfind(b"<")
            cut = cut if cut > 0 else len(data)
            body, tail = data[:cut], data[cut:]
            if rows is None:
                counted += count_rows(body)
                if counted > row_limit + 100:
                    return SheetXml(counted, frozenset())
            if _FORMULA_HINT.search(body) and _FORMULA.search(body):
                _collect_formulas(body, formulas)
            if _ERROR_TYPE in body:  # a search for a literal: free for a sheet without any
                _collect_errors(body, errors)
    # The last cell of the sheet is still in ``tail`` (each chunk is cut before its last
    # cell): a formula there, the bottom-right cell, must not be missed.
    if _FORMULA_HINT.search(tail) and _FORMULA.search(tail):
        _collect_formulas(tail, formulas)
    if _ERROR_TYPE in tail:
        _collect_errors(tail, errors)
    if rows is None:
        rows = counted + count_rows(tail)
    return SheetXml(rows, frozenset(formulas), errors)


def _collect_errors(body: bytes, out: dict[tuple[int, int], str]) -> None:
    """Cells of type "e" (an error value: <c r="B2" t="e"><v>#N/A</v></c>) and their value."""
    at = body.find(_ERROR_TYPE)
    while at >= 0:
        start = body.rfind(b"<", 0, at)
        ref = _CELL_REF.match(body, start) if start >= 0 else None
        end = body.find(b"</", at)
        value = _ERROR_VALUE.search(body, at, end + 64 if end >= 0 else len(body))
        if ref is not None and value is not None:
            key = (int(ref.group(2)) - 1, column_index(ref.group(1)))
            out[key] = value.group(1).decode("utf-8", "replace")
        at = body.find(_ERROR_TYPE, at + 1)


def _collect_formulas(body: bytes, out: set[tuple[int, int]]) -> None:
    for match in _FORMULA.finditer(body):
        start = max(body.rfind(b"<c ", 0, match.start()), body.rfind(b":c ", 0, match.start()))
        if start < 0:
            continue
        ref = _CELL_REF.match(body, body.rfind(b"<", 0, start + 1))
        if ref is not None:
            out.add((int(ref.group(2)) - 1, column_index(ref.group(1))))
