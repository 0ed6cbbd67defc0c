"""The annual report's hardship table (issue 22): files by level and cause, assistance
count and amount by kind and by source of funds.

A file counts as "in file" at the report date when it was opened by then and not closed
before it; a file may have several causes (each counted). Assistance counts the ledger
lines dated in the year. Purged files and their ledger are tombstones and count nowhere.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from openpyxl import Workbook
from sqlalchemy import Connection, text

from desktop.models.codes import ASSISTANCE_KIND, FUND_SOURCE, HARDSHIP_CAUSE, HARDSHIP_LEVEL
from desktop.spreadsheets.reports_style import Column, page_setup, write_table
from desktop.storage.database import Database

MONEY_COLUMNS = (
    Column("类别", 24),
    Column("次数", 12),
    Column("金额（元）", 14, number_format="0.00"),
)


@dataclass(frozen=True)
class LevelRow:
    code: str
    label: str
    in_file: int
    opened_in_year: int
    closed_in_year: int


@dataclass(frozen=True)
class MoneyRow:
    code: str
    label: str
    count: int
    amount_fen: int


@dataclass(frozen=True)
class HardshipTables:
    year: int
    as_of: date
    levels: tuple[LevelRow, ...]
    causes: tuple[tuple[str, str, int], ...]  # code, label, files in file
    kinds: tuple[MoneyRow, ...]
    sources: tuple[MoneyRow, ...]


def hardship_tables(conn: Connection, year: int, as_of: date) -> HardshipTables:
    start, end = date(year, 1, 1).isoformat(), date(year, 12, 31).isoformat()
    day = as_of.isoformat()
    rows = conn.execute(
        text(
            "SELECT level, cause, opened_on, closed_on FROM hardship_cases "
            "WHERE deleted = 0 AND opened_on <= :day"
        ),
        {"day": day},
    ).all()
    in_file: dict[str, int] = {}
    opened: dict[str, int] = {}
    closed: dict[str, int] = {}
    causes: dict[str, int] = {}
    for r in rows:
        opened_on, closed_on = str(r.opened_on), r.closed_on and str(r.closed_on)
        if closed_on is None or closed_on > day:
            in_file[r.level] = in_file.get(r.level, 0) + 1
            for code in set((r.cause or "").split()):
                causes[code] = causes.get(code, 0) + 1
        if start <= opened_on <= end:
            opened[r.level] = opened.get(r.level, 0) + 1
        if closed_on is not None and start <= closed_on <= min(end, day):
            closed[r.level] = closed.get(r.level, 0) + 1
    levels = tuple(
        LevelRow(code, label, in_file.get(code, 0), opened.get(code, 0), closed.get(code, 0))
        for code, label in HARDSHIP_LEVEL
    )

    def money(column: str) -> dict[str, tuple[int, int]]:
        found = conn.execute(
            text(
                f"SELECT a.{column} AS code, count(*) AS n, sum(a.amount_fen) AS fen "
                "FROM hardship_assistance a JOIN hardship_cases h ON h.id = a.case_id "
                "WHERE a.deleted = 0 AND h.deleted = 0 AND a.given_on BETWEEN :s AND :e "
                f"GROUP BY a.{column}"
            ),
            {"s": start, "e": min(end, day)},
        ).all()
        return {str(f.code): (int(f.n), int(f.fen)) for f in found}

    kinds, sources = money("kind"), money("fund_source")
    return HardshipTables(
        year=year,
        as_of=as_of,
        levels=levels,
        causes=tuple((c, label, causes.get(c, 0)) for c, label in HARDSHIP_CAUSE),
        kinds=tuple(MoneyRow(c, lb, *kinds.get(c, (0, 0))) for c, lb in ASSISTANCE_KIND),
        sources=tuple(MoneyRow(c, lb, *sources.get(c, (0, 0))) for c, lb in FUND_SOURCE),
    )


def add_sheet(wb: Workbook, db: Database, year: int, as_of: date, fed: str, subtitle: str) -> None:
    """The 困难帮扶 sheet of the annual report."""
    with db.connect(write=False) as conn:
        t = hardship_tables(conn, year, as_of)
    ws = wb.create_sheet("困难帮扶")
    level_cols = (
        Column("困难类别", 24),
        Column("在档户数", 12),
        Column("本年新建档", 12),
        Column("本年脱困", 12),
    )
    nxt = write_table(
        ws,
        f"{fed}困难职工帮扶情况（{year}年）",
        subtitle,
        level_cols,
        [[r.label, r.in_file, r.opened_in_year, r.closed_in_year] for r in t.levels],
        total=[
            "合计",
            sum(r.in_file for r in t.levels),
            sum(r.opened_in_year for r in t.levels),
            sum(r.closed_in_year for r in t.levels),
        ],
    )
    nxt = write_table(
        ws,
        "在档困难职工致困原因",
        "一户可有多项原因，各项分别计数",
        (Column("致困原因", 24), Column("户数", 12)),
        [[label, n] for _, label, n in t.causes],
        start_row=nxt,
        freeze=False,
    )
    for title, rows in (("救助情况（按救助类别）", t.kinds), ("救助情况（按资金来源）", t.sources)):
        nxt = write_table(
            ws,
            title,
            f"{year}年发放",
            (
                Column("类别", 24),
                Column("次数", 12),
                Column("金额（元）", 14, number_format="0.00"),
            ),
            [[r.label, r.count, r.amount_fen / 100] for r in rows],
            total=["合计", sum(r.count for r in rows), sum(r.amount_fen for r in rows) / 100],
            start_row=nxt,
            freeze=False,
        )
    page_setup(ws)
