"""The annual report's 法律援助 sheet: cases by type (rows) and outcome (columns), with
the amount recovered; figures from ``services.legal.figures``."""

from __future__ import annotations

from openpyxl.worksheet.worksheet import Worksheet

from desktop.services.legal.figures import OUTCOME_COLUMNS, LegalFigures
from desktop.spreadsheets.reports_style import Column, page_setup, write_table

SHEET_TITLE = "法律援助"


def write_legal_sheet(ws: Worksheet, fed: str, subtitle: str, figures: LegalFigures) -> None:
    columns = (
        Column("案件类型", 22),
        Column("案件数", 9),
        *(Column(label, 10) for _, label in OUTCOME_COLUMNS),
        Column("追回金额（元）", 14, number_format="#,##0.00"),
    )
    rows = [
        [
            r.label,
            r.cases,
            *(r.by_outcome.get(code, 0) for code, _ in OUTCOME_COLUMNS),
            r.recovered_fen / 100,
        ]
        for r in figures.rows
    ]
    total = [
        "合计",
        figures.cases,
        *(figures.outcome_total(code) for code, _ in OUTCOME_COLUMNS),
        figures.recovered_fen / 100,
    ]
    write_table(
        ws,
        f"{fed}法律援助案件情况（{figures.year}年，按受理日期）",
        subtitle,
        columns,
        rows,
        total=total,
    )
    page_setup(ws)
