"""An upper office's roll-up in the annual report: a row per federation, a sheet each.

An upper office holds its sub-federations' unions and members (received by sync); its
年度统计表 adds, after the 会员情况 sheet of every union, a 各联合会汇总 sheet (one row per
federation, the same 合计) and one sheet per federation listing its unions with its 小计
(``report_book.write_annual``; docs/HUB.md, "Roll-ups").
"""

from __future__ import annotations

from openpyxl import Workbook

from desktop.services.figures.dashboard import MemberFigures
from desktop.services.unions.scope import FederationChoice
from desktop.spreadsheets.reports_style import Column, page_setup, write_table

FEDERATION_SUMMARY_SHEET = "各联合会汇总"
FEDERATION_SUMMARY_COLUMNS = (
    Column("联合会", 34),
    Column("工会数", 9),
    Column("会员总数", 11, "会员人数"),
    Column("其中女性", 11, "会员人数"),
    Column("其中农民工", 11, "会员人数"),
    Column("本年新增", 11, "增减情况"),
    Column("本年减少", 11, "增减情况"),
)


def sheet_title(prefix: str, name: str, taken: list[str]) -> str:
    """A sheet name for a federation: no character Excel refuses, at most 31 long, unique."""
    clean = "".join(ch for ch in name if ch not in "[]:*?/\\'")
    title = (prefix + clean)[:31]
    n = 2
    while title in taken:
        suffix = f"（{n}）"
        title = (prefix + clean)[: 31 - len(suffix)] + suffix
        n += 1
    return title


def add_sheets(
    wb: Workbook,
    fed: str,
    year: int,
    subtitle: str,
    members: MemberFigures,
    per_federation: list[tuple[FederationChoice, MemberFigures]],
    union_columns: tuple[Column, ...],
) -> None:
    """An upper office's roll-up: one row per federation with the whole's 合计, then one
    sheet per federation listing its unions with its 小计 (``union_columns``: the
    会员情况 sheet's, so each federation's sheet reads like it)."""
    ws = wb.create_sheet(FEDERATION_SUMMARY_SHEET)
    rows = [
        [
            f"{c.name}（本会）" if c.own else c.name,
            c.unions,
            f.total,
            f.female,
            f.migrant,
            f.new_in_year,
            f.left_in_year,
        ]
        for c, f in per_federation
    ]
    total = [
        "合计",
        sum(c.unions for c, _f in per_federation),
        members.total,
        members.female,
        members.migrant,
        members.new_in_year,
        members.left_in_year,
    ]
    write_table(
        ws,
        f"{fed}各联合会会员情况汇总（{year}年）",
        subtitle,
        FEDERATION_SUMMARY_COLUMNS,
        rows,
        total=total,
    )
    page_setup(ws)
    for c, f in per_federation:
        sheet = wb.create_sheet(sheet_title("会员-", c.name, wb.sheetnames))
        union_rows = [
            [u.union_name, u.total, u.female, u.migrant, u.new_in_year, u.left_in_year]
            for u in f.by_union
        ]
        subtotal = ["小计", f.total, f.female, f.migrant, f.new_in_year, f.left_in_year]
        write_table(
            sheet,
            f"{c.name}会员情况（{year}年）",
            subtitle,
            union_columns,
            union_rows,
            total=subtotal,
        )
        page_setup(sheet)
