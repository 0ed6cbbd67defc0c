"""Upward report tables (.xlsx): the monthly member report and the annual statistics.

Every figure comes from ``desktop.services.figures.dashboard`` — the same functions the 首页
shows — so the paper and the screen always agree. Qt-free; openpyxl writes the file.

At an upper office, which holds its sub-federations' unions and members (received by
sync), the annual workbook rolls them up: the 会员情况 sheet and its 合计 cover every
federation, a 各联合会汇总 sheet gives one row per federation with the same total, and each
federation has its own sheet of unions with its 小计 (docs/HUB.md, "Roll-ups"). Both
reports can also be narrowed to one federation (``federation_id``): members, member
structure and 会站家 sites are then that federation's; the 3+N, 法律援助 and 困难帮扶 sheets,
which carry no union, are left out of such a workbook (a note says so).
"""

from __future__ import annotations

import calendar
from datetime import date
from pathlib import Path

from openpyxl import Workbook
from openpyxl.worksheet.worksheet import Worksheet

from desktop.errors import UnionDeskError, storage_error
from desktop.models.codes import MEMBERSHIP_STATUS
from desktop.private_files import app_temp_files, replacing
from desktop.services import audit
from desktop.services.figures import dashboard, federation_sheets, hardship_report
from desktop.services.figures.dashboard import ActivityFigures, MemberFigures
from desktop.services.figures.legal_sheet import SHEET_TITLE as LEGAL_SHEET
from desktop.services.figures.legal_sheet import write_legal_sheet
from desktop.services.legal.figures import legal_figures
from desktop.services.unions import scope
from desktop.spreadsheets.reports_style import Column, page_setup, write_table
from desktop.storage.database import Database

MONTHLY_COLUMNS = (
    Column("工会名称", 34),
    Column("会员总数", 11, "会员人数"),
    Column("其中女性", 11, "会员人数"),
    Column("其中农民工", 11, "会员人数"),
    Column("本月新增", 11, "增减情况"),
    Column("本年累计新增", 13, "增减情况"),
    Column("本月减少", 11, "增减情况"),
    Column("本年累计减少", 13, "增减情况"),
)
ANNUAL_MEMBER_COLUMNS = (
    Column("工会名称", 34),
    Column("会员总数", 11, "会员人数"),
    Column("其中女性", 11, "会员人数"),
    Column("其中农民工", 11, "会员人数"),
    Column("本年新增", 11, "增减情况"),
    Column("本年减少", 11, "增减情况"),
)


SCOPED_NOTE = (
    "本表只含「{name}」的工会、会员和会站家阵地；“3+N”服务、法律援助和困难帮扶不分联合会"
    "统计，请见全部联合会的年度统计表。"
)


def _federation_name(db: Database, federation_id: str | None = None) -> str:
    """The reporting federation: the one a report is narrowed to, else this office's own
    (an upper office holds its sub-federations' rows too: never just the first row)."""
    if federation_id is not None:
        return scope.name_of(db, federation_id)
    with db.connect(write=False) as conn:
        name = conn.exec_driver_sql(
            "SELECT name FROM federations WHERE deleted = 0 AND id = "
            "(SELECT value FROM app_settings WHERE key = 'federation_id')"
        ).scalar()
        if name is None:
            name = conn.exec_driver_sql(
                "SELECT name FROM federations WHERE deleted = 0 ORDER BY rowid LIMIT 1"
            ).scalar()
    return str(name) if name is not None else "工会联合会"


def _save(wb: Workbook, out: Path) -> Path:
    out = Path(out)
    if out.suffix.lower() != ".xlsx":
        raise UnionDeskError(f"报表文件名应以 .xlsx 结尾：{out.name}")
    try:
        with app_temp_files(), replacing(out) as tmp:
            wb.save(tmp)  # openpyxl spools each sheet to tempfile's folder
    except OSError as exc:
        known = storage_error(exc, path=out)  # full disk, no permission, no such folder …
        if known is not None:
            raise known from exc
        raise UnionDeskError(f"无法写入报表文件 {out}，本次操作未完成。") from exc
    return out


def _structure_sheet(ws: Worksheet, title: str, subtitle: str, figures: MemberFigures) -> None:
    rows: list[list[object]] = [
        ["会员总数（在会+保留会籍）", figures.total, 1.0 if figures.total else 0]
    ]

    def share(n: int) -> float:
        return n / figures.total if figures.total else 0.0

    rows += [
        ["女性", figures.female, share(figures.female)],
        ["男性", figures.male, share(figures.male)],
        ["性别不详", figures.gender_unknown, share(figures.gender_unknown)],
        ["农民工", figures.migrant, share(figures.migrant)],
    ]
    rows += [[f"年龄：{b.label}", b.count, share(b.count)] for b in figures.age_bands]
    rows.append(["年龄：16岁以下或出生日期不详", figures.age_other, share(figures.age_other)])
    band_rows = [i + 5 for i, b in enumerate(figures.age_bands) if b.new_generation]
    columns = (Column("项目", 34), Column("人数", 12), Column("占比", 12, number_format="0.0%"))
    nxt = write_table(ws, title, subtitle, columns, rows, highlight_rows=band_rows)
    status_rows = [[MEMBERSHIP_STATUS.label(s), n, None] for s, n in figures.statuses.items()]
    status_cols = (Column("会籍状态", 34), Column("人数（全部在册记录）", 12), Column("", 12))
    write_table(ws, "会籍状态", "", status_cols, status_rows, start_row=nxt, freeze=False)
    page_setup(ws)


FIRST_YEAR = 1900


def _check_year(year: int, now: date) -> None:
    if year < FIRST_YEAR:
        raise UnionDeskError(f"年份应在 {FIRST_YEAR}–{now.year} 之间，当前为 {year}")


def _not_begun(what: str, now: date) -> UnionDeskError:
    return UnionDeskError(
        f"{what}还没有开始（今天是 {now:%Y年%m月%d日}），没有可统计的数字；"
        "请检查年份、月份，或本机的日期是否正确。"
    )


def write_monthly(
    db: Database,
    year: int,
    month: int,
    out: Path,
    federation_id: str | None = None,
    today: date | None = None,
) -> Path:
    """会员情况月报表 as of the last day of the month (of today, for the current month:
    no figure is counted on a day still to come); one federation's with
    ``federation_id`` (None: every federation held here)."""
    if not 1 <= month <= 12:
        raise UnionDeskError(f"月份应为 1–12，当前为 {month}")
    now = today or db.clock.today()
    _check_year(year, now)
    if (year, month) > (now.year, now.month):
        raise _not_begun(f"{year}年{month}月", now)
    as_of = min(date(year, month, calendar.monthrange(year, month)[1]), now)
    with db.connect(write=False) as conn:
        figures = dashboard.member_figures(conn, as_of, federation_id=federation_id)
        hardship = dashboard.hardship_figures(conn, as_of, federation_id)
    fed = _federation_name(db, federation_id)
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "会员月报"
    subtitle = f"填报单位：{fed}　　统计截至：{as_of:%Y年%m月%d日}"
    rows = [
        [
            u.union_name,
            u.total,
            u.female,
            u.migrant,
            u.new_in_month,
            u.new_in_year,
            u.left_in_month,
            u.left_in_year,
        ]
        for u in figures.by_union
    ]
    total = [
        "合计",
        figures.total,
        figures.female,
        figures.migrant,
        figures.new_in_month,
        figures.new_in_year,
        figures.left_in_month,
        figures.left_in_year,
    ]
    nxt = write_table(
        ws,
        f"{fed}会员情况月报表（{year}年{month}月）",
        subtitle,
        MONTHLY_COLUMNS,
        rows,
        total=total,
    )
    ws.cell(
        nxt,
        1,
        f"困难职工档案：在档 {hardship.open_cases} 户，逾期未复核 "
        f"{hardship.overdue} 户，30 天内到期 {hardship.due_soon} 户",
    )
    page_setup(ws)
    _structure_sheet(
        wb.create_sheet("会员结构"), f"{fed}会员结构（{year}年{month}月）", subtitle, figures
    )
    return _recorded(db, _save(wb, out), f"会员情况月报表（{year}年{month}月）")


def _activity_sheet(ws: Worksheet, fed: str, figures: ActivityFigures) -> None:
    y, last = figures.year, figures.year - 1
    columns = (
        Column("服务类别", 26),
        Column("类型", 8),
        Column(f"{y}年", 10, "活动场次"),
        Column(f"{last}年", 10, "活动场次"),
        Column(f"{y}年", 10, "活动参与人次"),
        Column(f"{last}年", 10, "活动参与人次"),
        Column(f"{y}年", 10, "台账服务人次"),
        Column(f"{last}年", 10, "台账服务人次"),
        Column(f"{y}年", 10, "服务人次合计"),
        Column(f"{last}年", 10, "服务人次合计"),
    )
    rows = [
        [
            r.label,
            "必选" if r.fixed else "自选",
            r.activities,
            r.activities_last,
            r.attendance,
            r.attendance_last,
            r.service_people,
            r.service_people_last,
            r.people,
            r.people_last,
        ]
        for r in figures.rows
    ]
    t = figures.total
    total = [
        "合计",
        "",
        t("activities"),
        t("activities_last"),
        t("attendance"),
        t("attendance_last"),
        t("service_people"),
        t("service_people_last"),
        t("people"),
        t("people_last"),
    ]
    cov = figures.coverage
    subtitle = (
        f"填报单位：{fed}　　会员覆盖：{cov.reached} 人参加过活动，"
        f"占会员 {cov.members} 人的 {cov.share:.1%}"
    )
    write_table(ws, f"{fed}“3+N”服务情况统计表（{y}年）", subtitle, columns, rows, total=total)
    page_setup(ws)


def write_annual(
    db: Database,
    year: int,
    out: Path,
    today: date | None = None,
    federation_id: str | None = None,
) -> Path:
    """年度统计表: members by union, 3+N services by category, 会站家 by kind, 法律援助;
    rolled up by federation at an upper office, or narrowed to one (module docstring)."""
    now = today or db.clock.today()
    _check_year(year, now)
    if year > now.year:
        raise _not_begun(f"{year}年", now)
    as_of = min(date(year, 12, 31), now)
    choices = scope.held(db) if federation_id is None else []
    with db.connect(write=False) as conn:
        members = dashboard.member_figures(conn, as_of, federation_id=federation_id)
        acts = dashboard.activity_figures(conn, year, as_of)
        site_rows = dashboard.site_figures(conn, year, federation_id)
        unassigned = dashboard.unassigned_workers(conn, federation_id)
        legal = legal_figures(conn, year)
        # an upper office's roll-up: each federation holding unions, own first
        per_federation = [
            (c, dashboard.member_figures(conn, as_of, federation_id=c.id))
            for c in choices
            if c.unions
        ]
    fed = _federation_name(db, federation_id)
    subtitle = f"填报单位：{fed}　　统计截至：{as_of:%Y年%m月%d日}"
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "会员情况"
    rows = [
        [u.union_name, u.total, u.female, u.migrant, u.new_in_year, u.left_in_year]
        for u in members.by_union
    ]
    total = [
        "合计",
        members.total,
        members.female,
        members.migrant,
        members.new_in_year,
        members.left_in_year,
    ]
    nxt = write_table(
        ws, f"{fed}会员情况年报表（{year}年）", subtitle, ANNUAL_MEMBER_COLUMNS, rows, total=total
    )
    if federation_id is not None:
        ws.cell(nxt, 1, SCOPED_NOTE.format(name=fed))
    page_setup(ws)
    if len(per_federation) > 1:
        federation_sheets.add_sheets(
            wb, fed, year, subtitle, members, per_federation, ANNUAL_MEMBER_COLUMNS
        )
    _structure_sheet(wb.create_sheet("会员结构"), f"{fed}会员结构（{year}年）", subtitle, members)
    if federation_id is None:
        _activity_sheet(wb.create_sheet("3+N服务"), fed, acts)
    ws3 = wb.create_sheet("会站家阵地")
    columns = (
        Column("阵地类别", 18),
        Column("数量", 9),
        Column("面积（㎡）", 12, number_format="0.00"),
        Column("座位", 9),
        *(Column(f"{n}星", 8, "星级评定") for n in range(1, 6)),
        Column("在岗社会化工会工作者", 14),
        Column("本年台账服务人次", 14),
    )
    srows = [
        [
            s.label,
            s.sites,
            s.area_m2,
            s.seats,
            *(s.stars.get(n, 0) for n in range(1, 6)),
            s.workers,
            s.service_people,
        ]
        for s in site_rows
    ]
    if unassigned:  # workers in post with no site: in the 合计 all the same
        srows.append(["未分配阵地", None, None, None, *([None] * 5), unassigned, None])
    stotal: list[object] = [
        "合计",
        sum(s.sites for s in site_rows),
        round(sum(s.area_m2 for s in site_rows), 2),
        sum(s.seats for s in site_rows),
        *(sum(s.stars.get(n, 0) for s in site_rows) for n in range(1, 6)),
        sum(s.workers for s in site_rows) + unassigned,
        sum(s.service_people for s in site_rows),
    ]
    write_table(ws3, f"{fed}会站家阵地建设情况（{year}年）", subtitle, columns, srows, total=stotal)
    page_setup(ws3)
    if federation_id is not None:
        return _recorded(db, _save(wb, out), f"年度统计表（{year}年，{fed}）")
    write_legal_sheet(wb.create_sheet(LEGAL_SHEET), fed, subtitle, legal)
    hardship_report.add_sheet(wb, db, year, as_of, fed, subtitle)
    return _recorded(db, _save(wb, out), f"年度统计表（{year}年）")


def _recorded(db: Database, path: Path, what: str) -> Path:
    """The export in the audit trail (figures only, no personal data); no trace, no file."""
    try:
        audit.record(db, audit.EXPORT, f"{what}；文件 {audit.file_name(path)}")
    except Exception:
        path.unlink(missing_ok=True)
        raise
    return path
