"""Formatting shared by the upward report tables: merged two-row headers, thin borders,
frozen panes, column widths and an A4 landscape page that fits one page wide."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from desktop.control_chars import replace_control_chars
from desktop.spreadsheets.styles import keep_as_text

THIN = Side(style="thin", color="000000")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)
LEFT = Alignment(horizontal="left", vertical="center")
TITLE_FONT = Font(name="宋体", size=16, bold=True)
HEAD_FONT = Font(name="宋体", size=11, bold=True)
BODY_FONT = Font(name="宋体", size=11)
HEAD_FILL = PatternFill("solid", fgColor="DDEBF7")
HIGHLIGHT_FILL = PatternFill("solid", fgColor="FFF2CC")


@dataclass(frozen=True)
class Column:
    """One data column; ``group`` puts it under a merged upper header (None: spans 2 rows)."""

    label: str
    width: float = 12
    group: str | None = None
    number_format: str = "0"


def write_table(
    ws: Worksheet,
    title: str,
    subtitle: str,
    columns: Sequence[Column],
    rows: Sequence[Sequence[object]],
    *,
    total: Sequence[object] | None = None,
    highlight_rows: Sequence[int] = (),
    start_row: int = 1,
    freeze: bool = True,
) -> int:
    """Write a titled table; returns the next free row after one blank row.

    Rows from ``start_row``: title, subtitle, a two-row header (grouped columns merged
    under their group), data, then the bold total row. ``highlight_rows`` are data-row
    indexes (0-based) given a soft yellow fill (e.g. the 新生代 age band).
    """
    ncol = len(columns)
    last = get_column_letter(ncol)
    r = start_row
    ws.merge_cells(f"A{r}:{last}{r}")
    keep_as_text(ws.cell(r, 1, title))  # the federation's name starts the title
    ws[f"A{r}"].font = TITLE_FONT
    ws[f"A{r}"].alignment = CENTER
    ws.row_dimensions[r].height = 30
    ws.merge_cells(f"A{r + 1}:{last}{r + 1}")
    keep_as_text(ws.cell(r + 1, 1, subtitle))
    ws[f"A{r + 1}"].font = BODY_FONT
    ws[f"A{r + 1}"].alignment = LEFT
    h1, h2 = r + 2, r + 3
    c = 1
    while c <= ncol:
        col = columns[c - 1]
        if col.group is None:
            ws.merge_cells(start_row=h1, start_column=c, end_row=h2, end_column=c)
            ws.cell(h1, c, col.label)
            c += 1
            continue
        end = c
        while end < ncol and columns[end].group == col.group:
            end += 1
        ws.merge_cells(start_row=h1, start_column=c, end_row=h1, end_column=end)
        ws.cell(h1, c, col.group)
        for k in range(c, end + 1):
            ws.cell(h2, k, columns[k - 1].label)
        c = end + 1
    for rr in (h1, h2):
        for k in range(1, ncol + 1):
            cell = ws.cell(rr, k)
            cell.font, cell.alignment, cell.border, cell.fill = HEAD_FONT, CENTER, BORDER, HEAD_FILL
    data_start = h2 + 1
    out = data_start
    body = list(rows) + ([total] if total is not None else [])
    for n, values in enumerate(body):
        is_total = total is not None and n == len(body) - 1
        for k, value in enumerate(values, start=1):
            if isinstance(value, str):  # a name stored with a control character
                value = replace_control_chars(value)
            cell = keep_as_text(ws.cell(out, k, value))
            cell.border = BORDER
            cell.font = HEAD_FONT if is_total else BODY_FONT
            cell.alignment = LEFT if k == 1 else CENTER
            if isinstance(value, int | float) and not isinstance(value, bool):
                cell.number_format = columns[k - 1].number_format
            if n in highlight_rows:
                cell.fill = HIGHLIGHT_FILL
        out += 1
    for k, col in enumerate(columns, start=1):
        letter = get_column_letter(k)
        current = ws.column_dimensions[letter].width or 0
        ws.column_dimensions[letter].width = max(current, col.width)
    if freeze:
        ws.freeze_panes = ws.cell(data_start, 2)
    return out + 1


def page_setup(ws: Worksheet, header_rows: str = "3:4") -> None:
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_title_rows = header_rows
    ws.print_options.horizontalCentered = True
    ws.page_margins.left = ws.page_margins.right = 0.4
    ws.oddFooter.center.text = "第 &P 页，共 &N 页"
