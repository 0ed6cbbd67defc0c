"""The look shared by every .xlsx we write: header style, widths, A4 print setup.

Functions take ``Any`` for the sheet: openpyxl's normal and write-only worksheets share
no base type.
"""

from __future__ import annotations

from typing import Any

from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import Cell
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter

HEADER_FONT = Font(name="宋体", bold=True, color="FFFFFF")
HEADER_FILL = PatternFill("solid", fgColor="C0392B")
HEADER_ALIGN = Alignment(horizontal="center", vertical="center", wrap_text=True)
THIN = Side(style="thin", color="999999")
HEADER_BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
PROBLEM_FILL = PatternFill("solid", fgColor="FFC7CE")
PROBLEM_FONT = Font(color="9C0006")
TEXT_FORMAT = "@"
DATE_FORMAT = "yyyy-mm-dd"


def header_cells(ws: Any, labels: list[str]) -> list[WriteOnlyCell]:
    out = []
    for label in labels:
        cell = text_cell(ws, label) if formula_like(label) else WriteOnlyCell(ws, label)
        cell.font = HEADER_FONT
        cell.fill = HEADER_FILL
        cell.alignment = HEADER_ALIGN
        cell.border = HEADER_BORDER
        out.append(cell)
    return out


def style_header_row(ws: Any, row: int, count: int) -> None:
    for col in range(1, count + 1):
        cell = ws.cell(row=row, column=col)
        cell.font = HEADER_FONT
        cell.fill = HEADER_FILL
        cell.alignment = HEADER_ALIGN
        cell.border = HEADER_BORDER


def set_widths(ws: Any, widths: list[float]) -> None:
    for index, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(index)].width = width


def width_for(label: str, kind: str) -> float:
    base = {"id_number": 21, "phone": 14, "date": 12, "union": 24, "card_no": 18}
    return float(max(base.get(kind, 10), len(label) * 2 + 4))


def a4_setup(ws: Any, title: str, *, landscape: bool = True) -> None:
    ws.page_setup.paperSize = 9  # A4
    ws.page_setup.orientation = "landscape" if landscape else "portrait"
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_title_rows = "1:1"
    ws.oddFooter.center.text = "第 &P 页，共 &N 页"
    ws.oddHeader.center.text = title
    ws.print_options.horizontalCentered = True


def freeze_header(ws: Any) -> None:
    """Before the first row in write-only mode: the sheet view is written with it."""
    ws.freeze_panes = "A2"


def autofilter(ws: Any, columns: int, rows: int) -> None:
    ws.auto_filter.ref = f"A1:{get_column_letter(max(columns, 1))}{max(rows, 1)}"


#: What a spreadsheet program may take for the start of a formula (OWASP's CSV/formula
#: injection list): "=" for openpyxl itself, "+", "-", "@" for Excel and WPS on re-entry.
FORMULA_STARTS = ("=", "+", "-", "@")


def formula_like(value: object) -> bool:
    """Text (a union, category or member name…) a spreadsheet could run as a formula."""
    return isinstance(value, str) and value.startswith(FORMULA_STARTS)


def keep_as_text(cell: Any) -> Any:
    """Make a cell holding formula-like text a plain text cell (openpyxl writes any value
    starting with "=" as a live formula, so text from a roster or the registry could run
    in the clerk's Excel). The one mechanism for every workbook we write."""
    if formula_like(cell.value):
        cell.data_type = "s"
    return cell


def text_cell(ws: Any, value: str) -> Cell:
    """A write-only cell that shows ``value`` as typed (see :func:`keep_as_text`)."""
    cell = WriteOnlyCell(ws, value=value)
    cell.data_type = "s"
    return cell


def cell_value(value: Any) -> Any:
    return "" if value is None else value
