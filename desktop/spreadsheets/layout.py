"""Rosters laid out for people: merged cells over a block of rows, 合计 rows at the bottom.

Offices merge 所属工会 (or 工作单位) over the rows of one union, and end the table with a
合计/总计/小计 row and a line or two of 制表人/审核人. A spreadsheet reader returns the
merged value in the top-left cell only, and a total row looks like a member without an ID
number. Both are handled here, cheaply: the fill touches only the merged cells, and the
total test runs only for rows without a valid-shaped ID number.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from desktop.spreadsheets.headers import HeaderMap

Merged = tuple[tuple[int, int], tuple[int, int]]  # ((first row, first col), (last row, last col))

# 合计, 总计, 小计, 共计, 总人数, 人数合计 … at the start of a cell, spaces ignored (合 计).
_TOTAL = re.compile(r"^(合计|总计|小计|共计|累计|总人数|人数合计|人数总计)")
SHOWN_MERGES = 5


@dataclass(frozen=True)
class FilledBlock:
    """One vertically merged cell below the header whose value now fills every row."""

    first_row: int  # zero-based, inclusive
    last_row: int
    column: int


def fill_merged_down(
    rows: list[list[Any]], merged: Sequence[Merged], header_row: int
) -> list[FilledBlock]:
    """Copy the value of each merged cell below the header into every row it covers.

    Only the merged cell's own (first) column is filled: a cell merged across columns
    still belongs to the field of its first column. Empty cells only, so filling twice (the
    wizard re-checks the same table) changes nothing.
    """
    blocks: list[FilledBlock] = []
    for (r1, c1), (r2, _c2) in merged:
        if r1 <= header_row or r2 <= r1 or r1 >= len(rows):
            continue
        top = rows[r1][c1] if c1 < len(rows[r1]) else None
        if top is None or top == "":
            continue
        for r in range(r1 + 1, min(r2, len(rows) - 1) + 1):
            row = rows[r]
            if c1 >= len(row):
                row.extend([None] * (c1 + 1 - len(row)))
            if row[c1] is None or row[c1] == "":
                row[c1] = top
        blocks.append(FilledBlock(r1, r2, c1))
    return sorted(blocks, key=lambda b: (b.first_row, b.column))


def merged_note(blocks: Sequence[FilledBlock], header: HeaderMap) -> str | None:
    """The preview's note about the filled blocks (row numbers and columns, no values)."""
    if not blocks:
        return None
    parts = [
        f"第 {b.first_row + 1}–{b.last_row + 1} 行「{_header(header, b.column)}」"
        for b in blocks[:SHOWN_MERGES]
    ]
    more = f"等 {len(blocks)} 处" if len(blocks) > SHOWN_MERGES else ""
    return f"{'、'.join(parts)}{more}是合并单元格，已把合并的内容填入所覆盖的每一行，请核对"


def _header(header: HeaderMap, column: int) -> str:
    text = header.headers[column] if column < len(header.headers) else ""
    return text or _letters(column)


def _letters(column: int) -> str:
    letters = ""
    column += 1
    while column:
        column, rem = divmod(column - 1, 26)
        letters = chr(65 + rem) + letters
    return f"第 {letters} 列"


def total_label(cells: Sequence[Any]) -> str | None:
    """The 合计-like text of a total row, or None: the first cell that starts with one."""
    for value in cells:
        if type(value) is str and value:
            key = "".join(value.split())
            if _TOTAL.match(key):
                return key[:8]
    return None
