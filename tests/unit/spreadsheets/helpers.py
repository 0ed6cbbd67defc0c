"""Real roster files for the spreadsheet tests, written with openpyxl or as CSV bytes."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import openpyxl
from stdnum.cn import ric

from desktop.services.unions import federations
from desktop.services.unions import registry as unions
from desktop.storage.database import Database


def make_id(area: str = "440304", birth: str = "19850315", seq: int = 123) -> str:
    body = f"{area}{birth}{seq:03d}"
    return body + ric.calc_check_digit(body + "0")


def setup_registry(db: Database, *names: str) -> dict[str, str]:
    federations.create(db, "测试联合会", card_prefix="GH")
    return {name: unions.add(db, name).id for name in (names or ("甲公司工会",))}


def write_xlsx(
    path: Path, rows: Sequence[Sequence[Any]], *, text_columns: Sequence[int] = ()
) -> Path:
    """One sheet; ``text_columns`` (zero-based) get the '@' format, as a careful clerk sets."""
    wb = openpyxl.Workbook()
    ws = wb.active
    for row in rows:
        ws.append(list(row))
    for col in text_columns:
        for cells in ws.iter_rows(min_col=col + 1, max_col=col + 1):
            cells[0].number_format = "@"
    wb.save(path)
    return path


def write_csv(path: Path, rows: Sequence[Sequence[Any]], encoding: str) -> Path:
    text = "\r\n".join(",".join(str(c) for c in row) for row in rows) + "\r\n"
    path.write_bytes(text.encode(encoding))
    return path


def read_sheet(path: Path, sheet: str | None = None) -> list[tuple[Any, ...]]:
    wb = openpyxl.load_workbook(path)
    ws = wb[sheet] if sheet else wb.worksheets[0]
    return [tuple(r) for r in ws.iter_rows(values_only=True)]
