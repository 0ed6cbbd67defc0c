"""The error report: the whole roster as it was read, plus what is wrong with each row.

Columns: 原表行号, 问题说明, then the file's own columns (header as written). Every member
row of the file is there, in its order: a refused row says its problems and has each bad
cell filled red, a row without errors says 无误 (total rows, the footer and blank rows
are left out). So the report is the roster to import once the red cells are corrected:
the two added columns are recognised and ignored by the importer, and the rows without
errors come in with the corrected ones (a report of the refused rows alone, imported,
left the good rows out while the file's import had written none of them).
"""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell

from desktop.control_chars import replace_control_chars
from desktop.private_files import app_temp_files
from desktop.spreadsheets import styles
from desktop.spreadsheets.files import check_target, save_workbook
from desktop.spreadsheets.preview import ImportPreview

EXTRA = ("原表行号", "问题说明")
NO_PROBLEM = "无误"


def _plain(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()[:10]
    if isinstance(value, str):  # a refused control character is shown as U+FFFD
        return replace_control_chars(value)
    return "" if value is None else value


def write_error_report(preview: ImportPreview, target: Path) -> Path:
    # the refused rows may hold ID numbers: openpyxl spools them to the data dir's tmp
    with app_temp_files():
        return _write(preview, target)


def _write(preview: ImportPreview, target: Path) -> Path:
    check_target(target)
    workbook = Workbook(write_only=True)
    ws = workbook.create_sheet("导入错误")
    headers = [replace_control_chars(str(h)) for h in preview.header.headers]
    widths = [10.0, 60.0] + [max(10.0, min(30.0, len(h) * 2 + 4.0)) for h in headers]
    styles.set_widths(ws, widths)
    styles.freeze_header(ws)
    ws.append(styles.header_cells(ws, [*EXTRA, *headers]))
    rows = preview.table.rows
    count = 0
    for result in preview.rows:
        original = rows[result.row - 1]
        bad = {p.column_index for p in result.problems if p.column_index is not None}
        out: list[Any] = [result.row]
        if result.problems:
            problem_cell = WriteOnlyCell(
                ws, value=replace_control_chars("\n".join(p.text() for p in result.problems))
            )
            problem_cell.font = styles.PROBLEM_FONT
            out.append(problem_cell)
        else:
            out.append(NO_PROBLEM)
        for index in range(len(headers)):
            value = _plain(original[index]) if index < len(original) else ""
            as_text = styles.formula_like(value)  # CSV text, not a formula
            if index in bad:
                cell = styles.text_cell(ws, value) if as_text else WriteOnlyCell(ws, value=value)
                cell.fill = styles.PROBLEM_FILL
                cell.font = styles.PROBLEM_FONT
                out.append(cell)
            else:
                out.append(styles.text_cell(ws, value) if as_text else value)
        ws.append(out)
        count += 1
    styles.autofilter(ws, len(EXTRA) + len(headers), count + 1)
    styles.a4_setup(ws, "名册导入错误报告")
    return save_workbook(workbook, Path(target))
